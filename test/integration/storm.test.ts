/**
 * Storm control against a real Redis (127.0.0.1:6379 or REDIS_URL), under a key prefix unique
 * to this file; its keys are deleted afterwards (never FLUSHALL). The clock is injected, so
 * burst windows and hour ends are reached without waiting; only dedup expiry uses Redis' own
 * clock and a short real wait.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StormControl, type StormConfig, type StormSummary } from '../../src/storm/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `storm-test-${randomUUID()}`;
let redis: Redis;

const base: StormConfig = {
  enabled: true,
  dedupWindow: 300_000,
  burstWindow: 60_000,
  burstLimit: 0,
  hourlyCap: 0,
  summaryTemplate: '+{count} more alerts: {texts}',
  capTemplate: '{count} more SMS suppressed (limit {limit}/h)',
};

let clock = Date.UTC(2026, 10, 23, 10, 0, 0);
let n = 0;
/** A fresh number per test, so tests never see each other's state. */
const number = (): string => `+1555000${String(++n).padStart(4, '0')}`;
const storm = (config: Partial<StormConfig> = {}): StormControl =>
  new StormControl(redis, { ...base, ...config }, { prefix, now: () => clock });

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
});

beforeEach(() => {
  clock += 10 * 3_600_000; // a new hour for every test
});

describe('storm control: dedup', () => {
  it('sends the first copy and suppresses an identical one to the same number', async () => {
    const s = storm();
    const to = number();
    expect(await s.decide(to, 'PROBLEM web-01 DOWN')).toEqual({ action: 'send', reason: 'new' });
    expect(await s.decide(to, 'PROBLEM web-01 DOWN')).toEqual({ action: 'suppress', reason: 'duplicate' });
    expect(await s.decide(number(), 'PROBLEM web-01 DOWN')).toMatchObject({ action: 'send' });
    expect(await s.decide(to, 'PROBLEM web-02 DOWN')).toMatchObject({ action: 'send' });
  });

  it('sends the same text again once the window has passed', async () => {
    const s = storm({ dedupWindow: 150 });
    const to = number();
    await s.decide(to, 'disk full');
    expect((await s.decide(to, 'disk full')).action).toBe('suppress');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await s.decide(to, 'disk full')).action).toBe('send');
  });

  it('does not treat a problem repeated after its recovery as a duplicate', async () => {
    const s = storm();
    const to = number();
    const key = { alertKey: 'zabbix|Disk full|app-01' };
    expect((await s.decide(to, 'PROBLEM app-01 Disk full', { ...key, state: 'problem' })).action).toBe('send');
    expect((await s.decide(to, 'RESOLVED app-01 Disk full', { ...key, state: 'recovery' })).action).toBe('send');
    expect(await s.decide(to, 'PROBLEM app-01 Disk full', { ...key, state: 'problem' })).toEqual({ action: 'send', reason: 'new' });
  });

  it('forgets a send that could not be enqueued, so the client\'s retry goes out', async () => {
    const s = storm();
    const to = number();
    const first = await s.decide(to, 'retry me');
    await s.undo(to, 'retry me', first);
    expect(await s.decide(to, 'retry me')).toEqual({ action: 'send', reason: 'new' });
    expect((await s.status(to)).sentThisHour).toBe(1);
  });

  it('sends the sender\'s retry of the same message even when the undo was lost with Redis, and counts it once', async () => {
    const s = storm();
    const to = number();
    const job = { jobId: 'tx1-4915112345678' };
    expect(await s.decide(to, 'retry me', job)).toEqual({ action: 'send', reason: 'new' });
    // enqueue failed, the undo failed too: the client retries the same Message-ID, same job id
    expect(await s.decide(to, 'retry me', job)).toEqual({ action: 'send', reason: 'resend' });
    expect((await s.status(to)).sentThisHour).toBe(1);
    // another message with the same text is still a duplicate, of the first
    expect(await s.decide(to, 'retry me', { jobId: 'tx2-4915112345678' })).toEqual({ action: 'suppress', reason: 'duplicate' });
    expect(await s.decide(to, 'retry me', job)).toEqual({ action: 'send', reason: 'resend' });
  });

  it('sends the retry of an undone send as itself, never into a burst summary (it may have been queued after all)', async () => {
    const s = storm({ burstLimit: 3 });
    const to = number();
    await s.decide(to, 'a', { jobId: 'a-1' });
    await s.decide(to, 'b', { jobId: 'b-1' });
    const first = await s.decide(to, 'x', { jobId: 'x-1' });
    expect(first).toEqual({ action: 'send', reason: 'new' });
    await s.undo(to, 'x', first, 'x-1'); // the enqueue timed out: perhaps stored, perhaps not
    expect((await s.status(to)).sentThisHour).toBe(2);
    expect(await s.decide(to, 'x', { jobId: 'x-1' })).toEqual({ action: 'send', reason: 'resend' });
    expect(await s.status(to)).toMatchObject({ held: 0, sentThisHour: 3 });
  });

  it('does not suppress another message for a send that was undone', async () => {
    const s = storm();
    const to = number();
    const first = await s.decide(to, 'same text', { jobId: 'm-1' });
    await s.undo(to, 'same text', first, 'm-1');
    await s.undo(to, 'same text', first, 'm-1'); // a second undo changes nothing
    expect((await s.status(to)).sentThisHour).toBe(0);
    expect(await s.decide(to, 'same text', { jobId: 'm-2' })).toEqual({ action: 'send', reason: 'new' });
    // and m-2's marker is not taken back by m-1's undo
    await s.undo(to, 'same text', first, 'm-1');
    expect(await s.decide(to, 'same text', { jobId: 'm-3' })).toEqual({ action: 'suppress', reason: 'duplicate' });
  });

  it('holds the retry of a held message again rather than sending it beside its summary', async () => {
    const s = storm({ burstLimit: 1 });
    const to = number();
    await s.decide(to, 'first', { jobId: 'a-1' });
    const held = await s.decide(to, 'second', { jobId: 'b-1' });
    expect(held.action).toBe('defer');
    expect((await s.decide(to, 'second', { jobId: 'b-1' })).action).not.toBe('send');
    // a recognised alert is not suppressed as a duplicate, but its retry is still held only once
    const alert = { jobId: 'c-1', alertKey: 'am|DiskFull|db-1', state: 'problem' as const };
    expect((await s.decide(to, 'disk full db-1', alert)).action).toBe('defer');
    expect(await s.decide(to, 'disk full db-1', alert)).toMatchObject({ action: 'defer', reason: 'burst' });
    expect((await s.status(to)).held).toBe(2);
    // the summary goes out once, holding the message (and nothing is left due for other tests)
    clock = held.flushAt! + 1;
    const sent: StormSummary[] = [];
    expect(await s.flushDue(async (summary) => void sent.push(summary))).toBe(1);
    expect(sent[0]?.held.filter((h) => h.jobId === 'b-1')).toHaveLength(1);
  });

  it('is a pass-through when disabled', async () => {
    const s = storm({ enabled: false });
    const to = number();
    await s.decide(to, 'x');
    expect(await s.decide(to, 'x')).toEqual({ action: 'send', reason: 'disabled' });
  });
});

