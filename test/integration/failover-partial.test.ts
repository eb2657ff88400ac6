/**
 * A long message that one carrier has partly accepted is finished on that carrier, not sent
 * again in full through the next one in the same attempt (the phone would get the first parts
 * twice, from two carriers). Real dispatcher, SMPP carriers and two simulators; the primary
 * throttles above 1 submit_sm/s and the carrier gives up on a throttled part at once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusStore } from '../../src/delivery/status-store.js';
import { CarrierError } from '../../src/errors.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createDispatcher } from '../../src/pipeline/dispatch.js';
import type { SmsJob, SmsJobData } from '../../src/queue/job.js';
import { CircuitBreakers } from '../../src/routing/breaker.js';
import { createRouter } from '../../src/routing/router.js';
import { SharedRateLimiter } from '../../src/routing/shared-rate-limit.js';
import { SmscSimulator } from '../../src/smsc/index.js';
import { REDIS_URL, startTestRelay, testSmppCarrier, type TestRelay } from '../helpers/relay.js';

let relay: TestRelay;
const backup = new SmscSimulator({ port: 0, deliveryReceipts: { enabled: false, delayMs: 0 } });
let redis: Redis;
let dispatch: (job: SmsJob) => Promise<void>;

beforeAll(async () => {
  const backupPort = await backup.start();
  relay = await startTestRelay(
    'failover-partial',
    (port) => ({
      carriers: { primary: testSmppCarrier(port, { maxThrottleRetries: 0 }), backup: testSmppCarrier(backupPort) },
      routes: [{ match: '*', carriers: ['primary', 'backup'] }],
    }),
    { maxThroughputPerSecond: 1, deliveryReceipts: { enabled: false, delayMs: 0 } },
  );
  redis = new Redis(REDIS_URL);
  const prefix = relay.config.redis.prefix;
  dispatch = createDispatcher(
    {
      route: createRouter(relay.config.routes), carriers: relay.app.carriers, status: new StatusStore(redis, prefix), metrics: createMetrics(), log: silentLogger(),
      breakers: new CircuitBreakers({ failures: 5, cooldownMs: 30_000 }), rateLimiter: new SharedRateLimiter(redis, prefix),
      sharedRate: () => 0, firstPartOnly: () => false, expectsReceipts: () => false,
    },
    { from: 'ALERTS', maxSegments: 3, transliterate: true, logContent: false, receiptGraceMs: 60_000 },
  );
});

afterAll(async () => {
  await relay?.stop();
  await backup.stop();
  redis?.disconnect();
});

describe('a message one carrier took in part', () => {
  it('is resumed on that carrier by the retry, and the next carrier sends none of it', async () => {
    const now = Date.now();
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '); // three parts
    const data: SmsJobData = { txId: 'part1', messageId: 'part1@x', sender: 'ops@example.com', recipient: '+4915100000301@sms.localhost', number: '+4915100000301', text, receivedAt: now, expiresAt: now + 3_600_000 };
    const job: SmsJob = { id: 'part1-4915100000301', attempt: 1, data, saveProgress: async (progress) => void (data.progress = progress) };
    // Part 1 goes through, a later one is throttled (1 submit_sm/s; on a slow machine part 2 may
    // still make it, a second after part 1, and part 3 is the one throttled).
    const first = await dispatch(job).then(() => undefined, (error: unknown) => error);
    expect(first).toBeInstanceOf(CarrierError);
    expect((first as CarrierError).permanent).toBe(false);
    expect(relay.smsc.parts.length).toBeGreaterThanOrEqual(1);
    expect(relay.smsc.parts.length).toBeLessThan(3);
    expect(backup.parts).toHaveLength(0);
    // The retry, once the SMSC takes more again, sends the rest on the same carrier.
    for (let attempt = 2; attempt <= 6 && relay.smsc.messages.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await dispatch({ ...job, attempt }).catch(() => undefined);
    }
    expect(relay.smsc.messages.map((m) => m.text)).toEqual([text]);
    expect(relay.smsc.parts).toHaveLength(3);
    expect(backup.parts).toHaveLength(0);
  }, 30_000);
});
