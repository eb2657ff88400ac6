/**
 * Raw RFC 5322 message → the normalised content the render stage works from. mailparser does the
 * MIME walk, transfer decoding, charsets and RFC 2047 words; this module picks the body, converts
 * HTML, folds whitespace and bounds the work. A message that cannot be parsed whole is salvaged
 * for whatever it still yields, because an alert with only a subject is still worth an SMS.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail as MailparserMail } from 'mailparser';
import { MessageError } from '../errors.js';
import { capText, foldLine, foldText } from './fold.js';
import { addressText, stripAngles } from './fields.js';
import { headBounds, headerRecord, headerValue, MAX_HEADER_VALUE_CHARS, scanRawHead } from './headers.js';
import { htmlToPlainText } from './html.js';
import { parsePlainTextMail } from './plain-text-mail.js';

export interface ParsedMail {
  /** Message-ID header without the angle brackets. */
  messageId: string | undefined;
  /** Decoded (RFC 2047) subject, whitespace folded; '' when there is none. */
  subject: string;
  /** The From address(es) as display text, `Name <address>`; '' when there is none. */
  from: string;
  /** The body as plain text: trimmed lines, single blank lines between paragraphs, capped. */
  text: string;
  /** Where `text` came from: the text/plain part, the converted text/html part, or nowhere. */
  bodySource: 'text' | 'html' | 'none';
  /** Lower-cased header name → first value as sent, for recognisers (see `headerRecord`). */
  headers: Record<string, string>;
}

export interface ParseLimits {
  /** Most characters of `ParsedMail.text`; a longer body is cut. */
  maxBodyChars: number;
  /**
   * Most characters of a body part looked at: HTML beyond this is not converted, plain text beyond
   * it is not folded. Bounds the work a hostile message can cause.
   */
  maxHtmlChars: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = {
  maxBodyChars: 100_000,
  maxHtmlChars: 1_000_000,
};

// How much of a refused message's header block the salvage path reads: all of it for any message
// the SMTP stage accepts (mailparser refuses a header block over 1 MB, and the subject may follow).
const SALVAGE_HEAD_BYTES = 16 * 1024 * 1024;
// Larger header blocks skip mailparser's own header parsing. Real mail, long Received and ARC
// chains included, stays well under this; the salvage keeps the headers that matter in any case.
const MAX_PARSED_HEAD_BYTES = 64 * 1024;
// The headers a salvage attempt keeps: enough to decode the subject, sender and body.
const SALVAGED_HEADERS = new Set([
  'subject', 'from', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding',
]);

/** MIME boundary lines kept when mailparser refused a message for its parts (it allows 999). */
const MAX_SALVAGED_PARTS = 900;

/**
 * `body` up to its `n`-th MIME boundary line, or whole when it has fewer. Only the boundaries the
 * message declares count (its own, `head`, and those of nested parts): a `-- ` signature or a
 * `-----BEGIN` line is text.
 */
function cutBeforeBoundary(head: string, body: Buffer, n: number): Buffer {
  const text = body.toString('latin1');
  const boundaries = new Set([...`${head}\n${text}`.matchAll(/boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))/gi)].map((m) => `--${m[1] ?? m[2]}`));
  if (boundaries.size === 0) return body;
  const declared = [...boundaries];
  let found = 0;
  for (let at = text.indexOf('\n--'); at >= 0; at = text.indexOf('\n--', at + 1)) {
    if (declared.some((b) => text.startsWith(b, at + 1)) && ++found === n) return body.subarray(0, at + 1);
  }
  return body;
}

const PARSER_OPTIONS = {
  // HTML is converted here, with our own selectors and bounds (see html.ts).
  skipHtmlToText: true,
  // Nothing downstream uses textAsHtml; linkifying is the slowest part of mailparser.
  skipTextToHtml: true,
  skipTextLinks: true,
  // Attachments are ignored: no data: URLs for inline images, no checksums.
  keepCidLinks: true,
  checksumAlgo: false,
} as const;

/**
 * Parses a raw message. Never rejects for a malformed message that still has a subject, a sender
 * or a body; rejects with `MessageError('PARSE_FAILED')` only when nothing at all can be read.
 */
export async function parseMail(raw: Buffer, limits: Partial<ParseLimits> = {}): Promise<ParsedMail> {
  const bounds: ParseLimits = {
    maxBodyChars: limits.maxBodyChars ?? DEFAULT_PARSE_LIMITS.maxBodyChars,
    maxHtmlChars: limits.maxHtmlChars ?? DEFAULT_PARSE_LIMITS.maxHtmlChars,
  };
  return boundFields(parsePlainTextMail(raw, bounds) ?? (await parseWithMailparser(raw, bounds)));
}

