/**
 * The generic condenser, for mails no recogniser knows: the body cleaned (quoted history,
 * signature, disclaimers, footers and long URLs gone), boilerplate lines dropped, and when it
 * does not all fit in the first segment, the lines that carry a status word, a host or a number
 * with a unit go first. Text is never translated or rewritten, only chosen.
 */
import { cleanBody, type UrlMode } from '../mail/cleanup/index.js';
import type { ParsedMail } from '../mail/parse.js';
import type { SmsBudget } from './budget.js';
import { arrangeDetails } from './compose.js';
import { dedupeLines, isBoilerplateLine, scoreLines } from './lines.js';
import { senderName } from './recognisers/util.js';

// Reply and forward prefixes in common client languages: "RE: FW: AW: WG: SV: TR: Antw:".
const REPLY_PREFIX = /^((re|fw|fwd|aw|wg|sv|vs|tr|antw|r|rif|enc|res|odp|ynt|回复|转发)(\[\d+\])?\s?:\s*)+/i;

/** The subject without "RE:"/"FW:" prefixes (which say nothing on a phone). */
export function cleanSubject(subject: string): string {
  const stripped = subject.replace(REPLY_PREFIX, '').trim();
  return stripped === '' ? subject : stripped;
}

/** Joins body lines into one line: a line ending in punctuation is followed by a space, others by "; ". */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (out === '') out = line;
    else out += (/[.!?:;,]$/.test(out) ? ' ' : '; ') + line;
  }
  return out;
}

export interface CondenseOptions {
  urls: UrlMode;
  budget: SmsBudget;
  /** What precedes the body in the SMS (the filled template without it). */
  head: string;
}

/** The body of an unrecognised mail, condensed for an SMS after `head`. */
export function condenseBody(mail: ParsedMail, options: CondenseOptions): string {
  const cleaned = cleanBody(mail.text, { urls: options.urls, senderName: senderName(mail) });
  const lines = dedupeLines(cleaned.split('\n').filter((line) => line !== ''), options.head);
  // Earlier lines weigh a little more: people and most tools put the news first.
  const scored = scoreLines(lines)
    .filter((line) => !isBoilerplateLine(line.text))
    .map((line) => ({ ...line, rank: line.score + Math.max(0, 2 - line.index) }));
  const inOrder = scored.map((line) => line.text);
  const byRank = [...scored].sort((a, b) => b.rank - a.rank || a.index - b.index).map((line) => line.text);
  const joinedInOrder = joinLines(inOrder);
  const whole = [options.head, joinedInOrder].filter((p) => p !== '').join(': ');
  const encoding = options.budget.encoding(whole);
  // All of it in the first segment: keep the writer's order.
  if (options.budget.units(whole) <= options.budget.firstRoom(encoding, false)) return joinedInOrder;
  return joinLines(arrangeDetails(options.head, byRank, options.budget, false));
}
