/**
 * GSM 7-bit default alphabet and its extension table, 3GPP TS 23.038 (formerly GSM 03.38)
 * §6.2.1 and §6.2.1.1. Hand-written on purpose: no maintained npm library gives the septet
 * encoding together with the extension table (the segment calculators only count), and the
 * tables are fixed by the standard, so a dependency would add risk without removing work.
 *
 * Index = septet value. National language shift tables (§6.2.1.2, Turkish, Spanish,
 * Portuguese, Indian scripts) are not supported: carriers rarely accept them over SMPP.
 */

/** Marks an escape to the extension table; a receiver that cannot use it shows a space. */
export const GSM7_ESCAPE = 0x1b;

// One string per row of 16 septets, so each row can be checked against the standard's table.
// 0x1B (the escape) is held by a placeholder and excluded from the character map.
const BASIC_ROWS = [
  '@£$¥èéùìòÇ\nØø\rÅå', // 0x00–0x0F; 0x09: the ETSI glyph is Ç, see transliterate.ts
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ', // 0x10–0x1F
  ' !"#¤%&\'()*+,-./', // 0x20–0x2F; 0x24 is the currency sign, $ is 0x02
  '0123456789:;<=>?', // 0x30–0x3F
  '¡ABCDEFGHIJKLMNO', // 0x40–0x4F; 0x40 is ¡, @ is 0x00
  'PQRSTUVWXYZÄÖÑÜ§', // 0x50–0x5F
  '¿abcdefghijklmno', // 0x60–0x6F; 0x60 is ¿, there is no backtick
  'pqrstuvwxyzäöñüà', // 0x70–0x7F
];

/** Septet value → character, 128 entries. Entry 0x1B is the escape, not a character. */
export const GSM7_BASIC: readonly string[] = [...BASIC_ROWS.join('')];

/** Extension table: character → septet that follows 0x1B. Each costs two septets. */
export const GSM7_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a], // form feed (page break)
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

/** Character → septet for the basic table. */
export const GSM7_BASIC_CODES: ReadonlyMap<string, number> = new Map(
  GSM7_BASIC.flatMap((ch, code) => (code === GSM7_ESCAPE ? [] : [[ch, code] as [string, number]])),
);

/** Septet after 0x1B → character, the inverse of GSM7_EXTENSION. */
export const GSM7_EXTENSION_CHARS: ReadonlyMap<number, string> = new Map(
  [...GSM7_EXTENSION].map(([ch, code]) => [code, ch]),
);
