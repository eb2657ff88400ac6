/**
 * A job that runs again after a carrier already took it (its completion was lost: Redis failed
 * after the record, or a shutdown abandoned it mid-submit) must not send a second SMS; a job that
 * runs again after a failed attempt must still be sent. Real dispatcher, real SMPP carrier and
 * simulator of a test relay, real Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusStore } from '../../src/delivery/status-store.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createDispatcher } from '../../src/pipeline/dispatch.js';
import type { SmsJob } from '../../src/queue/job.js';
import { CircuitBreakers } from '../../src/routing/breaker.js';
import { createRouter } from '../../src/routing/router.js';
import { SharedRateLimiter } from '../../src/routing/shared-rate-limit.js';
import { REDIS_URL, startTestRelay, type TestRelay } from '../helpers/relay.js';

let relay: TestRelay;
let redis: Redis;
let status: StatusStore;
let dispatch: (job: SmsJob) => Promise<void>;

beforeAll(async () => {
  relay = await startTestRelay('dispatch-retry');
  redis = new Redis(REDIS_URL);
  const prefix = relay.config.redis.prefix;
  status = new StatusStore(redis, prefix);
  dispatch = createDispatcher(
    {
      route: createRouter(relay.config.routes), carriers: relay.app.carriers, status, metrics: createMetrics(), log: silentLogger(),
      breakers: new CircuitBreakers({ failures: 5, cooldownMs: 30_000 }), rateLimiter: new SharedRateLimiter(redis, prefix),
      sharedRate: () => 0, firstPartOnly: () => false, expectsReceipts: () => true,
    },
    { from: 'ALERTS', maxSegments: 3, transliterate: true, logContent: false, receiptGraceMs: 60_000 },
  );
});

afterAll(async () => {
  await relay?.stop();
  redis?.disconnect();
});

async function job(txId: string, number: string, attempt: number): Promise<SmsJob> {
  const jobId = `${txId}-${number.slice(1)}`;
  const now = Date.now();
  await status.recordAccepted({ txId, messageId: `${txId}@example.com`, sender: 'ops@example.com', receivedAt: now, recipients: [jobId] },
    [{ jobId, txId, recipient: `${number}@sms.localhost`, number }]);
  return {
    id: jobId, attempt, saveProgress: async () => undefined,
    data: { txId, messageId: `${txId}@example.com`, sender: 'ops@example.com', recipient: `${number}@sms.localhost`, number, text: `alert ${txId}`, receivedAt: now, expiresAt: now + 3_600_000 },
  };
}

const sentTo = (number: string) => relay.smsc.messages.filter((m) => `+${m.destination}` === number);

describe('a job run again', () => {
  it('is not sent a second time when its submission was recorded', async () => {
    const first = await job('again1', '+4915100000101', 1);
    await dispatch(first);
    await relay.smsc.waitForMessages(1, 5_000);
    await dispatch({ ...first, attempt: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentTo('+4915100000101')).toHaveLength(1);
    expect((await status.getRecipient(first.id))!.state).toBe('submitted');
  });

  it('is not sent again for a storm summary, whose record has no recipient fields', async () => {
    const summary = await job('storm-burst-x', '+4915100000103', 1);
    const id = 'storm-burst-4915100000103-1-1';
    await dispatch({ ...summary, id });
    await relay.smsc.waitForMessages(2, 5_000);
    await dispatch({ ...summary, id, attempt: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentTo('+4915100000103')).toHaveLength(1);
  });

  it('is sent when no earlier attempt got through', async () => {
    await dispatch(await job('again2', '+4915100000102', 3));
    for (let i = 0; i < 100 && sentTo('+4915100000102').length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sentTo('+4915100000102').map((m) => m.text)).toEqual(['alert again2']);
  });
});
