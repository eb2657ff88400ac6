import { describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../src/mail/index.js';
import {
  DEFAULT_TEMPLATE,
  parseTemplate,
  recognisers,
  renderSmsText,
  type Recogniser,
} from '../../src/render/index.js';

const mail = (fields: Partial<ParsedMail> = {}): ParsedMail => ({
  messageId: undefined,
  subject: 'Disk full',
  from: 'Zabbix <zabbix@example.com>',
  text: 'Host: app-01\nUsed: 97%',
  bodySource: 'text',
  headers: {},
  ...fields,
});

const render = (template: string, fields: Partial<ParsedMail> = {}): string =>
  renderSmsText(mail(fields), { template });

describe('renderSmsText: the default template', () => {
  it('is "{subject}: {text}" with the body joined onto one line', () => {
    expect(DEFAULT_TEMPLATE).toBe('{subject}: {text}');
    expect(renderSmsText(mail())).toBe('Disk full: Host: app-01 Used: 97%');
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE })).toBe('Disk full: Host: app-01 Used: 97%');
  });

  it('gives just the text when the subject is empty', () => {
    expect(render(DEFAULT_TEMPLATE, { subject: '' })).toBe('Host: app-01 Used: 97%');
  });

  it('gives just the subject when the text is empty', () => {
    expect(render(DEFAULT_TEMPLATE, { text: '' })).toBe('Disk full');
  });

  it('gives an empty string when both are empty', () => {
    expect(render(DEFAULT_TEMPLATE, { subject: '', text: '' })).toBe('');
  });

  it('treats whitespace-only values as empty', () => {
    expect(render(DEFAULT_TEMPLATE, { subject: ' \t', text: '\n\n' })).toBe('');
    expect(render(DEFAULT_TEMPLATE, { subject: '  ' })).toBe('Host: app-01 Used: 97%');
  });

  it('folds paragraphs and whitespace runs into single spaces', () => {
    expect(render('{text}', { text: 'one\n\ntwo  three\n four' })).toBe('one two three four');
  });
});

describe('renderSmsText: placeholders and separators', () => {
  it('fills {from} and leaves unknown placeholders as written', () => {
    expect(render('[{from}] {subject} on {host}')).toBe('[Zabbix <zabbix@example.com>] Disk full on {host}');
    expect(render('{Subject} {subject}')).toBe('{Subject} Disk full');
    expect(render('{ subject } {}')).toBe('{ subject } {}');
  });

  it('never touches separators that belong to the values', () => {
    expect(render(DEFAULT_TEMPLATE, { subject: 'Status:', text: '- item one' })).toBe('Status:: - item one');
    expect(render(DEFAULT_TEMPLATE, { subject: '', text: '-5 degrees, falling |' })).toBe('-5 degrees, falling |');
    expect(render(DEFAULT_TEMPLATE, { subject: '| pipes |', text: '' })).toBe('| pipes |');
  });

  it('drops the separator of an empty field in the middle', () => {
    const template = '{from} | {subject}: {text}';
    expect(render(template, { from: '' })).toBe('Disk full: Host: app-01 Used: 97%');
    expect(render(template, { subject: '' })).toBe('Zabbix <zabbix@example.com> | Host: app-01 Used: 97%');
    expect(render(template, { text: '' })).toBe('Zabbix <zabbix@example.com> | Disk full');
    expect(render(template, { from: '', subject: '', text: '' })).toBe('');
    expect(render('{subject} - {from} - {text}', { from: '' })).toBe('Disk full - Host: app-01 Used: 97%');
  });

  it('keeps literal text around empty fields but not its dangling separator', () => {
    const template = 'ALERT: {subject} - {text}';
    expect(render(template, { subject: '' })).toBe('ALERT: Host: app-01 Used: 97%');
    expect(render(template, { text: '' })).toBe('ALERT: Disk full');
    expect(render(template, { subject: '', text: '' })).toBe('ALERT');
  });

  it('drops brackets around an empty field', () => {
    expect(render('{subject} ({from})', { from: '' })).toBe('Disk full');
    expect(render('[{from}] {subject}', { from: '' })).toBe('Disk full');
    expect(render('{subject} ({from}) {text}', { from: '' })).toBe('Disk full Host: app-01 Used: 97%');
  });

  it('handles separators of every listed kind and template newlines', () => {
    expect(render('{subject}, {text}', { subject: '' })).toBe('Host: app-01 Used: 97%');
    expect(render('{subject} | {text}', { text: '' })).toBe('Disk full');
    expect(render('{subject}\n{text}', { text: 'x' })).toBe('Disk full x');
    expect(render('{subject} -- {text} --', { text: '' })).toBe('Disk full');
    expect(render('- {subject}: {text}', { subject: '' })).toBe('Host: app-01 Used: 97%');
    expect(render('- {subject}: {text}')).toBe('- Disk full: Host: app-01 Used: 97%');
  });

  it('tokenises templates into literals and placeholders', () => {
    expect(parseTemplate('{subject}: {text}!')).toEqual([
      { kind: 'placeholder', name: 'subject', raw: '{subject}' },
      { kind: 'literal', text: ': ' },
      { kind: 'placeholder', name: 'text', raw: '{text}' },
      { kind: 'literal', text: '!' },
    ]);
    expect(parseTemplate('')).toEqual([]);
    expect(parseTemplate('plain')).toEqual([{ kind: 'literal', text: 'plain' }]);
  });
});

