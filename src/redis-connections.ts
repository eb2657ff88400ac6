import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { coalesceWrites as coalesceSocketWrites } from './net/coalesce-writes.js';

/**
 * The two kinds of Redis connection the relay uses. Connection errors surface per command, so the
 * connection-level 'error' events are swallowed here (an unhandled one would end the process).
 */

/**
 * For commands on the SMTP path and status writes: no offline queue and a command timeout, so an
 * outage or a hung Redis turns into an error (and a 451 for the sender) within `timeoutMs`.
 * `coalesce`: see {@link coalesceWrites}.
 */
export function failFastRedis(url: string, timeoutMs = 5_000, coalesce = false): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', () => undefined);
  if (coalesce) coalesceWrites(redis);
  return redis;
}

/**
 * For BullMQ workers, which block on Redis and need maxRetriesPerRequest null. (Coalescing this
 * one's writes too was tried: no clear gain in throughput, and a worse p99 in one process.)
 */
export function blockingRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 500, 5_000) });
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Holds a connection's writes until the end of the event-loop turn (see net/coalesce-writes.ts),
 * so the commands of every SMTP session that finished in the same turn leave in one writev.
 *
 * Why not ioredis's enableAutoPipelining, which batches the same way: it sends custom scripts
 * through a pipeline, and ioredis sends a script's whole source (EVAL) once per pipeline rather
 * than EVALSHA. BullMQ's job-add script is 26 KB of Lua, so every batch would carry it and Redis
 * would hash it again. Commands sent one by one on a corked socket keep EVALSHA.
 */
export function coalesceWrites(redis: Redis): void {
  // 'connect' fires for every new socket, reconnects included, before the first command on it.
  redis.on('connect', () => coalesceSocketWrites(redis.stream as Socket));
}

/**
 * Resolves true once `redis` is ready, or false after `timeoutMs`. Fail-fast connections refuse
 * commands until then, so the SMTP listener waits for them rather than answer its first senders
 * 451; a Redis that is down at start-up only delays the listener by `timeoutMs`.
 */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false); // closed: it will not become ready
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref();
    redis.on('ready', onReady);
  });
}
