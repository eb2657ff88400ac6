/**
 * The SMS template: literal text with `{name}` placeholders. Templates are operator data, never
 * code: a placeholder is a name looked up in a map, and an unknown name stays in the output as
 * written so a typo is visible in `smtp2sms preview` instead of silently vanishing.
 *
 * An empty placeholder takes its separator with it: with "{subject}: {text}" a mail without a
 * subject becomes "text", not ": text". This works on the template's tokens, so separators that
 * are part of a subject or body are never touched.
 */
import { foldLine } from '../mail/fold.js';

export type TemplateToken =
  | { kind: 'literal'; text: string }
  | { kind: 'placeholder'; name: string; raw: string };

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;
// Characters that only separate fields; left dangling when a field next to them is empty.
const SEPARATOR_RUN_START = /^[\s:;,|/\-–—]+/;
const SEPARATOR_RUN_END = /[\s:;,|/\-–—]+$/;
const SEPARATORS_ONLY = /^[\s:;,|/\-–—]*$/;
// Brackets around a placeholder ("({from})") go with it when it is empty.
const BRACKETS: Record<string, string> = { '(': ')', '[': ']', '<': '>', '"': '"', "'": "'" };

/** Splits a template into literal text and `{name}` placeholders. */
export function parseTemplate(template: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) tokens.push({ kind: 'literal', text: template.slice(last, match.index) });
    tokens.push({ kind: 'placeholder', name: match[1] ?? '', raw: match[0] });
    last = match.index + match[0].length;
  }
  if (last < template.length) tokens.push({ kind: 'literal', text: template.slice(last) });
  return tokens;
}

type Part = { kind: 'literal' | 'value'; text: string };

/**
 * Fills the template from `values` (each folded to one line) and returns one line of text.
 * Names missing from `values` are left as written.
 */
export function fillTemplate(tokens: readonly TemplateToken[], values: ReadonlyMap<string, string>): string {
  const parts: Part[] = tokens.map((token) => {
    if (token.kind === 'literal') return { kind: 'literal', text: token.text };
    const value = values.get(token.name);
    if (value === undefined) return { kind: 'literal', text: token.raw };
    return { kind: 'value', text: foldLine(value) };
  });
  mergeGaps(parts);
  parts.forEach((part, i) => {
    if (part.kind === 'value' && part.text === '') dropSeparator(parts, i);
  });
  return foldLine(parts.map((part) => part.text).join(''));
}

/**
 * Between two filled values, a run of empty values and separator-only literals becomes one
 * separator: the first that says more than a space. With "{target} {title} {severity}: {value}"
 * and title and severity empty, "sw-01: lost 100%" keeps its colon.
 */
function mergeGaps(parts: Part[]): void {
  let i = 0;
  while (i < parts.length) {
    const start = parts[i];
    const prev = parts[i - 1];
    if (start?.kind !== 'literal' || prev?.kind !== 'value' || prev.text === '' || !SEPARATORS_ONLY.test(start.text)) {
      i++;
      continue;
    }
    // Walk over (empty value, separator literal) pairs.
    let j = i;
    while (parts[j + 1]?.kind === 'value' && parts[j + 1]!.text === '' && parts[j + 2]?.kind === 'literal' && SEPARATORS_ONLY.test(parts[j + 2]!.text)) {
      j += 2;
    }
    const next = parts[j + 1];
    if (j > i && next?.kind === 'value' && next.text !== '') {
      const literals = parts.slice(i, j + 1).filter((p) => p.kind === 'literal');
      const strong = literals.find((p) => /[^\s]/.test(p.text)) ?? literals[0]!;
      const text = strong.text;
      for (const p of literals) p.text = '';
      start.text = text;
    }
    i = j + 1;
  }
}

/**
 * Removes the separator that belongs to the empty value at `i`: the one after it, and also the
 * one before it when that would dangle at the start or end of the text (the last field's
 * separator is its prefix).
 */
function dropSeparator(parts: Part[], i: number): void {
  const before = parts[i - 1]?.kind === 'literal' ? parts[i - 1] : undefined;
  const after = parts[i + 1]?.kind === 'literal' ? parts[i + 1] : undefined;
  if (before !== undefined && after !== undefined) {
    const open = before.text.at(-1);
    if (open !== undefined && Object.hasOwn(BRACKETS, open) && after.text.startsWith(BRACKETS[open]!)) {
      before.text = before.text.slice(0, -1);
      after.text = after.text.slice(1);
    }
  }
  if (after !== undefined) after.text = after.text.replace(SEPARATOR_RUN_START, '');
  const dangling = !hasContent(parts.slice(i + 1)) || !hasContent(parts.slice(0, i));
  if (dangling && before !== undefined) before.text = before.text.replace(SEPARATOR_RUN_END, '');
}

function hasContent(parts: readonly Part[]): boolean {
  return parts.some((part) => (part.kind === 'value' ? part.text !== '' : !SEPARATORS_ONLY.test(part.text)));
}
