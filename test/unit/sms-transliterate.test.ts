import { describe, expect, it } from 'vitest';
import { buildSms, isGsm7, transliterate } from '../../src/sms/index.js';

describe('transliterate', () => {
  it.each([
    ['\u2018single\u2019 \u201Adouble\u201B', "'single' 'double'"],
    ['\u201Cquoted\u201D \u201Elow\u201F', '"quoted" "low"'],
    ['\u00ABguillemets\u00BB \u2039one\u203A', '"guillemets" \'one\''],
    ['a\u2013b\u2014c\u2212d\u2010e\u2011f\u2012g\u2015h', 'a-b-c-d-e-f-g-h'],
    ['wait\u2026', 'wait...'],
    ['a\u00A0b\u2009c\u202Fd\u2003e\u3000f', 'a b c d e f'],
    ['zero\u200Bwidth\u2060joiner\uFEFF', 'zerowidthjoiner'],
    ['soft\u00ADhyphen', 'softhyphen'],
    ['\u2022 item', '* item'],
    ['it\u00B4s `code`', "it's 'code'"],
    ['col1\tcol2', 'col1 col2'],
    ['5\u2032 11\u2033', '5\' 11"'],
    ['gar\u00E7on', 'gar\u00C7on'],
    ['line\u2028next', 'line\nnext'],
  ] as const)('%j → %j and is GSM', (input, expected) => {
    expect(transliterate(input)).toBe(expected);
    expect(isGsm7(transliterate(input))).toBe(true);
  });

  it.each(['Привет', '日本語', 'αβγ', 'naïve', 'Ωmega 😀'])('leaves letters of %j alone', (text) => {
    expect(transliterate(text)).toBe(text);
  });
});

describe('encoding choice', () => {
  it('keeps “disk” – full… in GSM-7', () => {
    const sms = buildSms('\u201Cdisk\u201D \u2013 full\u2026', { maxSegments: 3 });
    expect(sms).toMatchObject({ encoding: 'gsm7', dataCoding: 0, text: '"disk" - full...' });
  });

  it('sends Cyrillic as UCS-2 with data_coding 8', () => {
    const sms = buildSms('Привет', { maxSegments: 3 });
    expect(sms).toMatchObject({ encoding: 'ucs2', dataCoding: 8, text: 'Привет', units: 6 });
  });

  it('in UCS-2 keeps what carries meaning or would cost units', () => {
    // The joiner builds the family emoji; the ellipsis is one unit in UCS-2, three as dots.
    const text = '\u201CПривет\u201D \u{1F468}\u200D\u{1F469}\u2026 \u00E7a';
    const sms = buildSms(text, { maxSegments: 3 });
    expect(sms.encoding).toBe('ucs2');
    expect(sms.text).toBe('"Привет" \u{1F468}\u200D\u{1F469}\u2026 \u00E7a');
  });

  it('with transliterate: false, one smart quote makes the message UCS-2', () => {
    const sms = buildSms('it\u2019s', { maxSegments: 1, transliterate: false });
    expect(sms).toMatchObject({ encoding: 'ucs2', text: 'it\u2019s' });
  });
});
