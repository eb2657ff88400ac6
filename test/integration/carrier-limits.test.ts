import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/errors.js';
import { SharedRateLimiter } from '../../src/routing/shared-rate-limit.js';
import { REDIS_URL, startTestRelay, testSmppCarrier, uniquePrefix } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { SmtpSink, parseDsn } from '../helpers/smtp-sink.js';

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('carrier-limits');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('shared per-carrier rate limit', () => {
  it('lets two limiters (two relay processes) together take no more than the limit in one second', async () => {
    const a = new SharedRateLimiter(redis, prefix, 5_000);
    const b = new SharedRateLimiter(new Redis(REDIS_URL), prefix, 5_000);
    cleanups.push(async () => void (b as unknown as { redis: Redis }).redis.disconnect());
    // Start at the beginning of a second so all acquisitions below fall into at most two seconds.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const stamps: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).acquire('c1', 5, 1).then(() => stamps.push(Math.floor(Date.now() / 1000)))));
    const perSecond = new Map<number, number>();
    for (const s of stamps) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    expect([...perSecond.values()]).toEqual([5, 5]);
  });

  it('gives the job back to the queue (temporary error) when it would wait too long', async () => {
    const limiter = new SharedRateLimiter(redis, prefix, 50);
    await limiter.acquire('c2', 1, 1);
    await expect(limiter.acquire('c2', 1, 1)).rejects.toSatisfy((e: unknown) => e instanceof CarrierError && e.code === 'RATE_LIMITED' && !e.permanent);
  });
});

describe('carriers that report only the first part', () => {
  it('marks a long message delivered from the first part\'s receipt (NOTIFY=SUCCESS DSN)', async () => {
    const sink = new SmtpSink();
    const sinkPort = await sink.start();
    cleanups.push(() => sink.stop());
    const relay = await startTestRelay(
      'first-part',
      (smscPort) => ({
        bounces: { smtp: { host: '127.0.0.1', port: sinkPort }, aggregate: 100 },
        carriers: { primary: testSmppCarrier(smscPort, { receiptFirstPartOnly: true }) },
      }),
      { deliveryReceipts: { enabled: true, delayMs: 20 }, receiptParts: 'first' },
    );
    cleanups.push(() => relay.stop());
    const { session } = await SmtpSession.open(relay.app.smtpPort);
    await session.command('EHLO t');
    const long = Array.from({ length: 30 }, (_, i) => `disk${i} 97%`).join(', ');
    expect((await session.command('MAIL FROM:<first@example.com>')).code).toBe(250);
    expect((await session.command('RCPT TO:<+4915100000041@sms.localhost> NOTIFY=SUCCESS')).code).toBe(250);
    expect((await session.data(mail({ Subject: 'long', 'Message-ID': `<first-${Date.now()}@x>` }, long))).code).toBe(250);
    await session.quit();
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.parts.length).toBeGreaterThan(1);
    const dsn = parseDsn((await sink.waitFor((m) => m.to.includes('first@example.com'))).raw);
    expect(dsn.perRecipient[0]).toMatchObject({ action: 'delivered', status: '2.0.0' });
  });
});