describe('renderSmsText: recognisers', () => {
  const recogniser = (name: string, confidence: number, fields: Record<string, string>): Recogniser => ({
    name,
    matches: () => confidence,
    extract: () => fields,
  });
  const template = '{status} {host}: {subject}';

  it('starts with an empty list, so every mail renders plain', () => {
    expect(recognisers).toEqual([]);
    expect(renderSmsText(mail(), { template })).toBe('{status} {host}: Disk full');
  });

  it('adds the fields of a recogniser at or above 0.5 confidence as placeholders', () => {
    const zabbix = recogniser('zabbix', 0.5, { status: 'PROBLEM', host: 'app-01' });
    expect(renderSmsText(mail(), { template }, [zabbix])).toBe('PROBLEM app-01: Disk full');
  });

  it('ignores recognisers below 0.5', () => {
    const unsure = recogniser('unsure', 0.49, { status: 'X', host: 'Y' });
    expect(renderSmsText(mail(), { template }, [unsure])).toBe('{status} {host}: Disk full');
  });

  it('uses the most confident recogniser, the first one on a tie', () => {
    const list = [
      recogniser('a', 0.6, { status: 'A' }),
      recogniser('b', 0.9, { status: 'B' }),
      recogniser('c', 0.9, { status: 'C' }),
    ];
    expect(renderSmsText(mail(), { template: '{status}' }, list)).toBe('B');
  });

  it('lets a recogniser replace the text with a condensed one', () => {
    const condenser = recogniser('condenser', 1, { text: 'app-01 97%' });
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE }, [condenser])).toBe('Disk full: app-01 97%');
  });

  it('renders plain when a recogniser throws', () => {
    const broken: Recogniser = {
      name: 'broken',
      matches: () => 1,
      extract: () => {
        throw new Error('bug');
      },
    };
    const brokenMatch: Recogniser = { ...broken, matches: () => { throw new Error('bug'); } };
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE }, [broken])).toBe('Disk full: Host: app-01 Used: 97%');
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE }, [brokenMatch])).toBe(
      'Disk full: Host: app-01 Used: 97%',
    );
  });

  it('drops separators around an empty recogniser field too', () => {
    const partial = recogniser('partial', 0.8, { status: '', host: 'app-01' });
    expect(renderSmsText(mail(), { template: '{status} | {host}: {subject}' }, [partial])).toBe('app-01: Disk full');
  });
});
