import { randomBytes } from 'node:crypto';
import { encodeWords } from 'nodemailer/lib/mime-funcs';
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
  const subject = input.originalSubject ? `${SUBJECTS[input.kind]}: ${input.originalSubject}` : SUBJECTS[input.kind];
  const host = input.reportingMta;
  const headers = [
    `From: Mail Delivery System <${input.from}>`,
    `To: <${input.to}>`,
    `Subject: ${encodeWords(subject, 'Q', 52)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <dsn.${messageIdPart(input.messageId)}@${host}>`,
    ...(input.originalMessageId && !input.originalMessageId.startsWith('sha256:')
      ? [`In-Reply-To: <${input.originalMessageId}>`, `References: <${input.originalMessageId}>`]
      : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
  ];
  const human = qpWrap(qpEncode(humanText(input)), 76);
  const returned =
    input.returned.kind === 'full'
      ? Buffer.concat([Buffer.from('Content-Type: message/rfc822\r\nContent-Description: Undelivered Message\r\n\r\n'), input.returned.raw])
      : Buffer.from(`Content-Type: text/rfc822-headers\r\nContent-Description: Undelivered Message Headers\r\n\r\n${crlf(input.returned.headers)}\r\n`, 'latin1');
  return Buffer.concat([
    Buffer.from(`${headers.join('\r\n')}\r\n\r\nThis is a MIME-encapsulated delivery status notification.\r\n\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Description: Notification\r\n\r\n${human}\r\n\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: message/delivery-status\r\nContent-Description: Delivery report\r\n\r\n${deliveryStatus(input)}\r\n`),
    Buffer.from(`--${boundary}\r\n`),
    returned,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
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
      ...(r.originalRecipient ? [`Original-Recipient: ${oneLine(r.originalRecipient)}`] : []),
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

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '');
}

/** RFC 3461 xtext: `+2B` stands for '+'. ORCPT arrives encoded. */
export function decodeXtext(value: string): string {
  return value.replace(/\+([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
