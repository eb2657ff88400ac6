/**
 * A transaction that got 451 because its jobs could not be queued is retried by the sender,
 * usually minutes later, after storm control's markers have expired. A recipient that storm
 * control held on the failed attempt must stay held (it goes out once, in its burst summary), not
 * be queued on its own as well; one suppressed then and sent now must read as queued. Real Redis;
 * the queue's connection goes through a TCP proxy that the test cuts, so that only queueing fails.
 */
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueError } from '../../src/errors.js';
import { StatusStore } from '../../src/delivery/status-store.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createIntake } from '../../src/pipeline/intake.js';
import { SMS_QUEUE_NAME, SmsQueue } from '../../src/queue/sms-queue.js';
import type { Intake } from '../../src/smtp/intake.js';
import { StormControl } from '../../src/storm/index.js';
import { REDIS_URL, uniquePrefix } from '../helpers/relay.js';
import { mail } from '../helpers/smtp-session.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const prefix = uniquePrefix('storm-retry');
const redis = new Redis(REDIS_URL);
const target = new URL(REDIS_URL);
const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
let queue: SmsQueue;
let jobs: Queue;
let intake: Intake;
let status: StatusStore;

const WINDOW_MS = 300;

beforeAll(async () => {
  const port = await proxy.start();
  queue = new SmsQueue({ redisUrl: `redis://127.0.0.1:${port}`, prefix, timeoutMs: 1_000 });
  expect(await queue.whenReady(5_000)).toBe(true);
  jobs = new Queue(SMS_QUEUE_NAME, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
  status = new StatusStore(redis, prefix);
  const storm = new StormControl(redis, {
    enabled: true, dedupWindow: WINDOW_MS, burstWindow: WINDOW_MS, burstLimit: 1, hourlyCap: 0,
    summaryTemplate: '+{count} more alerts: {texts}', capTemplate: '{count} more',
  }, { prefix });
  intake = createIntake(
    { queue, status, redis, storm, metrics: createMetrics(), log: silentLogger(), scheduleDelayNotice: async () => undefined },
    { keyPrefix: prefix, render: { template: '{subject}: {text}' }, validityMs: 3_600_000, delayNoticeMs: 900_000, logContent: false },
  );
});

afterAll(async () => {
  await queue?.close();
  await jobs?.close();
  await proxy.stop();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const incoming = (raw: string, numbers: string[]) => ({
  sender: 'ops@example.com', raw: Buffer.from(raw), client: { address: '127.0.0.1', tls: false },
  recipients: numbers.map((number) => ({ address: `${number}@sms.localhost`, number })),
});
const queuedFor = async (number: string) => (await jobs.getJobs(['waiting', 'delayed', 'active', 'completed'])).filter((j) => j.data.number === number);

describe('a transaction retried after 451', () => {
  it('keeps a recipient held on the failed attempt held, and queues the others once', async () => {
    const held = '+4915100000201';
    const other = '+4915100000202';
    // One SMS to `held` opens its burst; the next one to it within the window is held.
    await intake(incoming(mail({ Subject: 'first', 'Message-ID': '<first@x>' }, 'one'), [held]));
    const second = mail({ Subject: 'second', 'Message-ID': '<second@x>' }, 'two');
    proxy.cut(800);
    await expect(intake(incoming(second, [held, other]))).rejects.toBeInstanceOf(QueueError);
    // The sender retries once the markers and the burst have expired and the queue is back.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await queue.whenReady(5_000)).toBe(true);
    await intake(incoming(second, [held, other]));
    expect((await queuedFor(held)).map((j) => j.data.text)).toEqual(['first: one']);
    expect((await queuedFor(other)).map((j) => j.data.text)).toEqual(['second: two']);
    expect(await redis.llen(`${prefix}:storm:held:${held}`)).toBe(1);
  });

  it('records a recipient suppressed on the failed attempt and sent on the retry as queued', async () => {
    const dup = '+4915100000203';
    const other = '+4915100000204';
    await intake(incoming(mail({ Subject: 'disk', 'Message-ID': '<d1@x>' }, 'full'), [dup]));
    const again = mail({ Subject: 'disk', 'Message-ID': '<d2@x>' }, 'full'); // the same text: a duplicate
    proxy.cut(800);
    await expect(intake(incoming(again, [dup, other]))).rejects.toBeInstanceOf(QueueError);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await queue.whenReady(5_000)).toBe(true);
    await intake(incoming(again, [dup, other]));
    const sent = await queuedFor(dup);
    expect(sent.map((j) => j.data.messageId).sort()).toEqual(['d1@x', 'd2@x']);
    const record = await status.getRecipient(sent.find((j) => j.data.messageId === 'd2@x')!.id!);
    expect(record).toMatchObject({ state: 'queued' });
    expect(record!.finalState).toBeUndefined();
  });
});
