import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SMSC_RULES, type SmscOptions } from '../../src/smsc/index.js';
import { startTestRelay, type RelayOverrides, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { SmtpSink, parseDsn } from '../helpers/smtp-sink.js';
import { freePort } from '../helpers/ports.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function send(relay: TestRelay, sender: string, rcpt: string, subject: string, extra = ''): Promise<string> {
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO client.test');
  expect((await session.command(`MAIL FROM:<${sender}>${extra}`)).code).toBe(250);
  expect((await session.command(`RCPT TO:${rcpt}`)).code).toBe(250);
  const reply = await session.data(mail({ From: sender || 'x@example.com', Subject: subject, 'Message-ID': `<${subject.replace(/\W/g, '')}-${Date.now()}@example.com>` }, 'body'));
  await session.quit();
  expect(reply.code).toBe(250);
  return reply.text.split(' ').pop()!;
}


/** A smarthost (SMTP sink) and a relay that sends its DSNs there; both stop after the file. */
async function withSmarthost(name: string, overrides: RelayOverrides, smsc: SmscOptions = {}): Promise<{ relay: TestRelay; sink: SmtpSink }> {
  const sink = new SmtpSink();
  const port = await sink.start();
  cleanups.push(() => sink.stop());
  const toSink = (o: Record<string, unknown>) => ({ ...o, bounces: { ...(o.bounces as Record<string, unknown>), smtp: { host: '127.0.0.1', port } } });
  const relay = await startTestRelay(name, typeof overrides === 'function' ? (smscPort: number) => toSink(overrides(smscPort)) : toSink(overrides), smsc);
  cleanups.push(() => relay.stop());
  return { relay, sink };
}