/** One message sent, 'two' and 'three' held, and the clock at their summary's due time. */
async function dueBurstOfTwo(): Promise<{ s: StormControl; to: string }> {
  const s = storm({ burstLimit: 1 });
  const to = number();
  await s.decide(to, 'one');
  const held = await s.decide(to, 'two');
  await s.decide(to, 'three');
  clock = held.flushAt! + 1;
  return { s, to };
}

describe('storm control: bursts', () => {
  it('holds messages past the burst limit and flushes them as one summary when due', async () => {
    const s = storm({ burstLimit: 2 });
    const to = number();
    expect((await s.decide(to, 'alert a')).action).toBe('send');
    expect((await s.decide(to, 'alert b')).action).toBe('send');
    const c = await s.decide(to, 'alert c');
    expect(c).toMatchObject({ action: 'defer', reason: 'burst' });
    expect(c.flushAt).toBeGreaterThan(clock);
    expect((await s.decide(to, 'alert d')).flushAt).toBe(c.flushAt);
    expect(await s.status(to)).toMatchObject({ burstCount: 4, held: 2, sentThisHour: 2 });

    const sent: StormSummary[] = [];
    expect(await s.flushDue(async (summary) => void sent.push(summary))).toBe(0);
    clock = c.flushAt! + 1;
    expect(await s.flushDue(async (summary) => void sent.push(summary))).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ number: to, kind: 'burst', count: 2, text: '+2 more alerts: alert c | alert d' });
    expect(sent[0]!.held.map((h) => h.text)).toEqual(['alert c', 'alert d']);
    expect(await s.flushDue(async (summary) => void sent.push(summary))).toBe(0);
    expect((await s.status(to)).held).toBe(0);
  });

  it('keeps held messages when sending the summary fails, and retries with the same id', async () => {
    const { s, to } = await dueBurstOfTwo();
    await expect(s.flushDue(async () => Promise.reject(new Error('queue down')))).rejects.toThrow('queue down');
    expect((await s.status(to)).held).toBe(2);
    const ids: string[] = [];
    expect(await s.flushDue(async (summary) => void ids.push(summary.id))).toBe(1);
    await expect(s.flushDue(async () => undefined)).resolves.toBe(0);
    expect(ids).toHaveLength(1);
  });

  it('sends a summary whose queueing failed (though it may have landed) again as it was; later held messages get the next one', async () => {
    const { s, to } = await dueBurstOfTwo();
    const sent: StormSummary[] = [];
    // The enqueue landed but its answer timed out: the summary is in the queue, the flush failed.
    await expect(s.flushDue(async (summary) => {
      sent.push(summary);
      throw new Error('timed out');
    })).rejects.toThrow('timed out');
    await s.decide(to, 'four'); // held while that was going on
    expect(await s.flushDue(async (summary) => void sent.push(summary))).toBe(1);
    expect(sent.map((x) => [x.id, x.held.map((h) => h.text)])).toEqual([[sent[0]!.id, ['two', 'three']], [sent[0]!.id, ['two', 'three']]]);
    // 'four' is still held, and due again after the burst window.
    expect((await s.status(to)).held).toBe(1);
    clock += 60_001;
    expect(await s.flushDue(async (summary) => void sent.push(summary))).toBe(1);
    expect(sent[2]!.held.map((h) => h.text)).toEqual(['four']);
    expect(sent[2]!.id).not.toBe(sent[0]!.id);
    expect((await s.status(to)).held).toBe(0);
  });

  it('sends a burst of one held message as that message', async () => {
    const s = storm({ burstLimit: 1 });
    const to = number();
    await s.decide(to, 'first');
    const held = await s.decide(to, 'second');
    clock = held.flushAt! + 1;
    const texts: string[] = [];
    await s.flushDue(async (summary) => void texts.push(summary.text));
    expect(texts).toEqual(['second']);
  });
});

