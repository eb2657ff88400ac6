import type { Redis } from 'ioredis';

/**
 * Small scripts more than one module needs, defined once per connection (EVALSHA after the first
 * use, where a bare EVAL would send the source every time).
 */
const DEL_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Deletes `key` only while it still holds `value` (a lock or a flag that may be another's by now). */
export async function delIfEqual(redis: Redis, key: string, value: string): Promise<boolean> {
  if (!('s2sDelIfEqual' in redis)) redis.defineCommand('s2sDelIfEqual', { numberOfKeys: 1, lua: DEL_IF_EQUAL });
  const run = (redis as unknown as { s2sDelIfEqual(key: string, value: string): Promise<number> }).s2sDelIfEqual;
  return (await run.call(redis, key, value)) === 1;
}