describe('time-driven DSNs', () => {
  it('sends one delay notice for NOTIFY=DELAY, then expires the message when no final receipt comes within validity', async () => {
    const { relay, sink } = await withSmarthost(
      'bounces-expiry',
      {
        bounces: { aggregate: 100 },
        delivery: { validity: '2500ms', delayNotice: '600ms', receiptGrace: 0 },
      },
      { deliveryReceipts: { enabled: true, delayMs: 20 }, rules: [{ match: '+4915100000009', action: 'receipt', receiptStat: 'DELIVRD', delayMs: 8_000 }, ...DEFAULT_SMSC_RULES] },
    );
    const id = await send(relay, 'slow@example.com', '<+4915100000009@sms.localhost> NOTIFY=DELAY,FAILURE', 'Slow one');
    const delayed = parseDsn((await sink.waitFor((m) => m.raw.includes('Delayed SMS'))).raw);
    expect(delayed.perRecipient[0]).toMatchObject({ action: 'delayed', status: '4.0.0', 'final-recipient': 'rfc822;+4915100000009@sms.localhost' });
    expect(delayed.perRecipient[0]!['will-retry-until']).toMatch(/\+0000$/);
    const expired = parseDsn((await sink.waitFor((m) => m.raw.includes('Undelivered SMS'))).raw);
    expect(expired.perRecipient[0]).toMatchObject({ action: 'failed', status: '4.4.7' });
    expect(sink.mails.filter((m) => m.raw.includes('Delayed SMS'))).toHaveLength(1);
    const status = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: { state: string; dsn: Record<string, number> }[] };
    expect(status.recipients[0]!.state).toBe('expired');
    expect(Object.keys(status.recipients[0]!.dsn).sort()).toEqual(['delayed', 'failed']);
  });

  it('sends no delay notice for a message that failed after the notice was scheduled, only the bounce', async () => {
    // The delay check (300 ms) schedules a notice for the end of its 3 s window; the UNDELIV
    // receipt (600 ms) makes the message final well before that notice is due.
    const { relay, sink } = await withSmarthost(
      'bounces-late-final',
      {
        bounces: { aggregate: 3_000 },
        delivery: { validity: '1h', delayNotice: '300ms', receiptGrace: 0 },
      },
      { deliveryReceipts: { enabled: true, delayMs: 20 }, rules: [{ match: '+4915100000011', action: 'receipt', receiptStat: 'UNDELIV', receiptErr: '001', delayMs: 600 }, ...DEFAULT_SMSC_RULES] },
    );
    const id = await send(relay, 'late@example.com', '<+4915100000011@sms.localhost> NOTIFY=DELAY,FAILURE', 'Late failure');
    const bounce = parseDsn((await sink.waitFor((m) => m.raw.includes('Undelivered SMS'), 15_000)).raw);
    expect(bounce.perRecipient[0]).toMatchObject({ action: 'failed', 'diagnostic-code': 'smpp; stat:UNDELIV err:001' });
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.mails.filter((m) => m.raw.includes('Delayed SMS'))).toHaveLength(0);
    const status = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: { state: string; dsn: Record<string, number> }[] };
    expect(status.recipients[0]!.state).toBe('failed');
    expect(Object.keys(status.recipients[0]!.dsn)).toEqual(['failed']);
  });

  it('expires many recipients whose deadlines fall due together, each once, in the DSNs of their transaction', async () => {
    const { relay, sink } = await withSmarthost(
      'bounces-mass-expiry',
      { bounces: { aggregate: 300 }, delivery: { validity: '1500ms', receiptGrace: 0 } },
      { deliveryReceipts: { enabled: false, delayMs: 0 } },
    );
    const numbers = Array.from({ length: 45 }, (_, i) => `+49151000${String(1000 + i)}`);
    const { session } = await SmtpSession.open(relay.app.smtpPort);
    await session.command('EHLO client.test');
    const sent = await session.send('mass@example.com', numbers.map((n) => `${n}@sms.localhost`), mail({ Subject: 'Mass expiry', 'Message-ID': `<mass-${Date.now()}@example.com>` }, 'body'));
    await session.quit();
    expect(sent.data?.code).toBe(250);
    const id = sent.data!.text.split(' ').pop()!;
    const failed = async () => sink.mails.filter((m) => m.raw.includes('Mass expiry')).flatMap((m) => parseDsn(m.raw).perRecipient);
    await expect.poll(async () => (await failed()).length, { timeout: 10_000 }).toBe(45);
    const perRecipient = await failed();
    expect(new Set(perRecipient.map((r) => r['final-recipient']))).toEqual(new Set(numbers.map((n) => `rfc822;${n}@sms.localhost`)));
    expect(perRecipient.every((r) => r.action === 'failed' && r.status === '4.4.7')).toBe(true);
    const status = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: { state: string }[] };
    expect(status.recipients.map((r) => r.state)).toEqual(numbers.map(() => 'expired'));
  });

  it('correlates receipts whose id is the decimal form of a hex submit id, given only as text', async () => {
    const { relay, sink } = await withSmarthost(
      'bounces-decimal',
      { bounces: { aggregate: 100 } },
      { deliveryReceipts: { enabled: true, delayMs: 20 }, receiptIdFormat: 'decimal', receiptTlvs: false },
    );
    await send(relay, 'ids@example.com', '<+4915100000011@sms.localhost> NOTIFY=SUCCESS', 'Decimal ids');
    await send(relay, 'ids@example.com', '<+15555550005@sms.localhost>', 'Decimal fail');
    expect(parseDsn((await sink.waitFor((m) => m.raw.includes('Decimal ids'))).raw).perRecipient[0]).toMatchObject({ action: 'delivered' });
    expect(parseDsn((await sink.waitFor((m) => m.raw.includes('Decimal fail'))).raw).perRecipient[0]).toMatchObject({ action: 'failed', 'diagnostic-code': 'smpp; stat:UNDELIV err:001' });
  });

  it('keeps a bounce through a smarthost outage and sends it when the smarthost is back', async () => {
    const port = await freePort();
    const relay = await startTestRelay('bounces-outage', { bounces: { smtp: { host: '127.0.0.1', port }, aggregate: 100 } }, { deliveryReceipts: { enabled: false, delayMs: 0 } });
    cleanups.push(() => relay.stop());
    await send(relay, 'later@example.com', '<+15555550001@sms.localhost>', 'Outage bounce');
    await new Promise((r) => setTimeout(r, 1_500)); // several failed attempts against the closed port
    const sink = new SmtpSink();
    await sink.start(port);
    cleanups.push(() => sink.stop());
    const dsn = parseDsn((await sink.waitFor((m) => m.raw.includes('Outage bounce'), 15_000)).raw);
    expect(dsn.perRecipient[0]).toMatchObject({ status: '5.1.1', action: 'failed' });
  });

  it('writes bounces as .eml files into the outbox when no smarthost is configured', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'smtp2sms-outbox-'));
    cleanups.push(() => rm(outbox, { recursive: true, force: true }));
    const relay = await startTestRelay('bounces-outbox', { bounces: { outbox, aggregate: 100 } }, { deliveryReceipts: { enabled: false, delayMs: 0 } });
    cleanups.push(() => relay.stop());
    await send(relay, 'files@example.com', '<+15555550001@sms.localhost>', 'Outbox bounce');
    let files: string[] = [];
    for (let i = 0; i < 100 && files.length === 0; i++) {
      files = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
      if (files.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(files).toHaveLength(1);
    const dsn = parseDsn(await readFile(join(outbox, files[0]!), 'utf8'));
    expect(dsn.headers.to).toBe('<files@example.com>');
    expect(dsn.perRecipient[0]).toMatchObject({ 'final-recipient': 'rfc822;+15555550001@sms.localhost', status: '5.1.1' });
  });
});
