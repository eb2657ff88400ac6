/**
 * Lays recognised fields out as one SMS text: the family template filled, grouped alerts listed
 * as many as fit after their count, then details while room is left. The first segment is what
 * a lock screen shows, so details are chosen for it first, in priority order, in a shorter form
 * when the recogniser allows; what did not make it follows in later segments.
 */
import { foldLine } from '../mail/fold.js';
import type { SmsBudget } from './budget.js';
import { shortForms } from './lines.js';
import type { AlertFields } from './recognisers/types.js';
import { fillTemplate, parseTemplate } from './template.js';

/** Separator between details; GSM-7 basic characters only. */
export const DETAIL_SEPARATOR = '; ';
/** Most details considered for one SMS. */
export const MAX_DETAILS = 60;

export interface ComposeOptions {
  /** Allow shorter forms of long detail lines in the first segment (log-style output). */
  compact: boolean;
}

function values(fields: AlertFields, base: ReadonlyMap<string, string>, items: string, extra: string): Map<string, string> {
  const map = new Map(base);
  map.set('status', fields.status);
  map.set('title', fields.title);
  // A service named after its host (monit's "system" service) would show the name twice.
  map.set('target', fields.target.toLowerCase() === fields.title.toLowerCase() ? '' : fields.target);
  map.set('severity', fields.severity);
  map.set('value', fields.value);
  map.set('count', fields.count !== undefined && fields.count > 1 ? String(fields.count) : '');
  map.set('items', items);
  map.set('extra', extra);
  for (const [name, value] of Object.entries(fields.fields ?? {})) map.set(name, value);
  return map;
}

/** "target value" per item, duplicates merged, the list cut to what fits with "+N" for the rest. */
function fitItems(fields: AlertFields, fill: (items: string) => string, budget: SmsBudget): string {
  const list = [...new Set((fields.items ?? []).map((i) => foldLine(`${i.target} ${i.value}`)).filter((i) => i !== ''))];
  if (list.length === 0) return '';
  let best = list[0] ?? '';
  for (let k = 1; k <= list.length; k++) {
    const rest = list.length - k;
    const candidate = list.slice(0, k).join(', ') + (rest > 0 ? ` +${rest}` : '');
    if (k > 1 && !budget.fits(fill(candidate))) break;
    best = candidate;
  }
  return best;
}

/**
 * Orders details for the text: those that fit in the first segment after `head` (shortest
 * allowed form), in priority order; then the next one, which may run over into segment two;
 * then the rest; shortened ones get their full form last, room permitting.
 */
export function arrangeDetails(head: string, details: readonly string[], budget: SmsBudget, compact: boolean): string[] {
  // Three segments hold a few hundred characters: the best 60 details are more than enough, and
  // the cap keeps the fitting below (quadratic in details) cheap on a hostile body.
  const seen = new Set<string>();
  const lowerHead = head.toLowerCase();
  const unique: string[] = [];
  for (const d of details) {
    if (unique.length >= MAX_DETAILS) break;
    if (seen.has(d) || lowerHead.includes(d.toLowerCase())) continue;
    seen.add(d);
    unique.push(d);
  }
  if (unique.length === 0) return [];
  const join = (parts: readonly string[]): string => [head, ...parts].filter((p) => p !== '').join(DETAIL_SEPARATOR);
  const whole = join(unique);
  const encoding = budget.encoding(whole);
  const room = budget.firstRoom(encoding, budget.units(whole) > budget.firstRoom(encoding, false));
  if (budget.units(whole) <= room) return unique;
  const select = (shortestFirst: boolean): { first: string[]; shortened: string[]; rest: string[]; weight: number } => {
    const first: string[] = [];
    const shortened: string[] = [];
    const rest: string[] = [];
    let weight = 0;
    unique.forEach((detail, i) => {
      const shorter = compact ? shortForms(detail) : [];
      const forms = shortestFirst ? [...shorter].reverse().concat(detail) : [detail, ...shorter];
      const fitting = forms.find((form) => budget.units(join([...first, form])) <= room);
      if (fitting === undefined) {
        rest.push(detail);
        return;
      }
      first.push(fitting);
      weight += unique.length - i; // earlier details matter more
      if (fitting !== detail) shortened.push(detail);
    });
    return { first, shortened, rest, weight };
  };
  const full = select(false);
  const short = compact ? select(true) : undefined;
  // The most important detail fits in no form: it leads anyway and runs over into the next
  // segment, rather than being pushed back by lesser ones that happen to be short.
  const top = unique[0]!;
  const leads = (s: { first: string[] } | undefined): boolean => s?.first[0] !== undefined && isFormOf(s.first[0], top);
  if (!leads(full) && !leads(short)) return unique;
  // Log lines: whichever of "full lines" and "short forms" brings more of the top details into
  // the first segment.
  const chosen = short !== undefined && short.weight > full.weight ? short : full;
  return [...chosen.first, ...chosen.rest, ...chosen.shortened];
}

function isFormOf(form: string, detail: string): boolean {
  return form === detail || shortForms(detail).includes(form);
}

/** Fills `template` for `fields`; details are joined and cut by the encoder's truncation. */
export function composeAlert(
  fields: AlertFields,
  template: string,
  base: ReadonlyMap<string, string>,
  budget: SmsBudget,
  options: ComposeOptions,
): string {
  const tokens = parseTemplate(template);
  const fill = (items: string, extra: string): string => fillTemplate(tokens, values(fields, base, items, extra));
  const items = fitItems(fields, (candidate) => fill(candidate, ''), budget);
  const head = fill(items, '');
  if (!tokens.some((t) => t.kind === 'placeholder' && t.name === 'extra')) return head;
  // A detail ending in ":" introduced the next line in the mail; here it would dangle.
  const details = arrangeDetails(head, fields.extra.map((e) => foldLine(e).replace(/\s*:$/, '')), budget, options.compact);
  // Add details while the whole still fits; one more that does not fit goes last, so its start
  // shows before the encoder's truncation marker instead of nothing.
  const kept: string[] = [];
  for (const detail of details) {
    const candidate = fill(items, [...kept, detail].join(DETAIL_SEPARATOR));
    kept.push(detail);
    if (!budget.fits(candidate)) break;
  }
  return fill(items, kept.join(DETAIL_SEPARATOR));
}
