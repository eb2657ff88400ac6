/**
 * Whitespace folding shared by the mail and render stages. Mail bodies arrive with CRLF, tabs used
 * for alignment, non-breaking spaces from HTML and runs of blank lines; none of that is worth a
 * character in an SMS, but line structure still helps recognisers, so the mail stage keeps lines
 * and only the render stage joins them.
 */

// Invisible characters HTML mails use as padding (preheader tricks, soft hyphens, BOMs). Each
// costs an SMS character, and forces UCS-2, for nothing a reader can see.
const INVISIBLE = /[\u00ad\u200b\u2060\ufeff]/g;
// C0/C1 controls other than the whitespace ones (tab, LF, VT, FF, CR) folded below: a terminal
// escape or a NUL in a cron mail must not reach a handset.
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;
// Every whitespace character except the newline: tabs, NBSP, the Unicode spaces.
const INLINE_SPACE = /[^\S\n]+/g;

/**
 * Folds text into trimmed lines: horizontal whitespace runs become one space, lines are trimmed,
 * runs of blank lines become one blank line, and leading/trailing blank lines go. Half a surrogate
 * pair (a UTF-16 or UTF-7 encoded word, `&#xD800;` in HTML) becomes U+FFFD: sent as it is, it
 * makes an invalid UCS-2 SMS that a strict SMSC refuses.
 */
export function foldText(text: string): string {
  const lines = text
    .toWellFormed()
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROLS, '')
    .split('\n');
  const out: string[] = [];
  let blank = true; // true at the start, so leading blank lines are dropped
  for (const raw of lines) {
    const line = raw.replace(INLINE_SPACE, ' ').trim();
    if (line === '') {
      if (!blank) out.push('');
      blank = true;
    } else {
      out.push(line);
      blank = false;
    }
  }
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/** Folds text into a single line: every whitespace run, newlines included, becomes one space (and see foldText). */
export function foldLine(text: string): string {
  return text.toWellFormed().replace(INVISIBLE, '').replace(CONTROLS, '').replace(/\s+/g, ' ').trim();
}

/**
 * Cuts text to at most `max` UTF-16 code units without splitting a surrogate pair (half an emoji
 * would make the SMS encoder fall back to a replacement character).
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd();
}
