/**
 * Texts storm control sends on its own. Operator templates with {count}, {texts}, {limit};
 * never translated by us. A burst of one is just that message.
 */
import type { HeldMessage } from './types.js';

/** Separator between held texts; GSM-7 basic would be nicer, but "|" reads clearly and costs 2. */
export const HELD_SEPARATOR = ' | ';

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(count|texts|limit)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function burstSummaryText(template: string, held: readonly HeldMessage[]): string {
  if (held.length === 1) return held[0]!.text;
  return fill(template, { count: String(held.length), texts: held.map((h) => h.text).join(HELD_SEPARATOR) });
}

export function capReportText(template: string, count: number, limit: number): string {
  return fill(template, { count: String(count), limit: String(limit) });
}
