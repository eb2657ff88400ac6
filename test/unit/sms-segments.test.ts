import { describe, expect, it } from 'vitest';
import {
  buildSms,
  decodeGsm7,
  decodeUcs2,
  type ConcatMethod,
  type SmsMessage,
} from '../../src/sms/index.js';

const a = (n: number): string => 'a'.repeat(n);
const ya = (n: number): string => 'Я'.repeat(n);

/** Length of each part in septets (gsm7 body octets) or UTF-16 units (ucs2 body octets / 2). */
const partUnits = (sms: SmsMessage): number[] =>
  sms.segments.map((s) => (sms.encoding === 'gsm7' ? s.body.length : s.body.length / 2));

const decodeAll = (sms: SmsMessage): string =>
  sms.segments.map((s) => (sms.encoding === 'gsm7' ? decodeGsm7(s.body) : decodeUcs2(s.body))).join('');

describe('segment sizes', () => {
  it.each<[string, string, ConcatMethod, number[]]>([
    ['160 GSM', a(160), 'udh8', [160]],
    ['161 GSM', a(161), 'udh8', [153, 8]],
    ['306 GSM', a(306), 'udh8', [153, 153]],
    ['307 GSM', a(307), 'udh8', [153, 153, 1]],
    ['70 UCS-2', ya(70), 'udh8', [70]],
    ['71 UCS-2', ya(71), 'udh8', [67, 4]],
    ['134 UCS-2', ya(134), 'udh8', [67, 67]],
    ['135 UCS-2', ya(135), 'udh8', [67, 67, 1]],
    ['161 GSM, sar', a(161), 'sar', [153, 8]],
    ['71 UCS-2, sar', ya(71), 'sar', [67, 4]],
    ['160 GSM, udh16', a(160), 'udh16', [160]],
    ['161 GSM, udh16', a(161), 'udh16', [152, 9]],
    ['71 UCS-2, udh16', ya(71), 'udh16', [66, 5]],
    ['306 GSM, payload', a(306), 'payload', [306]],
    ['134 UCS-2, payload', ya(134), 'payload', [134]],
  ])('%s (%s…) with %s → %j', (_name, text, concat, expected) => {
    const sms = buildSms(text, { maxSegments: 10, concat });
    expect(partUnits(sms)).toEqual(expected);
    expect(sms.truncated).toBe(false);
    expect(sms.text).toBe(text);
    expect(decodeAll(sms)).toBe(text);
  });
});

describe('extension characters', () => {
  it.each([
    [80, [160]],
    [81, [152, 10]],
  ])('%i × € are 2 septets each → parts %j', (n, expected) => {
    const sms = buildSms('€'.repeat(n), { maxSegments: 5 });
    expect(sms.encoding).toBe('gsm7');
    expect(sms.units).toBe(2 * n);
    expect(partUnits(sms)).toEqual(expected);
  });

  it('a € at septet 153 moves whole to the next part', () => {
    const text = `${a(152)}€${'b'.repeat(10)}`;
    const sms = buildSms(text, { maxSegments: 3 });
    expect(sms.segments.map((s) => s.text)).toEqual([a(152), `€${'b'.repeat(10)}`]);
    expect(sms.segments[0]!.body.at(-1)).not.toBe(0x1b);
    expect([...sms.segments[1]!.body.subarray(0, 2)]).toEqual([0x1b, 0x65]);
    expect(decodeAll(sms)).toBe(text);
  });

  it('with udh16 the pair moves at septet 152', () => {
    const sms = buildSms(`${a(151)}[${a(20)}`, { maxSegments: 3, concat: 'udh16' });
    expect(sms.segments.map((s) => s.text)).toEqual([a(151), `[${a(20)}`]);
  });
});

