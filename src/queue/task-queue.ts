import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { blockingRedis, failFastRedis } from '../redis-connections.js';
import { Smtp2SmsError } from '../errors.js';
import { retryDelay, type BackoffRule } from './backoff.js';
import { closeWorker } from './sms-worker.js';

export interface Task<T> {
  id: string;
  name: string;
  data: T;
  attempt: number;
  saveData(data: T): Promise<void>;
}

export interface TaskQueueOptions {
  redisUrl: string;
  prefix: string;
  name: string;
  concurrency: number;
  backoff: BackoffRule;
  attempts: number;
}

/**
 * A small durable queue for follow-up work (bounce mails, delay notices):
 * delayed tasks with deterministic ids, retried with backoff; a permanent Smtp2SmsError ends a task.
 */
export class TaskQueue<T> {
  private readonly producerConnection: Redis;
  /** Opened by start(): a process that only adds tasks (an SMTP role) needs no blocking connection. */
  private workerConnection: Redis | undefined;
  private readonly queue: Queue<T>;
  private worker: Worker<T> | undefined;

  constructor(private readonly options: TaskQueueOptions) {
    this.producerConnection = failFastRedis(options.redisUrl);
    this.queue = new Queue<T>(options.name, { connection: this.producerConnection, prefix: options.prefix });
    this.queue.on('error', () => undefined);
  }

  /** Adds a task unless one with this id exists (pending, or kept after completion). */
  async add(name: string, id: string, data: T, delayMs = 0): Promise<void> {
    await this.queue.add(name as never, data as never, {
      jobId: id,
      delay: Math.max(0, Math.round(delayMs)),
      attempts: this.options.attempts,
      backoff: { type: 'task' },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  start(handler: (task: Task<T>) => Promise<void>, onError?: (task: Task<T>, error: Error, final: boolean) => void): void {
    this.workerConnection = blockingRedis(this.options.redisUrl);
    this.worker = new Worker<T>(
      this.options.name,
      async (job) => {
        const task: Task<T> = {
          id: job.id ?? '',
          name: job.name,
          data: job.data,
          attempt: job.attemptsMade + 1,
          saveData: async (data) => {
            job.data = data;
            await job.updateData(data);
          },
        };
        try {
          await handler(task);
        } catch (error) {
          const err = error instanceof Error ? error : new Error(String(error));
          const permanent = err instanceof Smtp2SmsError && err.permanent;
          onError?.(task, err, permanent || task.attempt >= this.options.attempts);
          if (permanent) throw new UnrecoverableError(`${err.code}: ${err.message}`);
          throw err;
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        // A task whose process died (twice, by BullMQ's default) would otherwise be failed for
        // stalling without reaching the handler: a DSN lost with no error and no metric.
        maxStalledCount: 1_000,
        settings: { backoffStrategy: (attemptsMade) => retryDelay(attemptsMade, this.options.backoff) },
      },
    );
    this.worker.on('error', () => undefined);
  }

  async close(): Promise<void> {
    if (this.worker && this.workerConnection) await closeWorker(this.worker, this.workerConnection);
    await this.queue.close().catch(() => undefined);
    this.producerConnection.disconnect();
    this.workerConnection?.disconnect();
  }
}
