import { describe, expect, it } from 'vitest';
import { decodeUcs2, udhConcat } from '../../src/sms/index.js';
import { encodeUcs2 } from '../../src/sms/ucs2.js';

const hex = (b: Buffer): string => b.toString('hex').toUpperCase().match(/../g)?.join(' ') ?? '';

describe('udhConcat', () => {
  it.each([
    [0x2a, 3, 1, 8, '05 00 03 2A 03 01'],
    [0xff, 255, 255, 8, '05 00 03 FF FF FF'],
    [0x1234, 3, 1, 16, '06 08 04 12 34 03 01'],
    [0x002a, 2, 2, 16, '06 08 04 00 2A 02 02'],
  ] as const)('ref %i total %i seq %i (%i-bit) → %s', (ref, total, seq, bits, expected) => {
    expect(hex(udhConcat(ref, total, seq, bits))).toBe(expected);
  });

  it.each([
    [256, 2, 1, 8],
    [0x10000, 2, 1, 16],
    [-1, 2, 1, 8],
    [1, 0, 1, 8],
    [1, 256, 1, 8],
    [1, 2, 0, 8],
    [1, 2, 3, 8],
    [1.5, 2, 1, 8],
  ] as const)('refuses ref %d total %d seq %d (%i-bit)', (ref, total, seq, bits) => {
    expect(() => udhConcat(ref, total, seq, bits)).toThrow(RangeError);
  });
});

describe('UCS-2 (UTF-16BE)', () => {
  it.each([
    ['Привет', '04 1F 04 40 04 38 04 32 04 35 04 42'],
    ['A😀', '00 41 D8 3D DE 00'],
    ['', ''],
  ] as const)('%j ⇄ %s', (text, expected) => {
    const body = encodeUcs2(text);
    expect(hex(body)).toBe(expected);
    expect(decodeUcs2(body)).toBe(text);
  });

  it('does not modify the buffer it decodes', () => {
    const body = Buffer.from([0x00, 0x41]);
    decodeUcs2(body);
    expect([...body]).toEqual([0x00, 0x41]);
  });

  it('marks a trailing odd octet', () => {
    expect(decodeUcs2(Buffer.from([0x00, 0x41, 0x00]))).toBe('A\uFFFD');
  });
});
