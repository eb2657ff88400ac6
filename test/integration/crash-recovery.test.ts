/**
 * A 250 is a promise: a mail accepted while the carrier is unreachable stays in Redis, survives a
 * restart of the relay, and is delivered by the next process that runs with the same Redis prefix.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis-server.js';
import { REDIS_URL, startTestRelay, uniquePrefix, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { Redis } from 'ioredis';
import { StatusStore } from '../../src/delivery/status-store.js';
import { SmsQueue } from '../../src/queue/sms-queue.js';

const prefix = uniquePrefix('crash-recovery');
const started: TestRelay[] = [];

afterAll(async () => {
  for (const relay of started) await relay.stop().catch(() => undefined);
});

async function relay(overrides: Record<string, unknown>): Promise<TestRelay> {
  const r = await startTestRelay('crash-recovery', { redis: { url: REDIS_URL, prefix }, ...overrides });
  started.push(r);
  return r;
}

interface ApiRecipient {
  number: string;
  state: string;
  carrier?: string;
  attempts: number;
}

async function recipients(r: TestRelay, id: string): Promise<ApiRecipient[]> {
  const response = await fetch(`http://127.0.0.1:${r.app.httpPort}/api/messages/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { recipients: ApiRecipient[] }).recipients;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('queued messages survive a restart', () => {
  it('delivers, after a restart, a mail accepted while the carrier was unreachable', async () => {
    // Nothing listens on this port: every submit attempt fails to connect.
    const deadPort = await freePort();
    const first = await relay({
      carriers: { primary: { type: 'smpp', port: deadPort, systemId: 'test', password: 'secret', responseTimeout: 500, reconnect: { initial: 100, max: 200 } } },
    });

    const { session, greeting } = await SmtpSession.open(first.app.smtpPort);
    expect(greeting.code).toBe(220);
    await session.command('EHLO client.test');
    const headers = { From: 'monitor@example.com', To: '+4915112345678@sms.localhost', Subject: 'survivor', 'Message-ID': `<crash.${Date.now()}@example.com>` };
    const result = await session.send('monitor@example.com', ['+4915112345678@sms.localhost', '+447911123456@sms.localhost'], mail(headers, 'must not be lost'));
    await session.quit();
    expect(result.data?.code).toBe(250);
    const id = result.data!.text.split(' ').pop()!;

    // The relay has tried and failed at least once, and still holds both recipients.
    const pending = await until('a failed attempt', () => recipients(first, id), (rs) => rs.length === 2 && rs.every((r) => r.attempts >= 1));
    for (const r of pending) expect(['queued', 'retrying']).toContain(r.state);
    expect(first.smsc.messages).toHaveLength(0);

    // The process goes away with the messages undelivered...
    await first.stop();
    started.splice(started.indexOf(first), 1);

    // ...and a new one with a working carrier, on the same Redis prefix, delivers them.
    const second = await relay({});
    const messages = await second.smsc.waitForMessages(2, 10_000);
    expect(messages.map((m) => m.destination).sort()).toEqual(['447911123456', '4915112345678']);
    for (const m of messages) expect(m.text).toBe('survivor: must not be lost');

    const done = await until('submitted state', () => recipients(second, id), (rs) => rs.every((r) => r.state === 'submitted' || r.state === 'delivered'));
    expect(done.map((r) => r.number).sort()).toEqual(['+447911123456', '+4915112345678']);
    for (const r of done) expect(r.carrier).toBe('primary');

    // Exactly once: nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.smsc.messages).toHaveLength(2);
  });
});

describe('a message the carrier took, whose record failed', () => {
  it('is recorded as submitted on the retry, even after its validity ended: never expired, never sent again', async () => {
    const r = await startTestRelay('crash-recovery-accepted');
    started.push(r);
    const redis = new Redis(REDIS_URL);
    const queue = new SmsQueue({ redisUrl: REDIS_URL, prefix: r.config.redis.prefix });
    try {
      // What an attempt leaves when the carrier accepted the SMS just before the validity ended,
      // the status write failed and only the job's progress was saved.
      const now = Date.now();
      const store = new StatusStore(redis, r.config.redis.prefix);
      await store.recordAccepted({ txId: 'late1', messageId: 'late1@example.com', sender: 'ops@example.com', receivedAt: now - 3_600_000, recipients: ['late1-4915112345678'] },
        [{ jobId: 'late1-4915112345678', txId: 'late1', recipient: '+4915112345678@sms.localhost', number: '+4915112345678', notify: ['FAILURE'] }]);
      await queue.enqueue([{ id: 'late1-4915112345678', data: {
        txId: 'late1', messageId: 'late1@example.com', sender: 'ops@example.com', recipient: '+4915112345678@sms.localhost', number: '+4915112345678',
        text: 'accepted in time', receivedAt: now - 3_600_000, expiresAt: now - 1, progress: { carrier: 'primary', partIds: ['4d2'], complete: true },
      } }]);
      const [done] = await until('the record', () => recipients(r, 'late1'), (rs) => rs[0]?.state !== 'queued');
      expect(done).toMatchObject({ state: 'submitted', carrier: 'primary' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(r.smsc.messages).toHaveLength(0);
      expect((await recipients(r, 'late1'))[0]!.state).toBe('submitted');
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
