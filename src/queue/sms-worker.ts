import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { blockingRedis } from '../redis-connections.js';
import { QueueError, Smtp2SmsError } from '../errors.js';
import { retryDelay, type BackoffRule } from './backoff.js';
import { OUTCOME_NOT_RECORDED, type SmsJob, type SmsJobData } from './job.js';

export { OUTCOME_NOT_RECORDED } from './job.js';

/** When a job cut short by a stop may be taken again (by the next start, or another relay). */
const INTERRUPTED_RETRY_MS = 1_000;
import { SMS_QUEUE_NAME } from './sms-queue.js';

export interface SmsWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  backoff: BackoffRule;
  /** Must exceed the slowest carrier's response timeout, or a slow submit looks stalled. */
  lockDurationMs: number;
}

export interface SmsWorkerHooks {
  process(job: SmsJob): Promise<void>;
  /** The job will not be tried again: permanent failure, expiry, or attempts exhausted. */
  onFinalFailure(job: SmsJob, error: Error): Promise<void> | void;
  onWorkerError?(error: Error): void;
}

/**
 * The consumer side. Permanent failures (as classified, `permanent: true`) become BullMQ's
 * UnrecoverableError with the original code kept; everything else is retried with backoff
 * honouring the carrier's retryAfterMs, but never past the job's validity.
 */
export class SmsWorker {
  private readonly connection: Redis;
  private readonly worker: Worker<SmsJobData>;
  /** Set when a stop cuts running jobs short: their failure is the stop's, not the message's. */
  private interrupted = false;

  constructor(options: SmsWorkerOptions, hooks: SmsWorkerHooks) {
    // Workers block on Redis: BullMQ needs maxRetriesPerRequest null here.
    this.connection = blockingRedis(options.redisUrl);
    this.worker = new Worker<SmsJobData>(
      SMS_QUEUE_NAME,
      async (job, token) => {
        const smsJob = toSmsJob(job);
        try {
          await hooks.process(smsJob);
        } catch (error) {
          const err = error instanceof Error ? error : new Error(String(error));
          if (this.interrupted && !isFinal(err)) {
            // Not an attempt that failed (a last one would bounce a message the restart would
            // send): back to waiting, with what the carriers took saved by dispatch. (A permanent
            // refusal or an expiry in these seconds is still final, and recorded now.)
            // (Should that fail too, the job keeps its lock until it lapses, and is taken again then.)
            await job.moveToDelayed(Date.now() + INTERRUPTED_RETRY_MS, token).catch((moveError: Error) =>
              hooks.onWorkerError?.(new Error(`job ${smsJob.id} cut short by the stop stays active until its lock lapses: ${moveError.message}`)));
            throw new DelayedError();
          }
          // The last allowed attempt is final too, or its message would fail without a DSN. Counted
          // as BullMQ counts for its retry (attemptsMade): runs a stall or a stop cut short do not count.
          const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          // A carrier took it (or it failed for good) and only the record is missing: calling it
          // failed on the last attempt would bounce an SMS that is on its way.
          if (lastAttempt && err instanceof QueueError && err.code === OUTCOME_NOT_RECORDED) {
            hooks.onWorkerError?.(new Error(`job ${smsJob.id}: ${err.message}; no attempts left to record it`));
            throw new UnrecoverableError(`${err.code}: ${err.message}`);
          }
          if (isFinal(err) || lastAttempt) {
            try {
              await hooks.onFinalFailure(smsJob, err);
            } catch (recordError) {
              // Not recorded (Redis): while attempts are left, the retry meets the same end and
              // records it then; on the last one there is nothing left to retry, so say so.
              const unrecorded = `job ${smsJob.id} failed for good (${codeOf(err)}) but its outcome could not be recorded`;
              const reason = (recordError as Error).message;
              hooks.onWorkerError?.(new Error(`${unrecorded}${lastAttempt ? ', so no DSN follows' : '; retrying'}: ${reason}`));
              if (!lastAttempt) throw new QueueError(OUTCOME_NOT_RECORDED, `${unrecorded}: ${reason}`, { cause: recordError });
            }
            throw new UnrecoverableError(`${codeOf(err)}: ${err.message}`);
          }
          throw err;
        }
      },
      {
        connection: this.connection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        lockDuration: options.lockDurationMs,
        // A job that stalls (its worker died) goes back to the queue; the validity period, not a
        // stall count, decides when to give up on it. (BullMQ failing a job for stalling would
        // bypass the processor, and so the final state and the DSN.)
        maxStalledCount: 1_000,
        autorun: false,
        settings: {
          backoffStrategy: (attemptsMade, _type, err, job) =>
            nextDelay(options.backoff, { attempt: attemptsMade, data: job?.data as SmsJobData }, err),
        },
      },
    );
    this.worker.on('error', (err) => hooks.onWorkerError?.(err));
  }

