import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBouncingRelay } from '../helpers/bouncing-relay.js';
import type { TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { parseDsn, type SunkMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { DEFAULT_SMSC_RULES } from '../../src/smsc/index.js';

let relay: TestRelay;
let sink: SmtpSink;
let stop: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ relay, sink, stop } = await startBouncingRelay('bounces', {}, {
    deliveryReceipts: { enabled: true, delayMs: 30 },
    rules: [...DEFAULT_SMSC_RULES, { match: '+4915100000002', action: 'receipt', receiptStat: 'UNDELIV', receiptErr: '034', failPart: 2 }],
  }, 300));
});
afterAll(async () => stop());

let n = 0;
/** Sends one mail; `rcpt` lines may carry DSN parameters. Returns the queue id. */
async function send(sender: string, rcpts: string[], body = 'disk full on db-01', extra = ''): Promise<string> {
  n += 1;
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO client.test');
  expect((await session.command(`MAIL FROM:<${sender}>${extra}`)).code).toBe(250);
  for (const r of rcpts) expect((await session.command(`RCPT TO:${r}`)).code).toBe(250);
  const reply = await session.data(mail({ From: 'Monitoring <alerts@example.com>', Subject: `Alert ${n}`, 'Message-ID': `<bounce-${n}-${Date.now()}@example.com>`, 'X-Probe': `probe-${n}` }, body));
  await session.quit();
  expect(reply.code).toBe(250);
  return reply.text.split(' ').pop()!;
}

