/**
 * Segment math. Text is handled as atoms, the smallest pieces that must stay in one part:
 * a GSM character with its escape (1 or 2 septets) or a UTF-16 code point (1 or 2 units).
 * Packing atoms instead of units is what keeps an escape pair or an emoji whole.
 */
import { gsm7Cost } from './gsm7.js';
import type { ConcatMethod, SmsEncoding } from './types.js';

export interface Atom {
  text: string;
  units: number;
}

/** Room in septets (gsm7) or UTF-16 units (ucs2). */
export interface Limits {
  /** A message that fits here goes as one SMS without a UDH. */
  single: number;
  /** Each part of a concatenated message. */
  perPart: number;
}

// 140 octets of user data: 160 septets or 70 units alone. An 8-bit reference UDH takes 6
// octets (7 septets with the fill bit, leaving 153; or 67 units), a 16-bit one 7 (152, 66).
// With SAR the SMSC builds the UDH for the handset, usually the 6-octet one, and it splits
// message_payload the same way, so both are given the udh8 room.
const LIMITS: Record<SmsEncoding, Record<ConcatMethod, Limits>> = {
  gsm7: {
    udh8: { single: 160, perPart: 153 },
    sar: { single: 160, perPart: 153 },
    payload: { single: 160, perPart: 153 },
    udh16: { single: 160, perPart: 152 },
  },
  ucs2: {
    udh8: { single: 70, perPart: 67 },
    sar: { single: 70, perPart: 67 },
    payload: { single: 70, perPart: 67 },
    udh16: { single: 70, perPart: 66 },
  },
};

export function limitsFor(encoding: SmsEncoding, concat: ConcatMethod): Limits {
  return LIMITS[encoding][concat];
}

/**
 * Splits text into atoms, stopping once more than `maxUnits` are collected so that a huge
 * mail body costs no more than the few segments it can fill. `complete` says whether the
 * whole text was taken. Callers pass text already known to fit the encoding.
 */
export function toAtoms(
  text: string,
  encoding: SmsEncoding,
  maxUnits = Infinity,
): { atoms: Atom[]; complete: boolean } {
  const atoms: Atom[] = [];
  let units = 0;
  // for..of walks code points; a lone surrogate comes out alone, as one unit.
  for (const ch of text) {
    if (units > maxUnits) return { atoms, complete: false };
    const cost = encoding === 'gsm7' ? gsm7Cost(ch) : ch.length;
    atoms.push({ text: ch, units: cost });
    units += cost;
  }
  return { atoms, complete: true };
}

export function sumUnits(atoms: readonly Atom[]): number {
  let units = 0;
  for (const a of atoms) units += a.units;
  return units;
}

/**
 * Greedy packing into parts. Greedy is optimal when order must be kept, so the part count
 * never falls as atoms are added, which truncation relies on. Empty text is one empty part.
 */
export function splitAtoms(atoms: readonly Atom[], limits: Limits): Atom[][] {
  if (sumUnits(atoms) <= limits.single) return [[...atoms]];
  const parts: Atom[][] = [];
  let part: Atom[] = [];
  let used = 0;
  for (const a of atoms) {
    if (used + a.units > limits.perPart) {
      parts.push(part);
      part = [];
      used = 0;
    }
    part.push(a);
    used += a.units;
  }
  parts.push(part);
  return parts;
}

/** Same count as splitAtoms(...).length without building the parts. */
export function countParts(atoms: readonly Atom[], limits: Limits): number {
  if (sumUnits(atoms) <= limits.single) return 1;
  let parts = 1;
  let used = 0;
  for (const a of atoms) {
    if (used + a.units > limits.perPart) {
      parts++;
      used = 0;
    }
    used += a.units;
  }
  return parts;
}

export function atomsText(atoms: readonly Atom[]): string {
  let text = '';
  for (const a of atoms) text += a.text;
  return text;
}
