import { isAscii } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { headBounds } from '../mail/headers.js';
import { capText } from '../mail/fold.js';
import { encodeWords, foldLines } from 'nodemailer/lib/mime-funcs';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';

export type DsnKind = 'failed' | 'delayed' | 'delivered';

export interface DsnRecipient {
  /** The RCPT TO address as given. */
  address: string;
  /** E.164 number the address stood for. */
  number: string;
  /** RFC 3461 ORCPT, as `type;address` (already xtext-decoded). */
  originalRecipient?: string;
  status: string;
  /** `smpp; 0x0000000B ESME_RINVDSTADR`, `smpp; stat:UNDELIV err:001`, ... */
  diagnostic?: string;
  /** Human words: what happened, in the carrier's words where we have them. */
  explanation: string;
  lastAttempt?: Date;
  willRetryUntil?: Date;
}

export interface DsnInput {
  kind: DsnKind;
  reportingMta: string;
  from: string;
  to: string;
  arrivalDate: Date;
  envid?: string;
  originalMessageId?: string;
  originalSubject?: string;
  recipients: DsnRecipient[];
  /**
   * Makes the Message-ID: the same DSN sent again (its task retried) then has the same one, and
   * a receiving MTA or mailbox can recognise the copy. Random when absent.
   */
  messageId?: string;
  /** RET=FULL gives the whole message; otherwise its header block. */
  returned: { kind: 'headers'; headers: string } | { kind: 'full'; raw: Buffer };
  date?: Date;
}

const SUBJECTS: Record<DsnKind, string> = {
  failed: 'Undelivered SMS returned to sender',
  delayed: 'Delayed SMS: still trying',
  delivered: 'SMS delivered',
};

/**
 * An RFC 3464 delivery status notification: multipart/report with a human-readable part, the
 * machine-readable message/delivery-status part, and the original headers or message.
 * Written by hand: nodemailer composes multipart/mixed and /alternative, not /report.
 */
/** A task id as a Message-ID's left part (dot-atom text only), or a random one. */
function messageIdPart(id: string | undefined): string {
  const safe = id?.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.]+|[.]+$/g, '').replace(/\.{2,}/g, '.');
  return safe ? safe : randomBytes(9).toString('hex');
}

export function buildDsn(input: DsnInput): Buffer {
  const boundary = `----=_smtp2sms_dsn_${randomBytes(12).toString('hex')}`;
  const date = input.date ?? new Date();
  // Never trusted to be one line, and cut: the header is folded, but a title is enough.
  const original = input.originalSubject === undefined ? undefined : capText(input.originalSubject.replace(/[\r\n]+/g, ' '), 200);
  const subject = original ? `${SUBJECTS[input.kind]}: ${original}` : SUBJECTS[input.kind];
  const host = input.reportingMta;
  const id = input.originalMessageId;
  const repliesTo = id !== undefined && !id.startsWith('sha256:') && MESSAGE_ID.test(id) ? id : undefined;
  const headers = [
    `From: Mail Delivery System <${input.from}>`,
    `To: <${addrSpec(input.to)}>`,
    // encodeWords puts every encoded word on one line; folded so no line passes 76 characters.
    // (An unbroken ASCII run cannot be folded; cut to 200 characters it stays far below 998.)
    foldLines(`Subject: ${encodeWords(subject, 'Q', 52)}`, 76).trimEnd(),
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <dsn.${messageIdPart(input.messageId)}@${host}>`,
    ...(repliesTo ? [`In-Reply-To: <${repliesTo}>`, `References: <${repliesTo}>`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
  ];
  const human = qpWrap(qpEncode(humanText(input)), 76);
  const returned = returnedPart(input.returned);
  // 8-bit bytes in the returned message or headers are declared, as RFC 2045 asks (the SMTP
  // transport then sends BODY=8BITMIME); they are not re-encoded, the original is returned as sent.
  const eightBit = returned.includes8Bit ? 'Content-Transfer-Encoding: 8bit\r\n' : '';
  return Buffer.concat([
    Buffer.from(`${headers.join('\r\n')}\r\n${eightBit}\r\nThis is a MIME-encapsulated delivery status notification.\r\n\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Description: Notification\r\n\r\n${human}\r\n\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: message/delivery-status\r\nContent-Description: Delivery report\r\n\r\n${deliveryStatus(input)}\r\n`),
    Buffer.from(`--${boundary}\r\n`),
    returned.part,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/**
 * A Message-ID that can stand in In-Reply-To as is: printable ASCII (the DSN goes without
 * SMTPUTF8, so its header lines are 7-bit), no angle brackets, not too long.
 */
const MESSAGE_ID = /^[\x21-\x3b\x3d\x3f-\x7e]{1,900}$/;

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * The envelope sender as a header address: SMTP took `alerts,ops@example.com`, but in a header an
 * unquoted `,` or `:` would make it two addresses or a group, so such a local part is quoted.
 */
function addrSpec(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  if (at <= 0 || DOT_ATOM.test(local) || /^".*"$/.test(local)) return address;
  return `"${local.replace(/["\\]/g, '\\$&')}"${address.slice(at)}`;
}

