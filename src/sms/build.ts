/**
 * Text → SmsMessage: choose the encoding, cut to the allowed parts, split, encode each part.
 * Pure; the caller adds UDH or SAR TLVs and decides whether an empty message is sent.
 */
import { ConfigError } from '../errors.js';
import { encodeGsm7, gsm7Cost, isGsm7 } from './gsm7.js';
import { atomsText, countParts, limitsFor, splitAtoms, sumUnits, toAtoms } from './segment.js';
import { transliterate, transliterateForUcs2 } from './transliterate.js';
import { truncateAtoms } from './truncate.js';
import { encodeUcs2 } from './ucs2.js';
import type { BuildSmsOptions, GsmAlphabet, SmsEncoding, SmsMessage } from './types.js';

const DATA_CODING: Record<SmsEncoding, number> = { gsm7: 0, ucs2: 8 };
const DEFAULT_MARKER: Record<SmsEncoding, string> = { gsm7: '...', ucs2: '\u2026' };

/** The highest code unit each alphabet carries as one octet (GSM's own table is checked apart). */
const ALPHABET_MAX: Record<GsmAlphabet, number> = { gsm: 0xffff, ascii: 0x7f, latin1: 0xff };

/** GSM-7 text that the SMSC's alphabet can also carry: ASCII has no `£` or `Δ`, Latin-1 no `€`. */
function fitsGsm(text: string, alphabet: GsmAlphabet): boolean {
  if (!isGsm7(text)) return false;
  const max = ALPHABET_MAX[alphabet];
  for (let i = 0; max < 0xffff && i < text.length; i++) if (text.charCodeAt(i) > max) return false;
  return true;
}

function chooseEncoding(text: string, translit: boolean, alphabet: GsmAlphabet): { text: string; encoding: SmsEncoding } {
  if (!translit) return { text, encoding: fitsGsm(text, alphabet) ? 'gsm7' : 'ucs2' };
  const gsm = transliterate(text);
  if (fitsGsm(gsm, alphabet)) return { text: gsm, encoding: 'gsm7' };
  return { text: transliterateForUcs2(text), encoding: 'ucs2' };
}

/**
 * GSM-7 text as the SMSC wants its octets. The segment limits stay in septets: the SMSC converts
 * ASCII or Latin-1 to GSM for the air, where `{` still costs two.
 */
function gsmEncoder(alphabet: GsmAlphabet): (text: string) => Buffer {
  return alphabet === 'gsm' ? encodeGsm7 : (text) => Buffer.from(text, 'latin1');
}

/**
 * The encoding `buildSms` would choose for `text` and its length in that encoding's units, without
 * cutting or encoding anything: for callers that only measure (the renderer's budget).
 */
export function measureSms(text: string, translit = true): { encoding: SmsEncoding; units: number } {
  const chosen = chooseEncoding(text, translit, 'gsm');
  return { encoding: chosen.encoding, units: unitsOf(chosen.text, chosen.encoding, Number.POSITIVE_INFINITY) };
}

/** A GSM message must not turn UCS-2 because of its marker; fall back to a plain one. */
function resolveMarker(encoding: SmsEncoding, marker: string | undefined, alphabet: GsmAlphabet): string {
  if (marker === undefined) return DEFAULT_MARKER[encoding];
  if (encoding === 'ucs2' || fitsGsm(marker, alphabet)) return marker;
  const gsm = transliterate(marker);
  return fitsGsm(gsm, alphabet) ? gsm : DEFAULT_MARKER.gsm7;
}

/** Septets (gsm7) or UTF-16 units (ucs2) of `text`, counting no further than just past `limit`. */
function unitsOf(text: string, encoding: SmsEncoding, limit: number): number {
  if (encoding === 'ucs2') return text.length;
  let units = 0;
  for (let i = 0; i < text.length && units <= limit; i++) units += gsm7Cost(text[i]!);
  return units;
}

export function buildSms(text: string, options: BuildSmsOptions): SmsMessage {
  const { maxSegments } = options;
  if (!Number.isInteger(maxSegments) || maxSegments < 1 || maxSegments > 255) {
    // 255 is the most parts a concatenation header can number.
    throw new ConfigError('INVALID_MAX_SEGMENTS', `maxSegments must be 1..255, got ${maxSegments}`);
  }
  const concat = options.concat ?? 'udh8';
  const alphabet = options.gsmAlphabet ?? 'gsm';
  const chosen = chooseEncoding(text, options.transliterate ?? true, alphabet);
  const { encoding } = chosen;
  const encode = encoding === 'gsm7' ? gsmEncoder(alphabet) : encodeUcs2;
  const limits = limitsFor(encoding, concat);

  // Most alerts fit one SMS: then no atoms, no truncation, no splitting (the same result, cheaper).
  const whole = unitsOf(chosen.text, encoding, limits.single);
  if (whole <= limits.single) {
    return { text: chosen.text, encoding, dataCoding: DATA_CODING[encoding], segments: [{ text: chosen.text, body: encode(chosen.text) }], parts: 1, units: whole, truncated: false };
  }

  // Nothing past maxSegments * single units can ever be sent, so stop looking there.
  const { atoms, complete } = toAtoms(chosen.text, encoding, maxSegments * limits.single);
  const truncated = !complete || countParts(atoms, limits) > maxSegments;
  const kept = truncated
    ? truncateAtoms(
        atoms,
        toAtoms(resolveMarker(encoding, options.truncationMarker, alphabet), encoding).atoms,
        maxSegments,
        limits,
      )
    : atoms;

  // For payload the SMSC splits; the part count above still used the per-part room.
  const parts = concat === 'payload' ? [kept] : splitAtoms(kept, limits);
  const segments = parts.map((part) => {
    const partText = atomsText(part);
    return { text: partText, body: encode(partText) };
  });

  return {
    text: atomsText(kept),
    encoding,
    dataCoding: DATA_CODING[encoding],
    segments,
    parts: concat === 'payload' ? countParts(kept, limits) : segments.length,
    units: sumUnits(kept),
    truncated,
  };
}