/**
 * RFC 5322's 998-character line limit for every header-born field, whatever the sender made of
 * it: a 900 KB From or Subject would otherwise cost the recognisers' patterns seconds, and a long
 * Message-ID would be copied into every recipient's job in Redis. A longer Message-ID is replaced
 * by its digest, so it still identifies the message (and a resend of it) exactly. (The header
 * record is bounded where it is read: MAX_HEADER_VALUE_CHARS.)
 */
export const MAX_FIELD_CHARS = MAX_HEADER_VALUE_CHARS;

function boundFields(mail: ParsedMail): ParsedMail {
  const { messageId, subject, from } = mail;
  const long = (value: string) => value.length > MAX_FIELD_CHARS;
  if (!(long(subject) || long(from) || (messageId !== undefined && long(messageId)))) return mail;
  return {
    ...mail,
    messageId: messageId !== undefined && long(messageId) ? `sha256:${createHash('sha256').update(messageId).digest('hex')}` : messageId,
    subject: capText(subject, MAX_FIELD_CHARS),
    from: capText(from, MAX_FIELD_CHARS),
  };
}

/** The general path: any MIME structure, transfer encoding and charset, and the salvage. */
export async function parseWithMailparser(raw: Buffer, bounds: ParseLimits): Promise<ParsedMail> {
  // mailparser spends about a second of CPU on a header block near its 1 MB limit, blocking every
  // session; the salvage reads what matters of one in one pass, so a large head goes there at once.
  if (headBounds(raw).headEnd > MAX_PARSED_HEAD_BYTES) return salvage(raw, bounds, new Error('header block too large'));
  let mail: MailparserMail;
  try {
    mail = await simpleParser(raw, PARSER_OPTIONS);
  } catch (err) {
    return salvage(raw, bounds, err);
  }
  return fromMailparser(mail, bounds);
}

function fromMailparser(mail: MailparserMail, limits: ParseLimits): ParsedMail {
  return {
    messageId: stripAngles(mail.messageId),
    subject: foldLine(mail.subject ?? ''),
    from: addressText(mail.from),
    ...pickBody(mail, limits),
    headers: headerRecord(mail.headerLines ?? []),
  };
}

/** text/plain when it has any words, else the converted text/html, else nothing. */
function pickBody(mail: MailparserMail, limits: ParseLimits): Pick<ParsedMail, 'text' | 'bodySource'> {
  const plain = foldText((mail.text ?? '').slice(0, limits.maxHtmlChars));
  if (plain !== '') return { text: capText(plain, limits.maxBodyChars), bodySource: 'text' };
  const html = typeof mail.html === 'string' ? mail.html : '';
  const converted = htmlToPlainText(html.slice(0, limits.maxHtmlChars));
  if (converted !== '') return { text: capText(converted, limits.maxBodyChars), bodySource: 'html' };
  return { text: '', bodySource: 'none' };
}

/**
 * mailparser refused the message (a header block over its size limit, too many MIME parts). Parse
 * again under a small clean header block rebuilt from the few headers that matter: with the body,
 * then with the body cut before its MAX_SALVAGED_PARTS-th boundary line (mailparser refuses 1,000
 * parts; the first ones still carry the alert), then without it. The header record still comes
 * from the full raw scan. The last attempt's result is taken even if empty (554 then): the same
 * bytes fail the same way every time, so a 451 would only have the sender retry for days.
 */
async function salvage(raw: Buffer, limits: ParseLimits, cause: unknown): Promise<ParsedMail> {
  const { lines, body } = scanRawHead(raw, SALVAGE_HEAD_BYTES, SALVAGED_HEADERS);
  const kept = new Map<string, string>(); // first occurrence of each salvaged header
  for (const { key, line } of lines) {
    if (SALVAGED_HEADERS.has(key)) kept.set(key, headerValue(line));
  }
  const head = [...kept].map(([key, value]) => `${key}: ${value}\r\n`).join('');
  const bodies = [body, cutBeforeBoundary(head, body, MAX_SALVAGED_PARTS), Buffer.alloc(0)];
  for (const [i, attemptBody] of bodies.entries()) {
    if (i === 1 && attemptBody.length === body.length) continue; // not cut: the same as the first
    try {
      const parsed = fromMailparser(await simpleParser(Buffer.concat([Buffer.from(head + '\r\n'), attemptBody]), PARSER_OPTIONS), limits);
      // The whole message read with nothing in it is the same as a small one with nothing (554).
      if (parsed.subject !== '' || parsed.from !== '' || parsed.text !== '' || i !== 1) {
        return { ...parsed, headers: headerRecord(lines) };
      }
    } catch {
      // the next attempt is smaller
    }
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  throw new MessageError('PARSE_FAILED', `message could not be parsed: ${reason}`, false, { cause });
}