/**
 * The third part: the whole message (RET=FULL) or its headers, with CRLF line ends. A message
 * with a line over 998 octets or a NUL could not go through SMTP as it is: its headers go back.
 */
function returnedPart(returned: DsnInput['returned']): { part: Buffer; includes8Bit: boolean } {
  if (returned.kind === 'full') {
    const raw = Buffer.from(crlf(returned.raw.toString('latin1')) + '\r\n', 'latin1');
    if (!raw.includes(0) && !/[^\r\n]{999}/.test(raw.toString('latin1'))) {
      const eightBit = !isAscii(raw);
      const header = `Content-Type: message/rfc822\r\n${eightBit ? 'Content-Transfer-Encoding: 8bit\r\n' : ''}Content-Description: Undelivered Message\r\n\r\n`;
      return { part: Buffer.concat([Buffer.from(header), raw]), includes8Bit: eightBit };
    }
    return returnedPart({ kind: 'headers', headers: returned.raw.toString('latin1', 0, headBounds(returned.raw).headEnd) });
  }
  const headers = Buffer.from(`${crlf(returned.headers).replace(/[^\r\n]{999,}/g, (line) => line.slice(0, 998))}\r\n`, 'latin1');
  const eightBit = !isAscii(headers);
  const header = `Content-Type: text/rfc822-headers\r\n${eightBit ? 'Content-Transfer-Encoding: 8bit\r\n' : ''}Content-Description: Undelivered Message Headers\r\n\r\n`;
  return { part: Buffer.concat([Buffer.from(header), headers]), includes8Bit: eightBit };
}


function humanText(input: DsnInput): string {
  const intro: Record<DsnKind, string> = {
    failed: 'Your message could not be delivered as SMS to the following number(s). This is a permanent failure; smtp2sms will not try again.',
    delayed: 'Your message has not been delivered as SMS yet to the following number(s). smtp2sms is still trying; you will be told again only if it fails.',
    delivered: 'Your message was delivered as SMS to the following number(s).',
  };
  const lines = [`This is the smtp2sms SMS relay at ${input.reportingMta}.`, '', intro[input.kind], ''];
  for (const r of input.recipients) {
    lines.push(`  ${r.number} (${r.address})`, `    ${r.explanation}`);
    if (r.diagnostic) lines.push(`    Carrier said: ${r.diagnostic.replace(/^[a-z0-9-]+;\s*/i, '')}`);
    if (r.willRetryUntil) lines.push(`    Still trying until: ${rfc822Date(r.willRetryUntil)}`);
    lines.push('');
  }
  return lines.join('\r\n');
}

function deliveryStatus(input: DsnInput): string {
  const action: Record<DsnKind, string> = { failed: 'failed', delayed: 'delayed', delivered: 'delivered' };
  const perMessage = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    ...(input.envid ? [`Original-Envelope-Id: ${oneLine(input.envid)}`] : []),
    `Arrival-Date: ${rfc822Date(input.arrivalDate)}`,
  ];
  const perRecipient = input.recipients.map((r) => {
    const domain = r.address.slice(r.address.lastIndexOf('@') + 1);
    return [
      // Without ORCPT, the address as the sender wrote it, where ours differs (07700…, 0049…).
      ...(r.originalRecipient
        ? [`Original-Recipient: ${oneLine(r.originalRecipient)}`]
        : r.address !== `${r.number}@${domain}` ? [`Original-Recipient: rfc822;${oneLine(r.address)}`] : []),
      `Final-Recipient: rfc822;${r.number}@${domain}`,
      `Action: ${action[input.kind]}`,
      `Status: ${r.status}`,
      ...(r.diagnostic ? [`Diagnostic-Code: ${oneLine(r.diagnostic)}`] : []),
      ...(r.lastAttempt ? [`Last-Attempt-Date: ${rfc822Date(r.lastAttempt)}`] : []),
      ...(r.willRetryUntil ? [`Will-Retry-Until: ${rfc822Date(r.willRetryUntil)}`] : []),
    ].join('\r\n');
  });
  return [perMessage.join('\r\n'), ...perRecipient].join('\r\n\r\n') + '\r\n';
}

/** RFC 5322 date-time with a numeric zone. */
export function rfc822Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** One printable ASCII line, short enough for a header field. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 900);
}

/** Every line end as CRLF (bare CR and bare LF included), with no trailing blank lines. */
function crlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n').replace(/(\r\n)+$/, '');
}


