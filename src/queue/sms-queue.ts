import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { failFastRedis, whenReady } from '../redis-connections.js';
import { QueueError } from '../errors.js';
import type { SmsJobData } from './job.js';
import { SENT_JOBS_KEPT_MS } from './retention.js';

export const SMS_QUEUE_NAME = 'sms';


export interface SmsQueueOptions {
  redisUrl: string;
  prefix: string;
  /** How long to wait for Redis before answering the SMTP client 451. */
  timeoutMs?: number;
  /** Tries per message before it fails for good (the validity period usually ends it first). */
  attempts?: number;
}

/**
 * The producer side. Its Redis connection fails fast (no offline queue) so that an outage turns
 * into a 451 for the sending MTA within `timeoutMs` instead of a hung SMTP session.
 */
export class SmsQueue {
  private readonly connection: Redis;
  private readonly queue: Queue<SmsJobData>;
  private readonly timeoutMs: number;
  private readonly keepCompletedSeconds: number;
  private readonly attempts: number;

  constructor(options: SmsQueueOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.keepCompletedSeconds = Math.ceil(SENT_JOBS_KEPT_MS / 1000);
    this.attempts = options.attempts ?? 50;
    // Writes coalesced per event-loop turn: the adds of every session that finished its DATA in
    // the same turn share one write (bench: relay-split ~1,700 → ~2,000-2,250 SMS/s, 50 sessions).
    this.connection = failFastRedis(options.redisUrl, this.timeoutMs, true);
    this.queue = new Queue<SmsJobData>(SMS_QUEUE_NAME, { connection: this.connection, prefix: options.prefix });
    this.queue.on('error', () => undefined);
  }

  /** Stores every job or throws QueueError; a job id that exists already is left as it is. */
  async enqueue(jobs: { id: string; data: SmsJobData }[]): Promise<void> {
    const bulk = jobs.map(({ id, data }) => ({
      name: 'sms',
      data,
      opts: {
        jobId: id,
        attempts: this.attempts,
        backoff: { type: 'smtp2sms' },
        removeOnComplete: { age: this.keepCompletedSeconds },
        removeOnFail: { age: this.keepCompletedSeconds * 7 },
      },
    }));
    // addBulk builds an ioredis pipeline per call; most alert mail has one recipient.
    const single = bulk.length === 1 ? bulk[0] : undefined;
    await this.withTimeout<unknown>(single ? this.queue.add(single.name, single.data, single.opts) : this.queue.addBulk(bulk), 'store the message');
  }

  /** Jobs by state, for the queue gauge; a QueueError when Redis does not answer in time. */
  async counts(): Promise<Record<'waiting' | 'active' | 'delayed' | 'failed', number>> {
    const counts = await this.withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), 'count the jobs');
    return { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 };
  }

  /** True once the producer connection can take commands; false if it could not within `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean> {
    return whenReady(this.connection, timeoutMs);
  }

  async ping(): Promise<void> {
    await this.withTimeout(this.connection.ping(), 'reach Redis');
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }

  private async withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueError('QUEUE_TIMEOUT', `could not ${what} within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (cause) {
      if (cause instanceof QueueError) throw cause;
      throw new QueueError('QUEUE_UNAVAILABLE', `could not ${what}: ${(cause as Error).message}`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }
}
