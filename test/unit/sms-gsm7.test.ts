import { describe, expect, it } from 'vitest';
import { decodeGsm7, isGsm7 } from '../../src/sms/index.js';
import { encodeGsm7 } from '../../src/sms/gsm7.js';
import { GSM7_BASIC, GSM7_EXTENSION } from '../../src/sms/gsm7-tables.js';

// Written out independently of the source table so that a typo there is caught here.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

describe('GSM 03.38 basic table', () => {
  it('has 128 septets in standard order', () => {
    expect(GSM7_BASIC.join('')).toBe(BASIC);
  });

  it.each([...BASIC].map((ch, code) => [ch, code] as const).filter(([, code]) => code !== 0x1b))(
    'round-trips %j as septet %i',
    (ch, code) => {
      expect([...encodeGsm7(ch)]).toEqual([code]);
      expect(decodeGsm7(Buffer.from([code]))).toBe(ch);
      expect(isGsm7(ch)).toBe(true);
    },
  );
});

describe('GSM 03.38 extension table', () => {
  it.each([
    ['\f', 0x0a],
    ['^', 0x14],
    ['{', 0x28],
    ['}', 0x29],
    ['\\', 0x2f],
    ['[', 0x3c],
    ['~', 0x3d],
    [']', 0x3e],
    ['|', 0x40],
    ['€', 0x65],
  ] as const)('%j is escape + septet %i and round-trips', (ch, code) => {
    expect([...encodeGsm7(ch)]).toEqual([0x1b, code]);
    expect(decodeGsm7(Buffer.from([0x1b, code]))).toBe(ch);
  });

  it('has exactly the ten standard characters', () => {
    expect([...GSM7_EXTENSION.keys()].sort().join('')).toBe([...'\f^{}\\[~]|€'].sort().join(''));
  });
});

describe('isGsm7', () => {
  it.each([
    ['', true],
    ['Hello, World! 100% @home', true],
    ['Price: 5€ [x] {y} ~z | a^b \\c', true],
    ['`backtick`', false],
    ['café', true],
    ['ça', false],
    ['naïve', false],
    ['Привет', false],
    ['δ', false],
    ['Δ', true],
    ['😀', false],
    ['tab\there', false],
  ] as const)('%j → %s', (text, expected) => {
    expect(isGsm7(text)).toBe(expected);
  });
});

describe('decodeGsm7 on carrier input', () => {
  it.each([
    ['escape before an undefined code shows the basic character', [0x1b, 0x41], 'A'],
    ['trailing escape shows a space', [0x41, 0x1b], 'A '],
    ['octet above 0x7F is not a septet', [0x41, 0x80], 'A\uFFFD'],
    ['empty body', [], ''],
  ] as const)('%s', (_name, bytes, expected) => {
    expect(decodeGsm7(Buffer.from(bytes))).toBe(expected);
  });

  it('round-trips a whole mixed text', () => {
    const text = 'Alert {db-1}: disk 95% [€12] ~ok? Ü§¿';
    expect(decodeGsm7(encodeGsm7(text))).toBe(text);
  });
});

describe('encodeGsm7', () => {
  it('refuses a character the alphabet lacks', () => {
    expect(() => encodeGsm7('Я')).toThrow(RangeError);
  });
});
