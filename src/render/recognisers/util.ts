/**
 * Small readers shared by the recognisers: header lookups, "Key: value" lines, sender address,
 * status normalisation. All bounded: they look at the first lines of a body only.
 */
import type { ParsedMail } from '../../mail/parse.js';
import type { AlertFields, AlertState } from './types.js';

/** Lines of a body a recogniser reads; templates put their facts at the top. */
export const MAX_SCAN_LINES = 400;

export function bodyLines(mail: ParsedMail, max = MAX_SCAN_LINES): string[] {
  const lines: string[] = [];
  let start = 0;
  const text = mail.text;
  while (lines.length < max && start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines.push(text.slice(start, Math.min(end, start + 2000)));
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

/** A header value, lower-cased name; '' when absent. */
export function header(mail: ParsedMail, name: string): string {
  return mail.headers[name.toLowerCase()] ?? '';
}

/** The sender's address, lower-cased (from `From`, falling back to the raw header). */
export function senderAddress(mail: ParsedMail): string {
  const source = mail.from !== '' ? mail.from : header(mail, 'from');
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(source);
  if (angle?.[1] !== undefined) return angle[1].toLowerCase();
  const bare = /[^\s<>()"]+@[^\s<>()",]+/.exec(source);
  return (bare?.[0] ?? '').toLowerCase();
}

/** The display part of From ("Icinga 2 Monitoring"), or ''. */
export function senderName(mail: ParsedMail): string {
  // Words, not a pattern over the whole text: /\S+@\S+/ backtracks quadratically on a long run
  // of text without an "@".
  const words = mail.from.replace(/<[^>]*>/g, ' ').split(/\s+/).filter((word) => word !== '' && !word.includes('@'));
  return words.join(' ').replace(/["()]/g, '').trim();
}

/**
 * "Key: value" (or "Key = value") lines → map of lower-cased key → first value. Keys are short
 * label-like runs; lines longer than 2000 characters are ignored.
 */
export function keyValues(lines: readonly string[], separator: ':' | '=' = ':'): Map<string, string> {
  const map = new Map<string, string>();
  const pattern = separator === ':' ? /^([\p{L}][\p{L}\d ./_()-]{0,40}?)\s*:\s*(.*)$/u : /^([\p{L}_][\p{L}\d_.-]{0,60})\s*=\s*(.*)$/u;
  for (const line of lines) {
    if (line.length > 2000) continue;
    const match = pattern.exec(line);
    if (match?.[1] === undefined) continue;
    const key = match[1].trim().toLowerCase();
    if (!map.has(key)) map.set(key, (match[2] ?? '').trim());
  }
  return map;
}

/** First value among `keys` that is present and not empty. */
export function pick(map: ReadonlyMap<string, string>, ...keys: string[]): string {
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined && value !== '') return value;
  }
  return '';
}

const RECOVERY = /^(resolved|recovery|recovered|ok|up|clear|cleared|fixed|back to normal|succeeded|success|successful|exists|normal|restored|online|on line power|closed|unbanned)\b/i;
const INFO = /^(acknowledgement|acknowledged|ack|downtime|downtimestart|downtimeend|downtimecancelled|flappingstart|flappingstop|flappingdisabled|custom|info|information|test|started|stopped|updated|update)\b/i;

/** Maps a source status word to a state; anything not known as good or informative is a problem. */
export function stateOf(status: string): AlertState {
  const word = status.trim();
  if (RECOVERY.test(word)) return 'recovery';
  if (INFO.test(word)) return 'info';
  return 'problem';
}

/** Fields with defaults, so recognisers only name what they found. */
export function fields(partial: Partial<AlertFields>): AlertFields {
  const status = partial.status ?? '';
  return {
    status,
    title: partial.title ?? '',
    target: partial.target ?? '',
    severity: partial.severity ?? '',
    value: partial.value ?? '',
    count: partial.count,
    extra: (partial.extra ?? []).filter((e) => e.trim() !== ''),
    ...(partial.items !== undefined ? { items: partial.items } : {}),
    state: partial.state ?? stateOf(status),
    ...(partial.fields !== undefined ? { fields: partial.fields } : {}),
  };
}

/** Removes a host's port (":9100") and an "instance=" style prefix. */
export function stripPort(target: string): string {
  return target.replace(/^\[?([^\]]+?)\]?:\d{1,5}$/, '$1');
}

/** Case-insensitive "does `haystack` already say `needle`", whitespace folded. */
export function mentions(haystack: string, needle: string): boolean {
  const fold = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const n = fold(needle);
  return n !== '' && fold(haystack).includes(n);
}
