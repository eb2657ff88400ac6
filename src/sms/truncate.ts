/**
 * Cutting a message down to maxSegments with a visible marker, so the reader knows the end
 * is missing. Works on atoms, so a cut never lands inside an escape pair or an emoji.
 */
import { countParts, type Atom, type Limits } from './segment.js';

/** Share of the allowed room searched backwards for a space to cut at. */
const WORD_BOUNDARY_WINDOW = 0.2;

const isSpace = (a: Atom): boolean => /^\s$/u.test(a.text);

/**
 * The longest prefix of `atoms` that, with `marker` appended, fits in `maxSegments` parts:
 * cut at a space if one is near the end, else hard, then trailing spaces trimmed. A marker
 * that alone cannot fit (an absurd configured one) is dropped rather than failing the send.
 */
export function truncateAtoms(
  atoms: readonly Atom[],
  marker: readonly Atom[],
  maxSegments: number,
  limits: Limits,
): Atom[] {
  const fits = (n: number, tail: readonly Atom[]): boolean =>
    countParts([...atoms.slice(0, n), ...tail], limits) <= maxSegments;
  const tail = fits(0, marker) ? marker : [];

  // Part counts only grow with the prefix (see splitAtoms), so binary search is exact.
  let lo = 0;
  let hi = atoms.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid, tail)) lo = mid;
    else hi = mid - 1;
  }

  const room = maxSegments === 1 ? limits.single : maxSegments * limits.perPart;
  const window = Math.floor(room * WORD_BOUNDARY_WINDOW);
  let cut = lo;
  // atoms[j] being a space means a cut at j ends on a whole word.
  for (let j = lo, dropped = 0; j > 0 && dropped <= window; j--) {
    const next = atoms[j];
    if (next !== undefined && isSpace(next)) {
      cut = j;
      break;
    }
    dropped += atoms[j - 1]!.units;
  }
  while (cut > 0 && isSpace(atoms[cut - 1]!)) cut--;

  return [...atoms.slice(0, cut), ...tail];
}
