import { describe, expect, it } from 'vitest';
import { buildDsn, decodeXtext } from '../../src/bounce/dsn-message.js';
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

  it('decodes xtext in ORCPT and ENVID', () => {
    expect(decodeXtext('rfc822;pager+2Bduty@example.com')).toBe('rfc822;pager+duty@example.com');
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