describe('surrogate pairs', () => {
  it.each<[ConcatMethod, number]>([
    ['udh8', 66],
    ['udh16', 65],
  ])('an emoji straddling the part boundary (%s) moves whole to the next part', (concat, before) => {
    const text = `${'x'.repeat(before)}😀${'y'.repeat(10)}Я`;
    const sms = buildSms(text, { maxSegments: 3, concat });
    expect(sms.encoding).toBe('ucs2');
    expect(sms.segments.map((s) => s.text)).toEqual(['x'.repeat(before), `😀${'y'.repeat(10)}Я`]);
    expect(decodeAll(sms)).toBe(text);
  });

  it('counts an emoji as two units and encodes UTF-16BE', () => {
    const sms = buildSms('hi 😀', { maxSegments: 1 });
    expect(sms).toMatchObject({ encoding: 'ucs2', dataCoding: 8, units: 5 });
    expect(sms.segments[0]!.body.toString('hex')).toBe('006800690020d83dde00');
  });

  it('35 emoji fill one SMS, 36 need two', () => {
    expect(buildSms('😀'.repeat(35), { maxSegments: 3 }).segments).toHaveLength(1);
    expect(partUnits(buildSms('😀'.repeat(36), { maxSegments: 3 }))).toEqual([66, 6]);
  });
});

describe('empty text', () => {
  it('is one segment with an empty body', () => {
    expect(buildSms('', { maxSegments: 1 })).toEqual({
      text: '',
      encoding: 'gsm7',
      dataCoding: 0,
      segments: [{ text: '', body: Buffer.alloc(0) }],
      parts: 1,
      units: 0,
      truncated: false,
    });
  });
});

describe('round trip over mixed texts', () => {
  const texts = [
    `${'{€}'.repeat(70)} end`,
    `Server 😀 down ${'Ω€😀'.repeat(40)}`,
    `${'word '.repeat(100)}`,
    'Ünïcødé ⚠️ alert: 🔥🔥🔥 '.repeat(10),
    '\r\n'.repeat(200),
  ];
  const methods: ConcatMethod[] = ['udh8', 'udh16', 'sar', 'payload'];
  it.each(texts.flatMap((t) => methods.map((m) => [m, t] as const)))('%s: %j', (concat, text) => {
    const sms = buildSms(text, { maxSegments: 20, concat, transliterate: false });
    expect(sms.truncated).toBe(false);
    expect(decodeAll(sms)).toBe(text);
    expect(sms.segments.map((s) => s.text).join('')).toBe(text);
    if (concat === 'payload') expect(sms.segments).toHaveLength(1);
  });
});

describe('an SMSC that takes GSM-7 text as ASCII or Latin-1 (data_coding 1 or 3)', () => {
  it('sends the text octets of that alphabet, not GSM septets', () => {
    const text = 'db_1 disk 95% @ 03:00, cost $5 {x}';
    const ascii = buildSms(text, { maxSegments: 3, gsmAlphabet: 'ascii' });
    expect({ encoding: ascii.encoding, body: ascii.segments[0]!.body.toString('latin1') }).toEqual({ encoding: 'gsm7', body: text });
    expect(buildSms(text, { maxSegments: 3 }).segments[0]!.body.includes(0x00)).toBe(true); // '@' as a septet
  });

  it('still cuts parts in septets: the SMSC turns the text into GSM for the air, where { costs two', () => {
    const sms = buildSms(`${'{'.repeat(80)}a`, { maxSegments: 3, gsmAlphabet: 'ascii' });
    expect(sms.units).toBe(161);
    expect(sms.segments.map((s) => s.body.length)).toEqual([76, 5]);
  });

  it('goes UCS-2 for a GSM character the alphabet lacks: £ is not ASCII, € is not Latin-1', () => {
    expect(buildSms('cost £5', { maxSegments: 1, gsmAlphabet: 'ascii' }).encoding).toBe('ucs2');
    const latin1 = buildSms('cost £5', { maxSegments: 1, gsmAlphabet: 'latin1' });
    expect({ encoding: latin1.encoding, body: latin1.segments[0]!.body }).toEqual({ encoding: 'gsm7', body: Buffer.from('cost \xa35', 'latin1') });
    expect(buildSms('cost €5', { maxSegments: 1, gsmAlphabet: 'latin1' }).encoding).toBe('ucs2');
    expect(buildSms('cost €5', { maxSegments: 1 }).encoding).toBe('gsm7');
  });
});
