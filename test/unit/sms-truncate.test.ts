import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { buildSms, type ConcatMethod, type SmsMessage } from '../../src/sms/index.js';

const a = (n: number): string => 'a'.repeat(n);
const b = (n: number): string => 'b'.repeat(n);
const ya = (n: number): string => 'Я'.repeat(n);

const partUnits = (sms: SmsMessage): number[] =>
  sms.segments.map((s) => (sms.encoding === 'gsm7' ? s.body.length : s.body.length / 2));

describe('truncation to maxSegments', () => {
  it.each<[string, string, number, string, number[]]>([
    // A space within the last 20% of the room: cut there.
    ['word boundary, gsm7', `${a(150)} ${b(20)}`, 1, `${a(150)}...`, [153]],
    ['trailing spaces trimmed', `${a(150)}     ${b(20)}`, 1, `${a(150)}...`, [153]],
    ['word boundary, ucs2', `${ya(60)} ${ya(20)}`, 1, `${ya(60)}…`, [61]],
    // The only space is further back than 20%: hard cut, exactly full.
    ['hard cut, gsm7', `${a(100)} ${b(100)}`, 1, `${a(100)} ${b(56)}...`, [160]],
    ['hard cut, ucs2', ya(100), 1, `${ya(69)}…`, [70]],
    ['hard cut over parts, gsm7', a(400), 2, `${a(303)}...`, [153, 153]],
    ['hard cut over parts, ucs2', ya(400), 3, `${ya(200)}…`, [67, 67, 67]],
    ['word boundary over parts', 'word '.repeat(100), 2, `${'word '.repeat(59)}word...`, [153, 149]],
    // A pair that does not fit is left out whole, so the text ends one unit short.
    ['escape pair at the cut', `${a(156)}€€€€`, 1, `${a(156)}...`, [159]],
    ['emoji at the cut', `${ya(68)}😀😀😀`, 1, `${ya(68)}…`, [69]],
    // A grapheme cluster that does not fit whole is left out whole: no lone flag letter, no emoji
    // without its skin tone or with a dangling joiner, no letter without its accent.
    ['skin-toned emoji at the cut', `${ya(66)}👍🏽x`, 1, `${ya(66)}…`, [67]],
    ['flag at the cut', `${ya(66)}🇫🇷x`, 1, `${ya(66)}…`, [67]],
    ['ZWJ family at the cut', `${ya(66)}👨‍👩‍👧x`, 1, `${ya(66)}…`, [67]],
    ['combining accent at the cut', `${ya(68)}e\u0301x`, 1, `${ya(68)}…`, [69]],
  ])('%s', (_name, text, maxSegments, expected, parts) => {
    const sms = buildSms(text, { maxSegments });
    expect(sms.text).toBe(expected);
    expect(sms.truncated).toBe(true);
    expect(partUnits(sms)).toEqual(parts);
    expect(sms.segments.length).toBeLessThanOrEqual(maxSegments);
    expect(sms.segments.map((s) => s.text).join('')).toBe(sms.text);
  });

  it.each<[ConcatMethod, number[]]>([
    ['udh8', [153, 153, 153]],
    ['sar', [153, 153, 153]],
    ['udh16', [152, 152, 152]],
    ['payload', [459]],
  ])('fills %s parts exactly on a hard cut', (concat, parts) => {
    const sms = buildSms(a(1000), { maxSegments: 3, concat });
    expect(partUnits(sms)).toEqual(parts);
    expect(sms.text.endsWith('...')).toBe(true);
  });

  it('does not truncate text that fits exactly', () => {
    expect(buildSms(a(160), { maxSegments: 1 }).truncated).toBe(false);
    expect(buildSms(a(306), { maxSegments: 2 }).truncated).toBe(false);
    expect(buildSms(ya(70), { maxSegments: 1 }).truncated).toBe(false);
  });

  it('payload is limited as if the SMSC split it at 153', () => {
    const sms = buildSms(a(307), { maxSegments: 2, concat: 'payload' });
    expect(sms).toMatchObject({ truncated: true, units: 306 });
    expect(sms.segments).toHaveLength(1);
  });

  it('reports units of the final text', () => {
    const sms = buildSms(`${'€'.repeat(100)}`, { maxSegments: 1 });
    expect(sms.text).toBe(`${'€'.repeat(78)}...`);
    expect(sms.units).toBe(159);
  });

  it('handles a huge body quickly', () => {
    const started = performance.now();
    const sms = buildSms('lorem ipsum '.repeat(500_000), { maxSegments: 3 });
    // A guard against catastrophic backtracking, which takes minutes on inputs like these: the
    // bound is far above a normal run even on a machine slowed tenfold (timings are not the point).
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(sms.segments).toHaveLength(3);
    expect(sms.text.endsWith('ipsum...')).toBe(true);
  });
});

describe('truncation marker', () => {
  it.each<[string, string | undefined, string]>([
    ['default gsm7', undefined, '...'],
    ['custom GSM', ' (more)', ' (more)'],
    ['non-GSM that transliterates', '\u2026', '...'],
    ['non-GSM that does not', ' \u2192', '...'],
  ])('%s: a gsm7 message ends with %j', (_name, truncationMarker, expected) => {
    const sms = buildSms(a(200), { maxSegments: 1, truncationMarker });
    expect(sms.encoding).toBe('gsm7');
    expect(sms.text).toBe(a(160 - expected.length) + expected);
  });

  it('counts an extension character in the marker as two septets', () => {
    const sms = buildSms(a(200), { maxSegments: 1, truncationMarker: '[cut]' });
    expect(sms.text).toBe(`${a(153)}[cut]`);
    expect(sms.units).toBe(160);
  });

  it.each<[string | undefined, string]>([
    [undefined, '\u2026'],
    [' \u2192', ' \u2192'],
  ])('ucs2 keeps marker %j', (truncationMarker, expected) => {
    const sms = buildSms(ya(100), { maxSegments: 1, truncationMarker });
    expect(sms.text).toBe(ya(70 - expected.length) + expected);
  });

  it('drops a marker too long for the room instead of failing', () => {
    const sms = buildSms(a(200), { maxSegments: 1, truncationMarker: b(170) });
    expect(sms.text).toBe(a(160));
    expect(sms.truncated).toBe(true);
  });
});

describe('maxSegments validation', () => {
  it.each([0, -1, 1.5, Number.NaN, 256])('refuses %d', (maxSegments) => {
    expect(() => buildSms('x', { maxSegments })).toThrow(ConfigError);
    try {
      buildSms('x', { maxSegments });
    } catch (err) {
      expect((err as ConfigError).code).toBe('INVALID_MAX_SEGMENTS');
    }
  });
});
