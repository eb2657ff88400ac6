/**
 * A burst summary's outcome is the outcome of every held mail it carried. Held mails used to be
 * final as "summarised" the moment their summary was queued: when the summary SMS then failed,
 * their senders, who got a 250, were never told. Real SMTP in, the simulator's receipts, a sink
 * standing in for the smarthost that receives the bounces.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_SMSC_RULES } from '../../src/smsc/index.js';
import { startBouncingRelay } from '../helpers/bouncing-relay.js';
import type { TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { parseDsn, type SmtpSink } from '../helpers/smtp-sink.js';

let relay: TestRelay;
let sink: SmtpSink;
let stop: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ relay, sink, stop } = await startBouncingRelay(
    'storm-summary-outcome',
    { storm: { enabled: true, dedupWindow: '5m', burstWindow: '3s', burstLimit: 1, hourlyCap: 0 } },
    // +15555550005: every SMS to it gets an UNDELIV receipt; other numbers DELIVRD.
    { deliveryReceipts: { enabled: true, delayMs: 20 }, rules: [...DEFAULT_SMSC_RULES] },
    100,
  ));
});
afterAll(async () => stop());

let n = 0;
async function send(sender: string, number: string, body: string, notify = ''): Promise<string> {
  n += 1;
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO t');
  expect((await session.command(`MAIL FROM:<${sender}>`)).code).toBe(250);
  expect((await session.command(`RCPT TO:<${number}@sms.localhost>${notify}`)).code).toBe(250);
  const reply = await session.data(mail({ From: sender, Subject: `burst ${n}`, 'Message-ID': `<summary-outcome-${n}-${Date.now()}@x>` }, body));
  await session.quit();
  expect(reply.code).toBe(250);
  return reply.text.split(' ').pop()!;
}

async function recipient(id: string): Promise<{ state: string; storm?: string; finalState?: string; reason?: string }> {
  const body = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: { state: string }[] };
  return body.recipients[0]!;
}

it('bounces each held mail to its own sender when the summary that carried it is undeliverable', async () => {
  await send('first@example.com', '+15555550005', 'PROBLEM db-1 down');
  const held = [await send('second@example.com', '+15555550005', 'PROBLEM db-2 down'), await send('third@example.com', '+15555550005', 'PROBLEM db-3 down')];
  expect((await recipient(held[0]!)).state).toBe('held');
  for (const sender of ['second@example.com', 'third@example.com']) {
    const dsn = parseDsn((await sink.waitFor((m) => m.to.includes(sender))).raw);
    expect(dsn.perRecipient).toHaveLength(1);
    expect(dsn.perRecipient[0]).toMatchObject({ action: 'failed', 'final-recipient': 'rfc822;+15555550005@sms.localhost' });
    expect(dsn.perRecipient[0]!.status).toMatch(/^5\./);
  }
  for (const id of held) expect(await recipient(id)).toMatchObject({ state: 'failed', finalState: 'failed', reason: expect.stringMatching(/^not delivered in storm summary storm-burst-/) });
  // The mail that went out on its own failed on its own, and bounced too; nobody got two.
  await sink.waitFor((m) => m.to.includes('first@example.com'));
  for (const sender of ['first@example.com', 'second@example.com', 'third@example.com']) expect(sink.mails.filter((m) => m.to.includes(sender))).toHaveLength(1);
});

it('makes held mails delivered when their summary is, with a success DSN where NOTIFY=SUCCESS asked', async () => {
  await send('ops@example.com', '+4915100000041', 'PROBLEM web-1 down');
  const quiet = await send('ops@example.com', '+4915100000041', 'PROBLEM web-2 down');
  const asking = await send('success@example.com', '+4915100000041', 'PROBLEM web-3 down', ' NOTIFY=SUCCESS,FAILURE');
  const dsn = parseDsn((await sink.waitFor((m) => m.to.includes('success@example.com'))).raw);
  expect(dsn.perRecipient[0]).toMatchObject({ action: 'delivered', status: '2.0.0' });
  expect(await recipient(quiet)).toMatchObject({ state: 'delivered', finalState: 'delivered' });
  expect(await recipient(asking)).toMatchObject({ state: 'delivered', storm: expect.stringMatching(/^sent in summary storm-burst-/) });
});