async function counters() {
  const text = await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/metrics`)).text();
  const value = (series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1] ?? 0);
  return {
    failedOutcomes: value('smtp2sms_sms_outcomes_total{outcome="failed"}'),
    failedDsns: value('smtp2sms_dsn_total{kind="failed",result="sent"}'),
    matchedReceipts: value('smtp2sms_receipts_total{carrier="primary",result="matched"}'),
  };
}

const forSubject = (subjectPart: string) => (m: SunkMail) => m.raw.includes(subjectPart);

describe('bounces (RFC 3464 DSNs) for failures after 250', () => {
  it('a permanent submit error bounces to the envelope sender from the null sender', async () => {
    await send('ops@example.com', ['<+15555550001@sms.localhost>']);
    const dsnMail = await sink.waitFor((m) => m.to.includes('ops@example.com') && m.raw.includes('Alert 1'));
    expect(dsnMail.from).toBe('');
    const dsn = parseDsn(dsnMail.raw);
    expect(dsn.contentType).toMatch(/^multipart\/report; report-type=delivery-status;/);
    expect(dsn.headers.from).toBe('Mail Delivery System <MAILER-DAEMON@sms.test>');
    expect(dsn.headers['auto-submitted']).toBe('auto-replied');
    expect(dsn.headers.subject).toContain('Alert 1');
    expect(dsn.parts.map((p) => p.headers['content-type']!.split(';')[0])).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(dsn.perMessage['reporting-mta']).toBe('dns; relay.test');
    expect(dsn.perMessage['arrival-date']).toMatch(/\+0000$/);
    expect(dsn.perRecipient).toHaveLength(1);
    expect(dsn.perRecipient[0]).toMatchObject({
      'final-recipient': 'rfc822;+15555550001@sms.localhost',
      action: 'failed',
      status: '5.1.1',
      'diagnostic-code': 'smpp; 0x0000000B ESME_RINVDSTADR',
    });
    expect(dsn.perRecipient[0]!['last-attempt-date']).toMatch(/\+0000$/);
    expect(dsn.parts[2]!.body).toContain('X-Probe: probe-1');
    expect(dsn.parts[0]!.body).toContain('+15555550001');
  });

  it('an UNDELIV receipt bounces with the receipt stat/err, and ORCPT/ENVID/RET=FULL are honoured', async () => {
    await send('ops@example.com', ['<+15555550005@sms.localhost> ORCPT=rfc822;pager+2Bduty@example.com'], 'disk full', ' RET=FULL ENVID=env+2B42');
    const dsn = parseDsn((await sink.waitFor(forSubject('Alert 2'))).raw);
    expect(dsn.perMessage['original-envelope-id']).toBe('env+42'); // decoded once (smtp-server does it), not twice
    expect(dsn.perRecipient[0]).toMatchObject({
      'original-recipient': 'rfc822;pager+duty@example.com',
      'final-recipient': 'rfc822;+15555550005@sms.localhost',
      action: 'failed',
      status: '5.1.1',
      'diagnostic-code': 'smpp; stat:UNDELIV err:001',
    });
    const returned = dsn.parts[2]!;
    expect(returned.headers['content-type']).toBe('message/rfc822');
    expect(returned.body).toContain('disk full'); // the whole message, body included
  });

  it('NOTIFY=SUCCESS gives a delivered DSN; the receipt is matched although it came before submit_sm_resp', async () => {
    await send('ops@example.com', ['<+15555550008@sms.localhost> NOTIFY=SUCCESS,FAILURE']);
    const dsn = parseDsn((await sink.waitFor(forSubject('Alert 3'))).raw);
    expect(dsn.headers.subject).toMatch(/^SMS delivered/);
    expect(dsn.perRecipient[0]).toMatchObject({ action: 'delivered', status: '2.0.0', 'final-recipient': 'rfc822;+15555550008@sms.localhost' });
  });

  it('aggregates: one DSN per transaction lists every failed recipient, and a multipart message with one failed part bounces once', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    await send('team@example.com', ['<+15555550001@sms.localhost>', '<+4915100000002@sms.localhost>', '<+4915100000003@sms.localhost>'], long);
    const dsnMail = await sink.waitFor((m) => m.to.includes('team@example.com'));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sink.mails.filter((m) => m.to.includes('team@example.com'))).toHaveLength(1);
    const dsn = parseDsn(dsnMail.raw);
    const failed = dsn.perRecipient.map((r) => r['final-recipient']).sort();
    expect(failed).toEqual(['rfc822;+15555550001@sms.localhost', 'rfc822;+4915100000002@sms.localhost']);
    const partFailure = dsn.perRecipient.find((r) => r['final-recipient']!.includes('4915100000002'))!;
    expect(partFailure['diagnostic-code']).toBe('smpp; stat:UNDELIV err:034');
  });

  it('NOTIFY=NEVER and the null sender get no DSN', async () => {
    await send('quiet@example.com', ['<+15555550001@sms.localhost> NOTIFY=NEVER']);
    await send('', ['<+15555550001@sms.localhost>']);
    await send('marker@example.com', ['<+15555550001@sms.localhost>']);
    await sink.waitFor((m) => m.to.includes('marker@example.com'));
    await new Promise((r) => setTimeout(r, 800));
    expect(sink.mails.filter((m) => m.to.includes('quiet@example.com'))).toHaveLength(0);
    expect(sink.mails.filter((m) => m.to.length === 0 || m.to.includes(''))).toHaveLength(0);
  });

  it.each(['alerts,ops@example.com', 'alerts:ops@example.com', 'alerts(ops)@example.com'])(
    'goes to exactly the envelope sender %s, not to the mailbox a header parser reads in it', async (sender) => {
      await send(sender, ['<+15555550001@sms.localhost>']);
      const dsn = await sink.waitFor((m) => m.raw.includes(`Subject: Undelivered SMS returned to sender: Alert ${n}\r\n`));
      // The quoted spelling is the same mailbox (RFC 5321 4.1.2); unquoted in a header, `,` would
      // make two addresses, `:` a group, `(...)` a comment.
      const local = sender.slice(0, sender.lastIndexOf('@'));
      expect(dsn.to).toEqual([`"${local}"@example.com`]);
      expect(parseDsn(dsn.raw).headers.to).toBe(`<"${local}"@example.com>`);
    },
  );

  it('the status API shows the final state, the receipt and the DSN; /metrics counts each once', async () => {
    const before = await counters();
    const id = await send('api@example.com', ['<+15555550005@sms.localhost>']);
    await sink.waitFor((m) => m.to.includes('api@example.com'));
    // The sink has the mail before the relay has read its 250 and counted it.
    let after = await counters();
    for (let i = 0; i < 40 && after.failedDsns === before.failedDsns; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await counters();
    }
    expect(after.failedOutcomes - before.failedOutcomes).toBe(1);
    expect(after.failedDsns - before.failedDsns).toBe(1);
    expect(after.matchedReceipts - before.matchedReceipts).toBe(1);
    const body = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as {
      recipients: { state: string; parts: { stat?: string; err?: string; id: string }[]; dsn: Record<string, number>; diagnostic?: string }[];
    };
    const r = body.recipients[0]!;
    expect(r.state).toBe('failed');
    expect(r.parts[0]).toMatchObject({ stat: 'UNDELIV', err: '001' });
    expect(r.parts[0]!.id).not.toBe('');
    expect(r.dsn.failed).toBeGreaterThan(0);
  });
});
