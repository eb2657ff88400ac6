/**
 * Header helpers: the flat header record recognisers read (x-mailer, auto-submitted,
 * x-jenkins-job, ...), and a bounded raw scan of the top-level header block for the salvage path
 * when mailparser gives up on a message.
 */

/** A raw header line as mailparser reports it: lower-cased key, the full line still folded. */
export interface HeaderLine {
  key: string;
  line: string;
}

/**
 * Longest header value kept, unfolded: RFC 5322's line limit. Recognisers read a few short headers;
 * a hostile one may be megabytes, and patterns run over these values.
 */
export const MAX_HEADER_VALUE_CHARS = 998;
/** Most distinct headers kept in the record. Real mails carry a few dozen. */
export const MAX_HEADER_COUNT = 500;

// RFC 5322 field name: printable ASCII except ':'. mailparser passes junk lines through as names.
const FIELD_NAME = /^[!-9;-~]+$/;

/** The value of a raw header line: unfolded, whitespace folded, capped. */
export function headerValue(line: string): string {
  const colon = line.indexOf(':');
  const value = colon < 0 ? '' : line.slice(colon + 1, colon + 1 + MAX_HEADER_VALUE_CHARS * 2);
  return value.replace(/\s+/g, ' ').trim().slice(0, MAX_HEADER_VALUE_CHARS);
}

/**
 * Lower-cased header name → first value, as sent (encoded words are not decoded; the decoded
 * subject is `ParsedMail.subject`). The record has no prototype, so a header named `__proto__`
 * or `constructor` is an ordinary key and a lookup of an absent name is always undefined.
 */
export function headerRecord(lines: readonly HeaderLine[]): Record<string, string> {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    if (!FIELD_NAME.test(name) || Object.hasOwn(record, name)) continue;
    if (++count > MAX_HEADER_COUNT) break;
    record[name] = headerValue(line);
  }
  return record;
}

/** The top-level header block and body of a raw message, split without MIME parsing. */
export interface RawHead {
  lines: HeaderLine[];
  body: Buffer;
}

// A header's name at the start of a line (sticky: matched in place, without slicing the line out).
const HEADER_NAME_AT = /([!-9;-~]+):/y;

/**
 * Splits `raw` at the first blank line and reads the header lines of at most `maxHeadBytes` of the
 * head. For the salvage path only: a message whose header block mailparser refused (too large,
 * too many parts) still has a subject and sender worth an SMS. Keeps what `headerRecord` reads, the
 * first line of each of the first MAX_HEADER_COUNT names, plus the first of each `alwaysKeep` name
 * wherever it comes: a flood of megabytes of headers costs one pass over it, not an object per line.
 */
export function scanRawHead(raw: Buffer, maxHeadBytes: number, alwaysKeep: ReadonlySet<string> = new Set()): RawHead {
  const { headEnd, bodyStart } = headBounds(raw);
  const head = raw.subarray(0, Math.min(headEnd, maxHeadBytes)).toString('utf8');
  const lines: HeaderLine[] = [];
  const seen = new Set<string>();
  let current: HeaderLine | undefined; // the kept header a folded continuation line belongs to
  for (let start = 0; start < head.length; ) {
    const newline = head.indexOf('\n', start);
    const end = newline < 0 ? head.length : newline;
    const lineEnd = end > start && head.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const first = head.charCodeAt(start);
    if (first === 32 || first === 9) {
      if (current !== undefined && current.line.length < MAX_HEADER_VALUE_CHARS * 2) current.line += ' ' + head.slice(start, lineEnd).trim();
    } else {
      current = undefined;
      HEADER_NAME_AT.lastIndex = start;
      // (The name's characters exclude CR and LF, so a match never runs into the next line.)
      const key = HEADER_NAME_AT.exec(head)?.[1]?.toLowerCase();
      if (key !== undefined && !seen.has(key) && (seen.size < MAX_HEADER_COUNT || alwaysKeep.has(key))) {
        seen.add(key);
        current = { key, line: head.slice(start, lineEnd) };
        lines.push(current);
      }
    }
    start = end + 1;
  }
  return { lines, body: raw.subarray(bodyStart) };
}

/**
 * Where the top-level header block of `raw` ends and its body starts: the first blank line (CRLF
 * or bare LF), looked for within `searchBytes`; without one, the whole of it is head.
 */
export function headBounds(raw: Buffer, searchBytes = raw.length): { headEnd: number; bodyStart: number } {
  const head = searchBytes < raw.length ? raw.subarray(0, searchBytes) : raw;
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headEnd: lf, bodyStart: lf + 2 };
  return { headEnd: head.length, bodyStart: raw.length };
}
