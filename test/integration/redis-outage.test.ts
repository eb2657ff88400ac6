/**
 * Redis goes away and comes back. While it is gone the relay must answer DATA with 451 4.3.0
 * (the sending MTA keeps the mail and retries) instead of hanging or answering 250 for a mail it
 * could not store; once Redis is back, mail flows again without restarting the relay.
 *
 * Runs against a private redis-server (not the shared one) so it can be killed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedis, redisServerAvailable } from '../helpers/redis-server.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail, type SmtpReply } from '../helpers/smtp-session.js';

const TO = '+4915112345678@sms.localhost';
const available = redisServerAvailable();
let redis: PrivateRedis | undefined;
let relay: TestRelay | undefined;

beforeAll(async () => {
  if (!available) return;
  redis = await PrivateRedis.start();
  relay = await startTestRelay('redis-outage', { redis: { url: redis.url, prefix: 'outage' } });
});

afterAll(async () => {
  // The redis-server is killed whatever happens: a failed test must not leave it running.
  try {
    await relay?.stop();
  } finally {
    await redis?.stop();
  }
});

let seq = 0;
function alert(subject: string): string {
  seq += 1;
  return mail({ From: 'monitor@example.com', To: TO, Subject: subject, 'Message-ID': `<outage${seq}.${Date.now()}@example.com>` }, 'redis outage test');
}

async function sendOne(subject: string): Promise<{ reply: SmtpReply; ms: number }> {
  const { session, greeting } = await SmtpSession.open(relay!.app.smtpPort);
  expect(greeting.code).toBe(220);
  try {
    expect((await session.command('EHLO client.test')).code).toBe(250);
    expect((await session.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    expect((await session.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    const started = Date.now();
    const reply = await session.data(alert(subject));
    return { reply, ms: Date.now() - started };
  } finally {
    await session.quit();
  }
}

async function readiness(): Promise<number> {
  return (await fetch(`http://127.0.0.1:${relay!.app.httpPort}/readyz`)).status;
}

describe.skipIf(!available)('Redis outage (needs redis-server on PATH)', () => {
  it('queues and delivers while Redis is up', async () => {
    relay!.smsc.reset();
    const { reply } = await sendOne('before');
    expect(reply.code).toBe(250);
    expect(reply.text).toMatch(/^2\.0\.0 Ok: queued as /);
    const [sms] = await relay!.smsc.waitForMessages(1);
    expect(sms!.text).toBe('before: redis outage test');
    expect(await readiness()).toBe(200);
  });

  it('answers DATA with 451 4.3.0, promptly, once Redis is killed', async () => {
    await redis!.kill();
    relay!.smsc.reset();
    const { reply, ms } = await sendOne('during');
    expect(reply.code).toBe(451);
    expect(reply.text).toMatch(/^4\.3\.0 /);
    expect(ms).toBeLessThan(10_000);
    // a second client in the same outage gets the same answer: nothing is stuck
    const again = await sendOne('during again');
    expect(again.reply.code).toBe(451);
    expect(again.reply.text).toMatch(/^4\.3\.0 /);
    expect(await readiness()).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(relay!.smsc.messages).toHaveLength(0);
  });

  it('takes mail again after Redis comes back on the same port, and the SMS arrives', async () => {
    await redis!.start();
    relay!.smsc.reset();
    // As an MTA would: retry the 451 until the relay has reconnected (a few seconds at most).
    const deadline = Date.now() + 10_000;
    let reply: SmtpReply;
    for (;;) {
      reply = (await sendOne('after')).reply;
      if (reply.code === 250 || Date.now() > deadline) break;
      expect(reply.code).toBe(451);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(reply.code).toBe(250);
    expect(reply.text).toMatch(/^2\.0\.0 Ok: queued as /);
    const [sms] = await relay!.smsc.waitForMessages(1, 10_000);
    expect(sms!.text).toBe('after: redis outage test');
    expect(sms!.destination).toBe('4915112345678');
    expect(await readiness()).toBe(200);
  });

  it('shuts down within seconds when Redis is gone (SIGTERM during an outage)', async () => {
    await redis!.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const running = relay!;
    relay = undefined;
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
