import type { Redis } from 'ioredis';
import { CarrierError } from '../errors.js';

// One counter per carrier and second, shared by every relay process on the same Redis. The second
// is Redis's (TIME), not each process's: with clocks apart, the process ahead would otherwise take
// every next second's budget first and starve the others. (So the key's last part is made here,
// the one key this project builds inside a script; Redis here is never a cluster.)
// Returns {1, 0} when taken, else {0, ms until Redis's next second}.
const TAKE = `
local now = redis.call('TIME')
local key = KEYS[1] .. ':' .. now[1]
local used = redis.call('INCRBY', key, ARGV[1])
if used == tonumber(ARGV[1]) then redis.call('PEXPIRE', key, 2000) end
if used > tonumber(ARGV[2]) and used > tonumber(ARGV[1]) then
  redis.call('DECRBY', key, ARGV[1])
  return {0, 1000 - math.floor(tonumber(now[2]) / 1000)}
end
return {1, 0}`;

/**
 * A per-carrier limit of SMS parts per second that holds across relay processes sharing Redis.
 * `acquire` waits for the next second when the current one is used up (a message larger than the
 * whole limit still goes, alone); after `maxWaitMs` it gives the job back to the queue.
 */
interface RateScript {
  s2sRateTake(key: string, parts: string, limit: string): Promise<[number, number]>;
}

export class SharedRateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly maxWaitMs = 30_000) {
    if (!('s2sRateTake' in redis)) redis.defineCommand('s2sRateTake', { numberOfKeys: 1, lua: TAKE });
  }

  async acquire(carrier: string, perSecond: number, parts: number): Promise<void> {
    if (perSecond <= 0) return;
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const [ok, waitMs] = await (this.redis as unknown as RateScript).s2sRateTake(`${this.prefix}:rate:${carrier}`, String(parts), String(perSecond));
      if (ok === 1) return;
      if (Date.now() + waitMs > deadline) {
        throw new CarrierError('RATE_LIMITED', `${carrier}: over ${perSecond} parts/s for ${this.maxWaitMs} ms`, false, { carrier, retryAfterMs: 1_000, subject: 'carrier' });
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs + Math.random() * 20));
    }
  }
}
