import type { Redis } from 'ioredis';
import { concatReference } from './ids.js';

/**
 * Concatenation references that differ between one number's consecutive messages. A handset joins
 * parts by sender and reference; two long alerts in a row with the same reference (a hash of the
 * job id gives 8-bit twins once in 256 pairs, about even odds in a burst of 20) come out as one
 * garbled text, and the other never completes. So each number has a counter in Redis, advanced by
 * the intake's script for every recipient; a number seen for the first time (or again after a
 * day's quiet) starts at the job's hash. The value goes into the job, so retries and failover
 * keep it. 256 messages to one number before an 8-bit reference comes round again, 65,536 for 16 bits.
 */
const TTL_MS = 86_400_000;

/** Lua: the next reference for KEYS-entry `key`, seeded with `seed` when the counter is new. */
export const NEXT_CONCAT_REF_FUNCTION = `
local function nextConcatRef(key, seed)
  local ref
  if redis.call('SET', key, seed, 'NX') then ref = tonumber(seed) else ref = redis.call('INCR', key) end
  redis.call('PEXPIRE', key, ${TTL_MS})
  return ref % 65536
end
`;

export function concatRefKey(prefix: string, number: string): string {
  return `${prefix}:concat-ref:${number}`;
}

/** The seed of a new counter: the reference a job had before there were counters. */
export function concatRefSeed(jobId: string): string {
  return String(concatReference(jobId));
}

/** The next reference for one SMS queued outside the intake (a storm summary): one round trip. */
export async function takeConcatRef(redis: Redis, prefix: string, number: string, jobId: string): Promise<number> {
  if (!('s2sTakeConcatRef' in redis)) {
    redis.defineCommand('s2sTakeConcatRef', { numberOfKeys: 1, lua: `${NEXT_CONCAT_REF_FUNCTION}\nreturn nextConcatRef(KEYS[1], ARGV[1])` });
  }
  const run = (redis as unknown as { s2sTakeConcatRef(key: string, seed: string): Promise<number> }).s2sTakeConcatRef;
  return Number(await run.call(redis, concatRefKey(prefix, number), concatRefSeed(jobId)));
}
