/**
 * A fast path for the commonest alert mail: one text/plain part, 7bit or 8bit, US-ASCII or UTF-8,
 * with plain ASCII headers — what cron, smartd, mdadm, Nagios and most scripts send. For these,
 * mailparser's stream machinery is most of the parse cost (~80 µs of a ~400 µs intake on the bench
 * box) while there is nothing to decode. Anything else, or anything doubtful, returns undefined and
 * goes to mailparser; a test holds this path to mailparser's result on every fixture it accepts.
 * Address headers still go through mailparser's own parser.
 */
import { isAscii } from 'node:buffer';
import { parseAddressHeader } from 'mailparser';
import { addressText, stripAngles } from './fields.js';
import { capText, foldLine, foldText } from './fold.js';
import { headerRecord, headerValue, type HeaderLine } from './headers.js';
import type { ParsedMail, ParseLimits } from './parse.js';

/** A head larger than this is unusual enough to leave to mailparser. */
const MAX_HEAD_BYTES = 32 * 1024;
/** Longer physical lines are left to mailparser (and to its limits). */
const MAX_LINE_CHARS = 998;
const FIELD = /^([!-9;-~]+):/;
// The only Content-Type this path takes: text/plain, optionally with a UTF-8 or ASCII charset.
const PLAIN = /^text\/plain\s*(?:;\s*charset\s*=\s*(?:"(utf-8|us-ascii)"|(utf-8|us-ascii))\s*;?)?$/i;
const IDENTITY_ENCODING = /^(?:7bit|8bit)$/i;
// Headers that must appear at most once here: a second one makes mailparser's choice the rule.
const SINGLE = ['content-type', 'content-transfer-encoding', 'subject', 'from', 'message-id'];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parsePlainTextMail(raw: Buffer, limits: ParseLimits): ParsedMail | undefined {
  const split = splitHead(raw);
  if (split === undefined) return undefined;
  const lines = headerLines(split.head);
  if (lines === undefined) return undefined;

  const values = new Map<string, string>();
  for (const { key, line } of lines) {
    if (key.startsWith('content-') && key !== 'content-type' && key !== 'content-transfer-encoding') return undefined;
    if (!SINGLE.includes(key)) continue;
    if (values.has(key)) return undefined;
    values.set(key, headerValue(line));
  }
  const type = values.get('content-type');
  const typeMatch = type === undefined ? undefined : PLAIN.exec(type);
  if (type !== undefined && typeMatch === null) return undefined;
  const encoding = values.get('content-transfer-encoding');
  if (encoding !== undefined && !IDENTITY_ENCODING.test(encoding)) return undefined;
  const subject = values.get('subject') ?? '';
  const from = values.get('from') ?? '';
  // Encoded words need libmime's decoder: mailparser's job.
  if ([subject, from, values.get('message-id') ?? ''].some((value) => value.includes('=?'))) return undefined;

  const charset = (typeMatch?.[1] ?? typeMatch?.[2] ?? 'us-ascii').toLowerCase();
  const body = decodeBody(raw.subarray(split.bodyStart), charset);
  if (body === undefined) return undefined;

  const plain = foldText(body.slice(0, limits.maxHtmlChars));
  return {
    messageId: stripAngles(values.get('message-id')),
    subject: foldLine(subject),
    from: from === '' ? '' : addressText(parseAddressHeader(from)),
    ...(plain === '' ? { text: '', bodySource: 'none' as const } : { text: capText(plain, limits.maxBodyChars), bodySource: 'text' as const }),
    headers: headerRecord(lines),
  };
}

/** The header block (ASCII only) and where the body starts; undefined when in doubt. */
function splitHead(raw: Buffer): { head: string; bodyStart: number } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0 || end > MAX_HEAD_BYTES) return undefined;
  if (!isAscii(raw.subarray(0, end))) return undefined;
  return { head: raw.toString('latin1', 0, end), bodyStart: end + 4 };
}

/** Header lines with folded continuations joined; undefined if a line is not a header. */
function headerLines(head: string): HeaderLine[] | undefined {
  const lines: HeaderLine[] = [];
  for (const physical of head.split('\r\n')) {
    if (physical.length > MAX_LINE_CHARS || physical.includes('\n') || physical.includes('\r')) return undefined;
    const last = lines[lines.length - 1];
    if (physical.startsWith(' ') || physical.startsWith('\t')) {
      if (last === undefined) return undefined;
      last.line += ' ' + physical.trim();
      continue;
    }
    const name = FIELD.exec(physical)?.[1];
    if (name === undefined) return undefined;
    lines.push({ key: name.toLowerCase(), line: physical });
  }
  return lines;
}

function decodeBody(body: Buffer, charset: string): string | undefined {
  // A CR that does not end a line (CR CR LF after a double conversion, say): mailparser reads line
  // ends its own way there, so it decides.
  for (let i = body.indexOf(0x0d); i !== -1; i = body.indexOf(0x0d, i + 1)) {
    if (body[i + 1] !== 0x0a) return undefined;
  }
  if (charset === 'us-ascii') {
    if (!isAscii(body)) return undefined;
    return body.toString('latin1');
  }
  try {
    return utf8.decode(body);
  } catch {
    return undefined; // not valid UTF-8: mailparser decides what to make of it
  }
}
