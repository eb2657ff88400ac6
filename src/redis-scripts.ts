import { randomBytes } from 'node:crypto';
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

/**
 * JSON for a script's `cjson.decode`: JSON.stringify writes a lone UTF-16 surrogate (from a
 * subject in a UTF-16 or UTF-7 encoded word, or a provider's reply) as `\ud800`, which cjson
 * refuses, failing the whole script the same way on every retry. Such halves become U+FFFD.
 */
export function luaJson(value: unknown): string {
  // Such a half can only show as a `\ud…` escape; the replacer pass (slower) runs only then.
  const json = JSON.stringify(value);
  if (!/\\u[dD][89a-fA-F]/.test(json)) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v));
}

const PEXPIRE_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/** Extends `key` to `ms` only while it still holds `value` (renewing one's own lock). */
async function pexpireIfEqual(redis: Redis, key: string, value: string, ms: number): Promise<boolean> {
  if (!('s2sPexpireIfEqual' in redis)) redis.defineCommand('s2sPexpireIfEqual', { numberOfKeys: 1, lua: PEXPIRE_IF_EQUAL });
  const run = (redis as unknown as { s2sPexpireIfEqual(key: string, value: string, ms: string): Promise<number> }).s2sPexpireIfEqual;
  return (await run.call(redis, key, value, String(ms))) === 1;
}

/**
 * A lock for work one process at a time may do: `key` holds a token of ours for `ttlMs`, so a
 * holder that dies frees it, renewed every third of that while `renew` is set (work of unknown
 * length). Undefined when another holds it. `release` deletes it only while it is still ours: one
 * that lapsed under a stalled holder may be another's by then.
 */
export async function takeLock(redis: Redis, key: string, ttlMs: number, options: { renew?: boolean } = {}): Promise<{ release(): Promise<void> } | undefined> {
  const token = randomBytes(8).toString('hex');
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  const renewal = options.renew ? setInterval(() => void pexpireIfEqual(redis, key, token, ttlMs).catch(() => undefined), ttlMs / 3) : undefined;
  renewal?.unref();
  return {
    release: async () => {
      clearInterval(renewal);
      await delIfEqual(redis, key, token).catch(() => undefined);
    },
  };
}
