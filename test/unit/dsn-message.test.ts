import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildDsn } from '../../src/bounce/dsn-message.js';
import { dsnKindFor } from '../../src/bounce/notify-policy.js';
import { describeStatus } from '../../src/bounce/status-words.js';
import { parseDsn } from '../helpers/smtp-sink.js';

describe('NOTIFY policy (RFC 3461)', () => {
  it.each([
    // outcome, sender, notify, kind
    ['failed', 'a@x', undefined, 'failed'],
    ['expired', 'a@x', undefined, 'failed'],
    ['delivered', 'a@x', undefined, undefined],
    ['delayed', 'a@x', undefined, undefined],
    ['failed', '', undefined, undefined],
    ['failed', 'a@x', ['NEVER'], undefined],
    ['delivered', 'a@x', ['SUCCESS'], 'delivered'],
    ['failed', 'a@x', ['SUCCESS'], undefined],
    ['delayed', 'a@x', ['DELAY', 'FAILURE'], 'delayed'],
    ['failed', 'a@x', ['delay', 'failure'], 'failed'],
  ] as const)('%s for sender %j with NOTIFY=%j → %s', (outcome, sender, notify, kind) => {
    expect(dsnKindFor(outcome, sender, notify as string[] | undefined)).toBe(kind);
  });
});

describe('DSN message', () => {
  const base = {
    reportingMta: 'relay.test', from: 'MAILER-DAEMON@relay.test', to: 'ops@example.com', arrivalDate: new Date('2026-11-23T10:00:00Z'),
    originalMessageId: 'abc@example.com', originalSubject: 'Prüfung fehlgeschlagen',
    recipients: [{ address: '+4915112345678@sms.localhost', number: '+4915112345678', status: '5.1.1', diagnostic: 'smpp; 0x0000000B ESME_RINVDSTADR', explanation: 'bad number', lastAttempt: new Date('2026-11-23T10:00:05Z') }],
  };

  it('is a multipart/report with the three parts and the per-recipient fields', () => {
    const dsn = parseDsn(buildDsn({ ...base, kind: 'failed', envid: 'E1', returned: { kind: 'headers', headers: 'Subject: x\nFrom: y' } }).toString());
    expect(dsn.contentType).toMatch(/^multipart\/report; report-type=delivery-status;/);
    expect(dsn.headers.subject).toBe('Undelivered SMS returned to sender: =?UTF-8?Q?Pr=C3=BCfung?= fehlgeschlagen');
    expect(dsn.headers['in-reply-to']).toBe('<abc@example.com>');
    expect(dsn.perMessage).toEqual({ 'reporting-mta': 'dns; relay.test', 'original-envelope-id': 'E1', 'arrival-date': 'Mon, 23 Nov 2026 10:00:00 +0000' });
    expect(dsn.perRecipient).toEqual([{
      'final-recipient': 'rfc822;+4915112345678@sms.localhost', action: 'failed', status: '5.1.1',
      'diagnostic-code': 'smpp; 0x0000000B ESME_RINVDSTADR', 'last-attempt-date': 'Mon, 23 Nov 2026 10:00:05 +0000',
    }]);
    expect(dsn.parts[2]!.headers['content-type']).toBe('text/rfc822-headers');
    expect(dsn.parts[2]!.body.trimEnd()).toBe('Subject: x\r\nFrom: y');
  });

  it('returns the full message for RET=FULL and omits In-Reply-To for content-hash ids', () => {
    const raw = Buffer.from('Subject: s\r\n\r\nthe body\r\n');
    const dsn = parseDsn(buildDsn({ ...base, originalMessageId: 'sha256:00', kind: 'delivered', returned: { kind: 'full', raw } }).toString());
    expect(dsn.headers['in-reply-to']).toBeUndefined();
    expect(dsn.parts[2]!.headers['content-type']).toBe('message/rfc822');
    expect(dsn.parts[2]!.body).toContain('the body');
    expect(dsn.perRecipient[0]!.action).toBe('delivered');
  });

  it.each([
    ['non-ASCII', 'ディスク容量が不足しています'.repeat(6), 78],
    ['long, with spaces', 'disk full on db-01 '.repeat(50), 78],
    ['one unbroken 998-character word', 'x'.repeat(998), 998],
    ['CR LF smuggling a header', 'disk full\r\nBcc: victim@example.com', 78],
  ])('folds a %s subject into short lines and never lets it inject a header', async (_what, originalSubject, longest) => {
    {
      const raw = buildDsn({ ...base, originalSubject, kind: 'failed', returned: { kind: 'headers', headers: 'Subject: x' } }).toString('latin1');
      const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
      for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(longest);
      expect(head).not.toMatch(/^Bcc:/m);
      const subject = (await simpleParser(Buffer.from(raw, 'latin1'))).subject ?? '';
      expect(subject.startsWith(`Undelivered SMS returned to sender: ${originalSubject.replace(/\r\n/g, ' ').slice(0, 20)}`)).toBe(true);
    }
  });

  it('declares 8-bit returned content, ends every line with CRLF, and returns only the headers of a message SMTP could not carry', () => {
    const eightBit = buildDsn({ ...base, kind: 'failed', returned: { kind: 'full', raw: Buffer.from('Subject: s\n\nGrüße\rbare CR\n', 'latin1') } }).toString('latin1');
    expect(eightBit).toMatch(/^Content-Transfer-Encoding: 8bit$/m);
    expect(eightBit).not.toMatch(/[^\r]\n|\r[^\n]/);
    const longLine = buildDsn({ ...base, kind: 'failed', returned: { kind: 'full', raw: Buffer.from(`Subject: s\r\n\r\n${'a'.repeat(1_200)}\r\n`) } }).toString('latin1');
    expect(parseDsn(longLine).parts[2]!.headers['content-type']).toBe('text/rfc822-headers');
    expect(longLine).not.toMatch(/[^\r\n]{999}/);
  });

  it('names the address as written when it differs from the number, and skips In-Reply-To for an id that is not one', () => {
    const dsn = parseDsn(buildDsn({
      ...base, kind: 'failed', originalMessageId: 'a b@c> <d@e', returned: { kind: 'headers', headers: 'Subject: x' },
      recipients: [{ ...base.recipients[0]!, address: '015112345678@sms.localhost' }],
    }).toString());
    expect(dsn.perRecipient[0]).toMatchObject({ 'original-recipient': 'rfc822;015112345678@sms.localhost', 'final-recipient': 'rfc822;+4915112345678@sms.localhost' });
    expect(dsn.headers['in-reply-to']).toBeUndefined();
  });
});

