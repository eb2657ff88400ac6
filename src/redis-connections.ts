import { Redis } from 'ioredis';

/**
 * The two kinds of Redis connection the relay uses. Connection errors surface per command, so the
 * connection-level 'error' events are swallowed here (an unhandled one would end the process).
 */

/**
 * For commands on the SMTP path and status writes: no offline queue and a command timeout, so an
 * outage or a hung Redis turns into an error (and a 451 for the sender) within `timeoutMs`.
 */
export function failFastRedis(url: string, timeoutMs = 5_000, autoPipelining = false): Redis {
  const redis = new Redis(url, {
    // Commands issued in the same tick go out in one write: fewer syscalls on the SMTP path.
    enableAutoPipelining: autoPipelining,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', () => undefined);
  return redis;
}

/** For BullMQ workers, which block on Redis and need maxRetriesPerRequest null. */
export function blockingRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 500, 5_000) });
  redis.on('error', () => undefined);
  return redis;
}