  start(): void {
    void this.worker.run().catch(() => undefined);
  }

  /**
   * Stops taking jobs; running ones get `graceMs` to finish. `interrupt` then cuts short those
   * still running (the carriers stop, so their queued parts fail as temporary and each job ends its
   * attempt, saving what a carrier took) while this connection is still open to record it.
   */
  async close(interrupt?: () => Promise<void>): Promise<void> {
    const cutShort = interrupt && (async () => {
      this.interrupted = true;
      await interrupt();
    });
    await closeWorker(this.worker, this.connection, { ...(cutShort ? { interrupt: cutShort } : {}) });
    this.connection.disconnect();
  }
}

/**
 * Closes a BullMQ worker in bounded time. Worker.close() waits for its blocking connection, which
 * never answers while Redis is down (then: forced at once, since no job can be completed without
 * Redis anyway), and for every running job, which a throttling SMSC can keep going for minutes.
 * So running jobs get `graceMs`, then `interrupt` (if any) and `settleMs` more; jobs still running
 * after that are abandoned when the caller drops the connection: their locks lapse and another
 * worker takes them again. (A second close(true) cannot cut the first short: BullMQ hands it the
 * first one's promise.)
 */
export async function closeWorker(
  worker: Worker,
  connection: Redis,
  options: { graceMs?: number; interrupt?: () => Promise<void>; settleMs?: number } = {},
): Promise<void> {
  if (connection.status !== 'ready') {
    await worker.close(true).catch(() => undefined);
    return;
  }
  const closed = worker.close().then(() => true, () => true);
  if (await within(closed, options.graceMs ?? 10_000)) return;
  if (!options.interrupt) return;
  await options.interrupt().catch(() => undefined);
  await within(closed, options.settleMs ?? 5_000);
}

/** True when `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}

function toSmsJob(job: Job<SmsJobData>): SmsJob {
  return {
    id: job.id ?? '',
    data: job.data,
    attempt: job.attemptsStarted || job.attemptsMade + 1,
    saveProgress: async (progress) => {
      job.data = { ...job.data, progress };
      await job.updateData(job.data);
    },
  };
}

function isFinal(err: Error): boolean {
  return err instanceof Smtp2SmsError && err.permanent;
}

function codeOf(err: Error): string {
  return err instanceof Smtp2SmsError ? err.code : 'ERROR';
}

export function nextDelay(rule: BackoffRule, job: { attempt: number; data?: SmsJobData }, err?: Error, random?: () => number): number {
  const retryAfter = (err as { details?: { retryAfterMs?: number } } | undefined)?.details?.retryAfterMs ?? 0;
  const delay = retryDelay(job.attempt, rule, retryAfter, random);
  // Capping this one by the expiry would retry an expired message at once, again and again, and
  // use up its attempts within the Redis hiccup that stopped the record, leaving no DSN.
  if (err instanceof QueueError && err.code === OUTCOME_NOT_RECORDED) return delay;
  // The last try happens at expiry, where the processor turns it into a final "expired".
  const untilExpiry = job.data ? Math.max(0, job.data.expiresAt - Date.now()) : delay;
  return Math.min(delay, untilExpiry);
}