describe('storm control: hourly cap', () => {
  it('suppresses past the cap and reports the count once when the hour ends', async () => {
    const s = storm({ hourlyCap: 2 });
    const to = number();
    expect((await s.decide(to, 'm1')).action).toBe('send');
    expect((await s.decide(to, 'm2')).action).toBe('send');
    expect(await s.decide(to, 'm3')).toEqual({ action: 'suppress', reason: 'cap' });
    expect(await s.decide(to, 'm4')).toEqual({ action: 'suppress', reason: 'cap' });
    expect(await s.status(to)).toMatchObject({ sentThisHour: 2, suppressedThisHour: 2 });
    const reports: StormSummary[] = [];
    expect(await s.flushDue(async (r) => void reports.push(r))).toBe(0);
    clock = (Math.floor(clock / 3_600_000) + 1) * 3_600_000;
    expect(await s.flushDue(async (r) => void reports.push(r))).toBe(1);
    expect(reports).toEqual([
      expect.objectContaining({ kind: 'cap', number: to, count: 2, text: '2 more SMS suppressed (limit 2/h)' }),
    ]);
    expect(await s.flushDue(async (r) => void reports.push(r))).toBe(0);
  });
});

describe('storm control: recoveries', () => {
  it('never suppresses or holds a recovery whose problem was sent', async () => {
    const s = storm({ hourlyCap: 1, burstLimit: 1 });
    const to = number();
    const alertKey = 'nagios|HTTPS|shop-web-03';
    expect((await s.decide(to, 'PROBLEM shop-web-03 HTTPS CRITICAL', { alertKey, state: 'problem' })).action).toBe('send');
    expect((await s.decide(to, 'unrelated')).reason).toBe('cap');
    expect(await s.decide(to, 'RECOVERY shop-web-03 HTTPS OK', { alertKey, state: 'recovery' })).toEqual({
      action: 'send',
      reason: 'recovery',
    });
    // Its problem was not sent: this recovery is subject to the cap like anything else.
    expect((await s.decide(to, 'RECOVERY other OK', { alertKey: 'nagios|x|y', state: 'recovery' })).reason).toBe('cap');
  });

  it('lets a recovery through when its problem went out inside a burst summary', async () => {
    const s = storm({ burstLimit: 1, hourlyCap: 3 });
    const to = number();
    const alertKey = 'alertmanager|HostDown|*';
    await s.decide(to, 'first');
    const held = await s.decide(to, 'FIRING HostDown', { alertKey, state: 'problem' });
    expect(held.action).toBe('defer');
    clock = held.flushAt! + 1;
    await s.flushDue(async () => undefined);
    await s.decide(to, 'filler 1');
    await s.decide(to, 'filler 2'); // the cap of 3 (first, summary, filler 1) is reached
    expect(await s.decide(to, 'RESOLVED HostDown', { alertKey, state: 'recovery' })).toEqual({ action: 'send', reason: 'recovery' });
  });

  it('counts every decision', async () => {
    const s = storm({ burstLimit: 1 });
    const to = number();
    await s.decide(to, 'a');
    await s.decide(to, 'a');
    await s.decide(to, 'b');
    expect(s.counters()).toMatchObject({ sent: 1, duplicates: 1, deferred: 1, capped: 0 });
  });
});
