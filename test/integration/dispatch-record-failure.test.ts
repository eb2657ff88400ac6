/**
 * A carrier refuses a message while the recipient's record cannot be written (the status Redis
 * is failing). The record of that try is bookkeeping: it must not stop the next carrier from
 * being tried, nor turn the carrier's answer into a Redis error. Real dispatcher, two real SMSC
 * simulators, real Redis for the queue side; the status store's Redis is one that cannot connect.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusStore } from '../../src/delivery/status-store.js';
import { CarrierError, QueueError } from '../../src/errors.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createDispatcher } from '../../src/pipeline/dispatch.js';
import { OUTCOME_NOT_RECORDED, type SmsJob } from '../../src/queue/job.js';
import { CircuitBreakers } from '../../src/routing/breaker.js';
import { createRouter } from '../../src/routing/router.js';
import { SharedRateLimiter } from '../../src/routing/shared-rate-limit.js';
import { SmscSimulator } from '../../src/smsc/index.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, startTestRelay, testSmppCarrier, type TestRelay } from '../helpers/relay.js';

const REFUSED_HERE = '+4915100000301'; // the primary answers ESME_RSYSERR: temporary, try elsewhere
const BAD_NUMBER = '+4915100000302'; // both answer ESME_RINVDSTADR: permanent, about the number

let relay: TestRelay;
let backup: SmscSimulator;
let redis: Redis;
let deadRedis: Redis;
let dispatch: (job: SmsJob) => Promise<void>;

beforeAll(async () => {
  const refusals = [
    { match: BAD_NUMBER, action: 'reject' as const, commandStatus: 0x0b },
  ];
  backup = new SmscSimulator({ port: 0, deliveryReceipts: { enabled: false, delayMs: 0 }, rules: refusals });
  const backupPort = await backup.start();
  relay = await startTestRelay(
    'dispatch-record-failure',
    (primaryPort) => ({ carriers: { primary: testSmppCarrier(primaryPort), backup: testSmppCarrier(backupPort) } }),
    { rules: [{ match: REFUSED_HERE, action: 'reject', commandStatus: 0x08 }, ...refusals] },
  );
  const prefix = relay.config.redis.prefix;
  redis = new Redis(REDIS_URL);
  // Nothing listens there, and commands fail at once instead of waiting for a connection.
  deadRedis = new Redis({ port: await freePort(), host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  deadRedis.on('error', () => undefined);
  dispatch = createDispatcher(
    {
      route: createRouter([{ match: '*', carriers: ['primary', 'backup'] }]), carriers: relay.app.carriers,
      status: new StatusStore(deadRedis, prefix), metrics: createMetrics(), log: silentLogger(),
      breakers: new CircuitBreakers({ failures: 5, cooldownMs: 30_000 }), rateLimiter: new SharedRateLimiter(redis, prefix),
      sharedRate: () => 0, firstPartOnly: () => false, expectsReceipts: () => true,
    },
    { from: 'ALERTS', maxSegments: 3, transliterate: true, logContent: false, receiptGraceMs: 60_000 },
  );
});

afterAll(async () => {
  await relay?.stop();
  await backup?.stop();
  redis?.disconnect();
  deadRedis?.disconnect();
});

function job(txId: string, number: string): SmsJob {
  const now = Date.now();
  return {
    id: `${txId}-${number.slice(1)}`, attempt: 1, saveProgress: async () => undefined,
    data: { txId, messageId: `${txId}@example.com`, sender: 'ops@example.com', recipient: `${number}@sms.localhost`, number, text: `alert ${txId}`, receivedAt: now, expiresAt: now + 3_600_000 },
  };
}

describe('a failed try that cannot be recorded', () => {
  it('still moves on to the next carrier, which sends the SMS', async () => {
    const error = await dispatch(job('norecord1', REFUSED_HERE)).then(() => undefined, (e: unknown) => e);
    const [sms] = await backup.waitForMessages(1, 5_000);
    expect(sms!.destination).toBe(REFUSED_HERE.slice(1));
    expect(sms!.text).toBe('alert norecord1');
    // The backup's acceptance could not be recorded either: the retry records it, sending nothing.
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).code).toBe(OUTCOME_NOT_RECORDED);
  });

  it("ends with the carrier's permanent answer, not the Redis error", async () => {
    const error = await dispatch(job('norecord2', BAD_NUMBER)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierError);
    expect((error as CarrierError).permanent).toBe(true);
    expect((error as CarrierError).code).toBe('ESME_RINVDSTADR');
  });
});
