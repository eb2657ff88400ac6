import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { StatusStore } from '../../src/delivery/status-store.js';
import { DeliveryTracker, type FinalEvent } from '../../src/delivery/tracker.js';
import { DeadlinePoller } from '../../src/pipeline/deadlines.js';
import { dsnKindFor } from '../../src/bounce/notify-policy.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { REDIS_URL, uniquePrefix } from '../helpers/relay.js';

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('held-receipts');
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

function tracker(finals: FinalEvent[], holdMs = 10_000, metrics?: Metrics) {
  return new DeliveryTracker(new StatusStore(redis, prefix), async (e) => void finals.push(e), silentLogger(), {
    receiptIdFormat: () => 'auto', diagnosticType: () => 'smpp', holdUnmatchedMs: holdMs, retryEveryMs: 50, receiptErrors: {},
    ...(metrics ? { metrics } : {}),
  });
}

async function counted(metrics: Metrics, name: string): Promise<string[]> {
  const text = await metrics.registry.getSingleMetricAsString(name);
  return text.split('\n').filter((line) => !line.startsWith('#') && line !== '');
}

describe('receipts that arrive before their submission is recorded', () => {
  it('are kept in Redis, so a relay that restarts in between still matches them', async () => {
    const store = new StatusStore(redis, prefix);
    const first = tracker([]);
    // The receipt comes first; this relay stops before it could match it (no retry loop running).
    await first.handleReceipt({ carrier: 'c1', carrierMessageId: 'ABC123', stat: 'DELIVRD', err: '000', raw: '', receivedAt: Date.now() });
    first.stop();
    await store.recordAccepted({ txId: 'tx1', messageId: 'm1', sender: 's@example.com', receivedAt: Date.now(), recipients: ['tx1-1'] }, [{ jobId: 'tx1-1', txId: 'tx1', recipient: '+1@x', number: '+15555550100' }]);
    await store.recordSubmitted('tx1-1', { route: '*', carrier: 'c1', partIds: ['abc123'], attempts: 1, expectedParts: 1 });
    // A new relay process picks the held receipt up.
    const finals: FinalEvent[] = [];
    const metrics = createMetrics();
    const second = tracker(finals, 10_000, metrics);
    second.start();
    for (let i = 0; i < 60 && finals.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    second.stop();
    expect(finals).toEqual([expect.objectContaining({ jobId: 'tx1-1', outcome: 'delivered' })]);
    expect((await store.getRecipient('tx1-1'))!.parts[0]).toMatchObject({ stat: 'DELIVRD', state: 'delivered' });
    expect(await redis.zcard(`${prefix}:receipts:held`)).toBe(0);
    expect(await counted(metrics, 'smtp2sms_receipts_total')).toEqual(['smtp2sms_receipts_total{carrier="c1",result="matched"} 1']);
    expect(await counted(metrics, 'smtp2sms_sms_outcomes_total')).toEqual(['smtp2sms_sms_outcomes_total{outcome="delivered"} 1']);
  });

  it('are dropped with an error log once the hold is over', async () => {
    const finals: FinalEvent[] = [];
    const metrics = createMetrics();
    const t = tracker(finals, 100, metrics);
    t.start();
    await t.handleReceipt({ carrier: 'c1', carrierMessageId: 'nomatch', stat: 'DELIVRD', raw: '', receivedAt: Date.now() });
    expect(await redis.zcard(`${prefix}:receipts:held`)).toBe(1);
    for (let i = 0; i < 40 && (await redis.zcard(`${prefix}:receipts:held`)) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    t.stop();
    expect(await redis.zcard(`${prefix}:receipts:held`)).toBe(0);
    expect(finals).toHaveLength(0);
    expect(await counted(metrics, 'smtp2sms_receipts_total')).toEqual([
      'smtp2sms_receipts_total{carrier="c1",result="held"} 1',
      'smtp2sms_receipts_total{carrier="c1",result="unmatched"} 1',
    ]);
  });
});

describe('a final outcome whose DSN could not be scheduled', () => {
  it('is followed up from Redis by another process, so neither a Redis error nor a restart loses the bounce', async () => {
    const store = new StatusStore(redis, prefix);
    await store.recordAccepted({ txId: 'tx2', messageId: 'm2', sender: 's@example.com', receivedAt: Date.now(), recipients: ['tx2-1'] }, [{ jobId: 'tx2-1', txId: 'tx2', recipient: '+2@x', number: '+15555550101', notify: ['FAILURE'] }]);
    const options = { receiptIdFormat: () => 'auto' as const, diagnosticType: () => 'smpp', holdUnmatchedMs: 10_000, retryEveryMs: 50, receiptErrors: {}, followUpMs: 300 };
    // This process makes the outcome final, then cannot schedule the DSN, and stops.
    const failing = new DeliveryTracker(store, async () => { throw new Error('Redis went away'); }, silentLogger(), options);
    await failing.finalizeFailure('tx2-1', 'failed', { code: 'ESME_RINVDSTADR', dsnStatus: '5.1.1', reason: 'bad number', diagnostic: 'smpp; 0x0000000B' });
    failing.stop();
    expect(await redis.zcard(`${prefix}:finals`)).toBe(1);
    // Another process finds the follow-up overdue and schedules the DSN from the record.
    const finals: FinalEvent[] = [];
    const second = new DeliveryTracker(store, async (e) => void finals.push(e), silentLogger(), options);
    second.start();
    for (let i = 0; i < 60 && finals.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    second.stop();
    expect(finals).toEqual([{ jobId: 'tx2-1', txId: 'tx2', outcome: 'failed', code: 'ESME_RINVDSTADR', dsnStatus: '5.1.1', reason: 'bad number', diagnostic: 'smpp; 0x0000000B', notify: ['FAILURE'] }]);
    expect(await redis.zcard(`${prefix}:finals`)).toBe(0);
  });
});

describe('receipts out of order', () => {
  it('a late progress report does not undo a delivered part: the message still ends delivered', async () => {
    const store = new StatusStore(redis, prefix);
    await store.recordAccepted({ txId: 'tx3', messageId: 'm3', sender: 's@example.com', receivedAt: Date.now(), recipients: ['tx3-1'] }, [{ jobId: 'tx3-1', txId: 'tx3', recipient: '+3@x', number: '+15555550103' }]);
    await store.recordSubmitted('tx3-1', { route: '*', carrier: 'c1', partIds: ['aa01', 'aa02'], attempts: 1, expectedParts: 2 });
    const finals: FinalEvent[] = [];
    const t = tracker(finals);
    const receipt = (id: string, stat: string) => t.handleReceipt({ carrier: 'c1', carrierMessageId: id, stat, raw: '', receivedAt: Date.now() });
    await receipt('aa01', 'DELIVRD');
    await receipt('aa01', 'ENROUTE'); // sent earlier by the provider, or replayed
    await receipt('aa02', 'DELIVRD');
    expect(finals).toEqual([expect.objectContaining({ jobId: 'tx3-1', outcome: 'delivered' })]);
    expect((await store.getRecipient('tx3-1'))!.parts.map((p) => [p.state, p.stat])).toEqual([['delivered', 'DELIVRD'], ['delivered', 'DELIVRD']]);
  });
});

describe('the validity deadline of a message whose receipt was recorded', () => {
  it('completes it as delivered, not expired, when its finalize never ran', async () => {
    const store = new StatusStore(redis, prefix);
    await store.recordAccepted({ txId: 'tx4', messageId: 'm4', sender: 's@example.com', receivedAt: Date.now(), recipients: ['tx4-1'] }, [{ jobId: 'tx4-1', txId: 'tx4', recipient: '+4@x', number: '+15555550104', notify: ['FAILURE'] }]);
    await store.recordSubmitted('tx4-1', { route: '*', carrier: 'c1', partIds: ['bb01'], attempts: 1, expectedParts: 1, deadline: Date.now() - 1 });
    // The DELIVRD receipt was stored, then the process died (or Redis failed) before finalize.
    await store.recordPartReceipt('tx4-1', [0], { state: 'delivered', stat: 'DELIVRD', at: Date.now() });
    const finals: FinalEvent[] = [];
    const poller = new DeadlinePoller(store, tracker(finals), silentLogger(), 50);
    poller.start();
    for (let i = 0; i < 60 && finals.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    poller.stop();
    expect(finals).toEqual([expect.objectContaining({ jobId: 'tx4-1', outcome: 'delivered', dsnStatus: '2.0.0' })]);
    expect((await store.getRecipient('tx4-1'))!.finalState).toBe('delivered');
  });
});

describe('a final outcome no DSN can follow', () => {
  it('leaves no follow-up entry to clear (a delivery without NOTIFY=SUCCESS), while a failure does', async () => {
    const store = new StatusStore(redis, prefix);
    await store.recordAccepted({ txId: 'tx5', messageId: 'm5', sender: 's@example.com', receivedAt: Date.now(), recipients: ['tx5-1', 'tx5-2'] },
      ['tx5-1', 'tx5-2'].map((jobId) => ({ jobId, txId: 'tx5', recipient: '+5@x', number: '+15555550105' })));
    const t = new DeliveryTracker(store, async () => { throw new Error('scheduling fails, so an entry would stay'); }, silentLogger(), {
      receiptIdFormat: () => 'auto', diagnosticType: () => 'smpp', holdUnmatchedMs: 10_000, retryEveryMs: 50, receiptErrors: {},
      mayNotify: (outcome, notify) => dsnKindFor(outcome, 'someone', notify) !== undefined,
    });
    await store.recordSubmitted('tx5-1', { route: '*', carrier: 'c1', partIds: ['cc01'], attempts: 1, expectedParts: 1 });
    await t.handleReceipt({ carrier: 'c1', carrierMessageId: 'cc01', stat: 'DELIVRD', raw: '', receivedAt: Date.now() });
    await t.finalizeFailure('tx5-2', 'failed', { code: 'ESME_RINVDSTADR', dsnStatus: '5.1.1', reason: 'bad number' });
    expect((await store.getRecipient('tx5-1'))!.finalState).toBe('delivered');
    expect(await redis.zscore(`${prefix}:finals`, 'tx5-1')).toBeNull();
    expect(await redis.zscore(`${prefix}:finals`, 'tx5-2')).not.toBeNull();
  });
});
