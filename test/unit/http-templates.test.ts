/** Templates, paths and request building: pure pieces of the generic HTTP carrier. */
import { describe, expect, it } from 'vitest';
import { getAll, getText, parsePath } from '../../src/carriers/http/json-path.js';
import { messageValues } from '../../src/carriers/http/request.js';
import type { HttpCarrierSpec } from '../../src/carriers/http/spec.js';
import { placeholders, renderJson, renderText } from '../../src/carriers/http/template.js';
import { buildSms } from '../../src/sms/index.js';

describe('templates', () => {
  const values = { to: '+447700900001', text: 'a & b=c', parts: 2, receipt: true, encoding: 'ucs2', empty: '' };
  it.each([
    ['{to}', '+447700900001'],
    ['Hi {{literal}} {text}', 'Hi {literal} a & b=c'],
    ['{encoding|gsm7=text|ucs2=unicode}', 'unicode'],
    ['{encoding|gsm7=0}', 'ucs2'],
    ['{encoding|gsm7=0|*=8}', '8'],
    ['{receipt|true=27|false=0}', '27'],
    ['{empty|=none|*=some}', 'none'],
  ])('%s → %s', (template, out) => {
    expect(renderText(template, values)).toBe(out);
  });

  it('escapes substituted values only', () => {
    expect(renderText('https://x/{text}?t=%d', values, encodeURIComponent)).toBe('https://x/a%20%26%20b%3Dc?t=%d');
  });

  it('refuses unknown placeholders and malformed maps', () => {
    expect(() => renderText('{nope}', values)).toThrow('unknown placeholder {nope}');
    expect(() => renderText('{encoding|gsm7}', values)).toThrow('not key=value');
  });

  it('keeps types of whole placeholders in JSON and drops empty fields', () => {
    expect(renderJson({ n: '{parts}', r: '{receipt}', s: 'x{parts}', e: '{empty}', list: ['{to}', '{empty}'], nested: { e: '' }, k: 3, z: null }, values))
      .toEqual({ n: 2, r: true, s: 'x2', list: ['+447700900001'], nested: {}, k: 3, z: null });
  });

  it('lists placeholders', () => {
    expect(placeholders('{a}{{b}}{c|x=y}')).toEqual(['a', 'c']);
  });
});

describe('paths', () => {
  const doc = { messages: [{ 'message-id': 'A', status: '0' }, { 'message-id': 'B', status: 1 }], data: { to: [{ status: 'queued' }] }, n: null };
  it.each([
    ['messages[0].message-id', ['A']],
    ['messages[*].message-id', ['A', 'B']],
    ['messages[*].status', ['0', 1]],
    ['data.to[0].status', ['queued']],
    ['messages[5].status', []],
    ['n', []],
    ['missing.deep', []],
    ['__proto__', []],
  ])('%s', (path, values) => {
    expect(getAll(doc, path)).toEqual(values);
  });

  it('reads scalars as text', () => {
    expect(getText(doc, 'messages[1].status')).toBe('1');
    expect(getText(doc, 'data')).toBeUndefined();
  });

  it.each(['', 'a[', 'a..b', '[x]', 'a]'])('refuses %j', (path) => {
    expect(() => parsePath(path)).toThrow();
  });
});

describe('message values', () => {
  const spec = { vars: { account_sid: 'AC1' } } as unknown as HttpCarrierSpec;
  const base = { id: 'tx1-0', to: '+447700900001', from: '+15005550006', wantReceipt: true, concatRef: 1 };

  it('gives each placeholder its value', () => {
    const sms = buildSms('é'.repeat(100), { maxSegments: 5, concat: 'payload' });
    const values = messageValues(spec, { ...base, sms, validUntil: 10_000 + 3_599_500 }, { parts: sms.parts, now: 10_000 });
    expect(values).toEqual({
      account_sid: 'AC1', to: '+447700900001', to_digits: '447700900001', from: '+15005550006', from_digits: '15005550006',
      text: 'é'.repeat(100), id: 'tx1-0', parts: 1, encoding: 'gsm7', units: 100, dcs: 0, unicode: false, receipt: true,
      validity_seconds: 3599, validity_minutes: 59, validity_ms: 3_599_500, webhook_url: '',
    });
  });

  it('counts the parts the provider will send for a payload message (SmsMessage.parts)', () => {
    expect(buildSms('a'.repeat(160), { maxSegments: 5, concat: 'payload' }).parts).toBe(1);
    expect(buildSms('a'.repeat(161), { maxSegments: 5, concat: 'payload' }).parts).toBe(2);
    expect(buildSms('€'.repeat(81), { maxSegments: 5, concat: 'payload' }).parts).toBe(2);
    expect(buildSms('😀'.repeat(40), { maxSegments: 5, concat: 'payload' }).parts).toBe(2);
  });

  it('keeps an alphanumeric sender as it is', () => {
    const sms = buildSms('x', { maxSegments: 1, concat: 'payload' });
    expect(messageValues(spec, { ...base, from: 'ALERTS', sms }, { parts: 1, now: 0 }).from_digits).toBe('ALERTS');
  });
});
