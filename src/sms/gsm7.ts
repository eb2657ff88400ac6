/**
 * GSM 7-bit text ⇄ unpacked septets (one septet per octet), the form SMPP expects for
 * data_coding 0; packing into 7-bit octets is the SMSC's job.
 */
import {
  GSM7_BASIC,
  GSM7_BASIC_CODES,
  GSM7_ESCAPE,
  GSM7_EXTENSION,
  GSM7_EXTENSION_CHARS,
} from './gsm7-tables.js';

// Every GSM character is one BMP code unit, so per-code-unit tables answer in one array read what
// the maps answer with a string hash (this runs per character of every message, twice).
const NONE = -1;
const BASIC_BY_UNIT = new Int16Array(0x10000).fill(NONE);
const EXTENSION_BY_UNIT = new Int16Array(0x10000).fill(NONE);
for (const [ch, code] of GSM7_BASIC_CODES) BASIC_BY_UNIT[ch.charCodeAt(0)] = code;
for (const [ch, code] of GSM7_EXTENSION) EXTENSION_BY_UNIT[ch.charCodeAt(0)] = code;

/** Septets one character costs: 1 basic, 2 extension, 0 when it has no GSM 7-bit form. */
export function gsm7Cost(ch: string): 0 | 1 | 2 {
  if (ch.length !== 1) return 0;
  const unit = ch.charCodeAt(0);
  if (BASIC_BY_UNIT[unit] !== NONE) return 1;
  if (EXTENSION_BY_UNIT[unit] !== NONE) return 2;
  return 0;
}

/** True when every character has a GSM 7-bit form (basic or extension table). */
export function isGsm7(text: string): boolean {
  // Iterating UTF-16 code units is enough: every GSM character is a single BMP unit, so any
  // surrogate half fails the lookup.
  for (let i = 0; i < text.length; i++) {
    if (gsm7Cost(text[i]!) === 0) return false;
  }
  return true;
}

/** Encodes GSM text to unpacked septets; throws on a character the alphabet does not have. */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length * 2);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const basic = BASIC_BY_UNIT[unit]!;
    if (basic !== NONE) {
      out[length++] = basic;
      continue;
    }
    const ext = EXTENSION_BY_UNIT[unit]!;
    if (ext === NONE) {
      // Callers check isGsm7 first, so reaching this is a bug, not bad input.
      throw new RangeError(`not a GSM 7-bit character: U+${unit.toString(16)}`);
    }
    out[length++] = GSM7_ESCAPE;
    out[length++] = ext;
  }
  return Buffer.from(out.subarray(0, length));
}

/**
 * Decodes unpacked septets. Tolerant, because bodies also come from carriers (receipts, MO):
 * an escape before an undefined code shows the basic character (TS 23.038 §6.2.1.1), a lone
 * or doubled escape shows a space, and an octet above 0x7F is not a septet, so U+FFFD.
 */
export function decodeGsm7(body: Buffer): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const code = body[i]!;
    if (code > 0x7f) {
      out += '\uFFFD';
      continue;
    }
    if (code !== GSM7_ESCAPE) {
      out += GSM7_BASIC[code]!;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined || next === GSM7_ESCAPE || next > 0x7f) {
      out += ' ';
      continue;
    }
    i++;
    out += GSM7_EXTENSION_CHARS.get(next) ?? GSM7_BASIC[next]!;
  }
  return out;
}
