/**
 * Cutting a message down to maxSegments with a visible marker, so the reader knows the end
 * is missing. Works on atoms, so a cut never lands inside an escape pair or a surrogate pair,
 * and moves back to a grapheme boundary, so it never keeps half of a flag, a skin-toned or ZWJ
 * emoji, or a letter without its combining accent.
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
  cut = graphemeStartAtOrBefore(atoms, cut);
  while (cut > 0 && isSpace(atoms[cut - 1]!)) cut--;

  return [...atoms.slice(0, cut), ...tail];
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The largest atom index ≤ `cut` where a grapheme cluster starts (or the end of the text). */
function graphemeStartAtOrBefore(atoms: readonly Atom[], cut: number): number {
  if (cut <= 0 || cut >= atoms.length) return cut;
  // Enough text after the cut to see the cluster it may be inside (a family emoji is 7 atoms,
  // a flag 2); a cluster longer than that is cut as before.
  const window = atoms.slice(0, Math.min(atoms.length, cut + 16));
  const offsets: number[] = [];
  let units = 0;
  for (const atom of window) {
    offsets.push(units);
    units += atom.text.length;
  }
  const starts = new Set<number>();
  for (const { index } of graphemes.segment(window.map((a) => a.text).join(''))) starts.add(index);
  let at = cut;
  while (at > 0 && !starts.has(offsets[at]!)) at--;
  return at;
}
