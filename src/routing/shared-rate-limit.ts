import type { Redis } from 'ioredis';
import { CarrierError } from '../errors.js';

// One counter per carrier and second, shared by every relay process on the same Redis.
const TAKE = `
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
if used == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], 2000) end
if used > tonumber(ARGV[2]) and used > tonumber(ARGV[1]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return 0
end
return 1`;

/**
 * A per-carrier limit of SMS parts per second that holds across relay processes sharing Redis.
 * `acquire` waits for the next second when the current one is used up (a message larger than the
 * whole limit still goes, alone); after `maxWaitMs` it gives the job back to the queue.
 */
interface RateScript {
  s2sRateTake(key: string, parts: string, limit: string): Promise<number>;
}

export class SharedRateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly maxWaitMs = 30_000) {
    if (!('s2sRateTake' in redis)) redis.defineCommand('s2sRateTake', { numberOfKeys: 1, lua: TAKE });
  }

  async acquire(carrier: string, perSecond: number, parts: number): Promise<void> {
    if (perSecond <= 0) return;
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const ok = await (this.redis as unknown as RateScript).s2sRateTake(`${this.prefix}:rate:${carrier}:${second}`, String(parts), String(perSecond));
      if (ok === 1) return;
      const nextSecond = (second + 1) * 1000;
      if (nextSecond > deadline) {
        throw new CarrierError('RATE_LIMITED', `${carrier}: over ${perSecond} parts/s for ${this.maxWaitMs} ms`, false, { carrier, retryAfterMs: 1_000, subject: 'carrier' });
      }
      await new Promise((resolve) => setTimeout(resolve, nextSecond - Date.now() + Math.random() * 20));
    }
  }
}
