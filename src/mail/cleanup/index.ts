/**
 * Body clean-up before an SMS is made of it: the top message of a reply without its quoted
 * history, signature, disclaimer, "Sent from my …" line and footers, with URLs per policy.
 * Input is the folded text of `ParsedMail.text`; output is folded text too.
 *
 * Work is bounded: only the first `MAX_CLEAN_CHARS` are examined, lines are capped before any
 * pattern sees them, and a deadline is checked as lines are walked. Past the deadline the plain
 * text comes back unchanged (capped), so a hostile body costs at most that much time.
 */
import { capText } from '../fold.js';
import {
  isDisclaimer,
  isFooterLine,
  isSentFrom,
  isSignatureDelimiter,
  isSignOff,
  looksLikeSignature,
} from './boilerplate.js';
import { findQuoteStart, isQuotedLine } from './quotes.js';
import { hasUrl, rewriteUrls, type UrlMode } from './urls.js';

export { urlHost, isTrackingUrl, rewriteUrls, SHORT_URL_CHARS, type UrlMode } from './urls.js';

/** Characters of the body examined; an SMS holds a few hundred, a reply chain may hold megabytes. */
export const MAX_CLEAN_CHARS = 64 * 1024;
/** Longest line handed to a pattern; longer lines are cut (they are never all read on a phone). */
export const MAX_LINE_CHARS = 4096;
/** Time budget for one body, in milliseconds. */
export const CLEAN_DEADLINE_MS = 50;

export interface CleanOptions {
  /** What to do with long URLs; tracking URLs always go. Default 'drop'. */
  urls?: UrlMode;
  /** Display name of the sender: a line that is just this name starts the signature. */
  senderName?: string;
  /** Injected clock for tests. */
  now?: () => number;
}

class DeadlineExceeded extends Error {}

/** Cleans a folded body; never throws. */
export function cleanBody(text: string, options: CleanOptions = {}): string {
  const bounded = capText(text, MAX_CLEAN_CHARS);
  const now = options.now ?? Date.now;
  const deadline = now() + CLEAN_DEADLINE_MS;
  try {
    const lines = bounded.split('\n').map((line) => (line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line));
    const check = (): void => {
      if (now() > deadline) throw new DeadlineExceeded();
    };
    const top = topMessage(lines, check);
    const kept = stripBoilerplate(top, options.senderName ?? '', check);
    const withUrls = applyUrlPolicy(kept, options.urls ?? 'drop');
    return joinFolded(withUrls);
  } catch {
    // Deadline or a bug in a heuristic: the plain text still makes a usable SMS.
    return bounded;
  }
}

/**
 * The message the sender wrote now. When nothing stands above the first quote header (a bare
 * forward), the quoted message is the content, so look inside it instead, a few levels deep.
 */
function topMessage(lines: string[], check: () => void): string[] {
  let current = lines;
  for (let depth = 0; depth < 4; depth++) {
    check();
    const quote = findQuoteStart(current, check);
    const above = quote === undefined ? current : current.slice(0, quote.index);
    if (hasContent(above)) return dropQuotedLines(above);
    if (quote === undefined) return dropQuotedLines(current);
    current = current.slice(quote.bodyIndex);
  }
  return dropQuotedLines(current);
}

function hasContent(lines: readonly string[]): boolean {
  return lines.some((line) => line !== '' && !isQuotedLine(line) && !isSentFrom(line));
}

/** `>` lines go when the message has lines of its own; an all-quoted body keeps them, unquoted. */
function dropQuotedLines(lines: string[]): string[] {
  const own = lines.filter((line) => !isQuotedLine(line));
  if (own.some((line) => line !== '')) return own;
  return lines.map((line) => line.replace(/^(>\s?)+/, ''));
}