describe('DSN headers from hostile originals', () => {
  const base = {
    kind: 'failed' as const, reportingMta: 'relay.test', from: 'MAILER-DAEMON@relay.test', to: 'ops@example.com', arrivalDate: new Date('2026-11-23T10:00:00Z'),
    recipients: [{ address: '+4915112345678@sms.localhost', number: '+4915112345678', status: '5.1.1', explanation: 'bad number' }],
    returned: { kind: 'headers' as const, headers: 'Subject: x' },
  };

  it('cuts a long subject on a character boundary: no U+FFFD from half an emoji', async () => {
    const originalSubject = `x${'🔥'.repeat(120)}`; // UTF-16 unit 200 is the middle of an emoji
    const subject = (await simpleParser(buildDsn({ ...base, originalSubject }))).subject ?? '';
    expect(subject.startsWith('Undelivered SMS returned to sender: x🔥')).toBe(true);
    expect(subject).not.toContain('\uFFFD');
  });

  it('keeps its header lines 7-bit: a Message-ID with non-ASCII or control characters is not copied into In-Reply-To', () => {
    const raw = buildDsn({ ...base, originalMessageId: 'prüfung\u0001@example.com' });
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
    expect(head.split('\r\n').filter((l) => /[^\x20-\x7e]/.test(l))).toEqual([]);
    expect(head).not.toContain('In-Reply-To');
  });

  it('quotes a sender whose local part is no dot-atom, and leaves the usual ones as they are', () => {
    const to = (address: string) => parseDsn(buildDsn({ ...base, to: address }).toString()).headers.to;
    expect(to('alerts,ops@example.com')).toBe('<"alerts,ops"@example.com>');
    expect(to('a"b\\c d@example.com')).toBe('<"a\\"b\\\\c d"@example.com>');
    expect(to('first.last+tag@example.com')).toBe('<first.last+tag@example.com>');
    expect(to('"already quoted"@example.com')).toBe('<"already quoted"@example.com>');
  });
});

describe('status in plain words', () => {
  it.each([
    ['5.1.1', 'The number does not exist or cannot receive SMS.'],
    ['4.4.7', 'The message could not be delivered before it expired (phone off or out of coverage).'],
    ['5.7.0', "The carrier refused the relay's credentials or account (an operator matter)."],
    ['5.7.1', 'The carrier or the network refused the message (barred number or route not allowed).'],
    ['5.6.0', 'The carrier refused the message content or its encoding.'],
    ['5.0.0', 'The carrier could not deliver the message.'],
    ['4.4.1', 'The carrier could not deliver the message in time.'],
  ])('%s → %s', (status, words) => expect(describeStatus(status)).toBe(words));
});
