import { describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../src/mail/index.js';
import {
  chooseRecogniser,
  DEFAULT_FAMILY_TEMPLATE,
  DEFAULT_TEMPLATE,
  parseTemplate,
  recognisers,
  renderSmsText,
  type AlertFields,
  type Recogniser,
} from '../../src/render/index.js';

const DEFAULT_OPTIONS = { template: DEFAULT_TEMPLATE };

const mail = (fields: Partial<ParsedMail> = {}): ParsedMail => ({
  messageId: undefined,
  subject: 'Disk full',
  from: 'Zabbix <zabbix@example.com>',
  text: 'Host: app-01\nUsed: 97%',
  bodySource: 'text',
  headers: {},
  ...fields,
});

/** The template alone: no recognisers, no clean-up, as before the renderer learnt families. */
const plain = { recognisers: false, condense: false } as const;
const render = (template: string, fields: Partial<ParsedMail> = {}): string =>
  renderSmsText(mail(fields), { template, ...plain });

describe('renderSmsText: the default template', () => {
  it('is "{subject}: {text}" with the body joined onto one line', () => {
    expect(DEFAULT_TEMPLATE).toBe('{subject}: {text}');
    expect(render(DEFAULT_TEMPLATE)).toBe('Disk full: Host: app-01 Used: 97%');
  });

  it('condenses the body of an unrecognised mail by default, lines kept apart', () => {
    expect(renderSmsText(mail())).toBe('Disk full: Host: app-01; Used: 97%');
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE })).toBe('Disk full: Host: app-01; Used: 97%');
  });

  it('gives just the text when the subject is empty', () => {
    expect(render(DEFAULT_TEMPLATE, { subject: '' })).toBe('Host: app-01 Used: 97%');
  });

  it('gives just the subject when the text is empty', () => {
    expect(render(DEFAULT_TEMPLATE, { text: '' })).toBe('Disk full');
  });

  it('gives an empty string when both are empty', () => {
    expect(render(DEFAULT_TEMPLATE, { subject: '', text: '' })).toBe('');
    expect(renderSmsText(mail({ subject: '', text: '' }))).toBe('');
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
  const fields = (partial: Partial<AlertFields>): AlertFields => ({
    status: '', title: '', target: '', severity: '', value: '', count: undefined, extra: [], ...partial,
  });
  const recogniser = (name: string, confidence: number, found: Partial<AlertFields>, template?: string): Recogniser => ({
    name,
    matches: () => confidence,
    extract: () => fields(found),
    ...(template !== undefined ? { template } : {}),
  });

  it('has one recogniser per family, each with a name and a layout', () => {
    const names = recognisers.map((r) => r.name);
    for (const family of ['alertmanager', 'grafana', 'zabbix', 'nagios', 'icinga2', 'monit', 'cron', 'jenkins', 'gitlab-ci',
      'netdata', 'uptime-kuma', 'healthchecks', 'smartd', 'mdadm', 'fail2ban', 'ups', 'cloudwatch', 'sentry']) {
      expect(names).toContain(family);
    }
    expect(new Set(names).size).toBe(names.length);
    for (const r of recognisers) expect(r.template).toMatch(/\{(status|title|target)\}/);
  });

  it('lays out the fields of a recogniser at or above 0.5 confidence with its template', () => {
    const zabbix = recogniser('z', 0.5, { status: 'PROBLEM', target: 'app-01', title: 'Disk full' }, '{status} {target}: {title}');
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [zabbix])).toBe('PROBLEM app-01: Disk full');
  });

  it('falls back to the family layout when a recogniser names none', () => {
    const r = recogniser('r', 0.9, { status: 'DOWN', target: 'sw-01', value: 'lost 100%', extra: ['10.0.0.1'] });
    expect(DEFAULT_FAMILY_TEMPLATE).toContain('{extra}');
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [r])).toBe('DOWN sw-01: lost 100%; 10.0.0.1');
  });

  it('ignores recognisers below 0.5', () => {
    const unsure = recogniser('unsure', 0.49, { status: 'X' }, '{status}');
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [unsure])).toBe('Disk full: Host: app-01; Used: 97%');
  });

  it('uses the most confident recogniser, the first one on a tie', () => {
    const list = [
      recogniser('a', 0.6, { status: 'A' }, '{status}'),
      recogniser('b', 0.9, { status: 'B' }, '{status}'),
      recogniser('c', 0.9, { status: 'C' }, '{status}'),
    ];
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, list)).toBe('B');
    expect(chooseRecogniser(mail(), list)).toMatchObject({ confidence: 0.9, recogniser: { name: 'b' } });
  });

  it('takes the operator template for the family, or "*" for all, over the built-in one', () => {
    const r = recogniser('zabbix', 1, { status: 'PROBLEM', title: 'Disk full', target: 'app-01', value: '97%' }, '{title}');
    const templates = { zabbix: '{status} {title} {target} {value}' };
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE, templates }, [r])).toBe('PROBLEM Disk full app-01 97%');
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE, templates: { '*': '{target}! {subject}' } }, [r])).toBe(
      'app-01! Disk full',
    );
  });

  it('lets a recogniser add placeholders or replace subject, text and from', () => {
    const r = recogniser('r', 1, { fields: { text: 'app-01 97%', host: 'app-01' } }, '{subject} {text} {host}');
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [r])).toBe('Disk full app-01 97% app-01');
  });

  it('renders through the generic path when a recogniser throws', () => {
    const broken: Recogniser = {
      name: 'broken',
      matches: () => 1,
      extract: () => {
        throw new Error('bug');
      },
    };
    const brokenMatch: Recogniser = { ...broken, matches: () => { throw new Error('bug'); } };
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [broken])).toBe('Disk full: Host: app-01; Used: 97%');
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [brokenMatch])).toBe('Disk full: Host: app-01; Used: 97%');
  });

  it('drops separators around an empty recogniser field too', () => {
    const partial = recogniser('partial', 0.8, { status: '', target: 'app-01' }, '{status} | {target}: {subject}');
    expect(renderSmsText(mail(), DEFAULT_OPTIONS, [partial])).toBe('app-01: Disk full');
  });

  it('is switched off by render.recognisers: false', () => {
    const r = recogniser('r', 1, { status: 'X' }, '{status}');
    expect(renderSmsText(mail(), { template: DEFAULT_TEMPLATE, recognisers: false }, [r])).toBe('Disk full: Host: app-01; Used: 97%');
  });
});