/** Paragraphs (runs of non-blank lines) with their starting index. */
function paragraphs(lines: readonly string[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = -1;
  lines.forEach((line, i) => {
    if (line !== '' && start < 0) start = i;
    if (line === '' && start >= 0) {
      out.push({ start, end: i });
      start = -1;
    }
  });
  if (start >= 0) out.push({ start, end: lines.length });
  return out;
}

function stripBoilerplate(lines: string[], senderName: string, check: () => void): string[] {
  // 1. Cut at the signature: "-- ", the sender's own name on a line, or a sign-off followed by
  //    a short block. Never at the first line: a message that is only a name is still content.
  let end = lines.length;
  const name = senderName.trim().toLowerCase();
  // Non-blank lines after each index, counted once from the end (a sign-off test per line
  // would otherwise rescan the rest of the mail every time).
  const nonBlankAfter = new Array<number>(lines.length + 1).fill(0);
  for (let i = lines.length - 1; i >= 0; i--) nonBlankAfter[i] = nonBlankAfter[i + 1]! + (lines[i + 1] !== undefined && lines[i + 1] !== '' ? 1 : 0);
  for (let i = 1; i < lines.length; i++) {
    if ((i & 63) === 0) check();
    const line = lines[i] ?? '';
    if (isSignatureDelimiter(line)) {
      end = i;
      break;
    }
    if (name.length >= 3 && line.toLowerCase() === name && looksLikeSignature(lines, i, 12)) {
      end = i;
      break;
    }
    if (isSignOff(line) && nonBlankAfter[i]! <= 8) {
      end = i;
      break;
    }
  }
  const body = lines.slice(0, end);
  // 2. Whole paragraphs that are disclaimers; single lines that are "Sent from" or footers.
  //    Footers count only past the first paragraph: a notification's first sentence may say
  //    "You are receiving this because <the alarm fired>", which is the news itself.
  const drop = new Set<number>();
  const paras = paragraphs(body);
  paras.forEach(({ start, end: stop }, p) => {
    check();
    const text = body.slice(start, stop).join(' ');
    if (p > 0 && isDisclaimer(text)) for (let i = start; i < stop; i++) drop.add(i);
  });
  const firstParaEnd = paras[0]?.end ?? 0;
  body.forEach((line, i) => {
    if (isSentFrom(line) || (i >= firstParaEnd && isFooterLine(line))) {
      drop.add(i);
      // "... click the link below to unsubscribe:" takes its link line with it.
      if (line.endsWith(':') && hasUrl(body[i + 1] ?? '')) drop.add(i + 1);
    }
  });
  // A trailing block of contact lines with no delimiter (a name, title, phone, web address).
  const lastPara = paras[paras.length - 1];
  if (lastPara !== undefined && paras.length > 1 && looksLikeSignature(body.slice(0, lastPara.end), lastPara.start, 6)) {
    for (let i = lastPara.start; i < lastPara.end; i++) drop.add(i);
  }
  return body.filter((_, i) => !drop.has(i));
}

function applyUrlPolicy(lines: string[], mode: UrlMode): string[] {
  const out: string[] = [];
  let removed = 0;
  for (const line of lines) {
    const { text, changed } = rewriteUrls(line, mode);
    removed += changed;
    // A line that was a label for its link ("Build URL https://…", "URL: …") goes with it.
    if (changed > 0 && (text === '' || isLinkLabel(line, text))) continue;
    out.push(text);
  }
  // Default drop "unless the URL is the only content": keep the original then.
  if (removed > 0 && !out.some((line) => line.trim() !== '')) return lines;
  return out;
}

/** "Details: <link>" or "Build URL <link>": a few words that only introduced a trailing link. */
export function isLinkLabel(line: string, rest: string): boolean {
  const lastWord = /\S+$/.exec(line)?.[0] ?? '';
  if (!hasUrl(lastWord) && !/^\(?\s*$/.test(rest)) return false;
  return rest.length <= 30 && !/\d/.test(rest) && /^[\p{L} ]{1,30}:?$/u.test(rest) && (rest.endsWith(':') || rest.split(' ').length <= 3);
}

/** Joins lines back, trimming blank lines at the ends and collapsing runs of them. */
function joinFolded(lines: readonly string[]): string {
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
