/**
 * A message that fails for good while its outcome cannot be recorded (the status write to Redis
 * fails for a moment) keeps its job until the outcome is recorded, so its DSN can follow: the
 * retries wait their backoff even when the message has expired, instead of using up every
 * attempt at once within the hiccup. Real BullMQ on the shared Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/errors.js';
import { SmsQueue } from '../../src/queue/sms-queue.js';
import { SmsWorker, nextDelay, OUTCOME_NOT_RECORDED } from '../../src/queue/sms-worker.js';
import { QueueError } from '../../src/errors.js';
import { REDIS_URL, uniquePrefix } from '../helpers/relay.js';

const prefix = uniquePrefix('sms-worker-outcome');
const redis = new Redis(REDIS_URL);
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  const keys = [...(await redis.keys(`${prefix}:*`)), ...(await redis.keys(`${prefix}-last:*`))];
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('the retry delay after a final failure that was not recorded', () => {
  const rule = { initialMs: 1_000, maxMs: 8_000 };
  const expired = { attempt: 2, data: { expiresAt: Date.now() - 1 } as never };
  it('is the backoff even for an expired message', () => {
    expect(nextDelay(rule, expired, new QueueError(OUTCOME_NOT_RECORDED, 'x'), () => 0)).toBe(1_000);
  });
  it('is nothing for an ordinary failure of an expired message (its next try records the expiry)', () => {
    expect(nextDelay(rule, expired, new Error('carrier down'), () => 0)).toBe(0);
  });
});

describe('a final failure whose outcome cannot be recorded for a while', () => {
  it('is recorded once Redis answers again (1.5 s later), before the attempts run out', async () => {
    const queue = new SmsQueue({ redisUrl: REDIS_URL, prefix, attempts: 8 });
    closers.push(() => queue.close());
    const hiccupUntil = Date.now() + 1_500;
    let recorded = 0;
    let tries = 0;
    const worker = new SmsWorker(
      { redisUrl: REDIS_URL, prefix, concurrency: 1, backoff: { initialMs: 300, maxMs: 600 }, lockDurationMs: 5_000 },
      {
        process: async () => {
          tries += 1;
          throw new CarrierError('ESME_RINVDSTADR', 'bad number', true);
        },
        onFinalFailure: async () => {
          if (Date.now() < hiccupUntil) throw new Error('Redis went away');
          recorded += 1;
        },
      },
    );
    closers.push(() => worker.close());
    worker.start();
    const now = Date.now();
    await queue.enqueue([{ id: 'tx1-15555550100', data: { txId: 'tx1', messageId: 'm1', sender: 's@example.com', recipient: '+15555550100@x', number: '+15555550100', text: 'disk full', receivedAt: now - 10_000, expiresAt: now - 1 } }]);
    for (let i = 0; i < 200 && recorded === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(recorded).toBe(1);
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThan(8);
  });
});

describe('an acceptance that cannot be recorded on the last attempt', () => {
  it('is not reported as a failure (the SMS is on its way): no final failure, an error instead', async () => {
    // Its own prefix: the worker of the test above still listens on the first one.
    const queue = new SmsQueue({ redisUrl: REDIS_URL, prefix: `${prefix}-last`, attempts: 1 });
    closers.push(() => queue.close());
    const finals: string[] = [];
    const errors: string[] = [];
    const worker = new SmsWorker(
      { redisUrl: REDIS_URL, prefix: `${prefix}-last`, concurrency: 1, backoff: { initialMs: 100, maxMs: 100 }, lockDurationMs: 5_000 },
      {
        process: async () => {
          throw new QueueError(OUTCOME_NOT_RECORDED, 'primary accepted job x but that could not be recorded');
        },
        onFinalFailure: async (job) => void finals.push(job.id),
        onWorkerError: (err) => void errors.push(err.message),
      },
    );
    closers.push(() => worker.close());
    worker.start();
    const now = Date.now();
    await queue.enqueue([{ id: 'tx2-15555550100', data: { txId: 'tx2', messageId: 'm2', sender: 's@example.com', recipient: '+15555550100@x', number: '+15555550100', text: 'disk full', receivedAt: now, expiresAt: now + 60_000 } }]);
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(errors.join('\n')).toContain('no attempts left to record it');
    expect(finals).toEqual([]);
  });
});
