import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { failFastRedis } from '../../src/redis-connections.js';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-coalesce-${process.pid}`;
const SCRIPT = `return redis.call('INCRBY', KEYS[1], ARGV[1]) -- ${'padding '.repeat(64)}`;

/** Counts the syscall-level writes of a socket (one _write or one _writev each) and their bytes. */
function countWrites(socket: Socket): { writes: number; bytes: string[] } {
  const seen = { writes: 0, bytes: [] as string[] };
  const internals = socket as unknown as { _write: Function; _writev: Function };
  const write = internals._write;
  const writev = internals._writev;
  internals._write = function (chunk: Buffer | string, ...rest: unknown[]) {
    seen.writes++;
    seen.bytes.push(String(chunk));
    return write.call(this, chunk, ...rest);
  };
  internals._writev = function (chunks: { chunk: Buffer | string }[], ...rest: unknown[]) {
    seen.writes++;
    seen.bytes.push(chunks.map((c) => String(c.chunk)).join(''));
    return writev.call(this, chunks, ...rest);
  };
  return seen;
}

type Scripted = Redis & { s2sTestIncr(key: string, by: number): Promise<number> };

describe('coalesced Redis writes', () => {
  let coalesced: Scripted;
  let plain: Scripted;

  beforeAll(async () => {
    coalesced = failFastRedis(URL, 5_000, true) as Scripted;
    plain = failFastRedis(URL, 5_000, false) as Scripted;
    for (const redis of [coalesced, plain]) {
      redis.defineCommand('s2sTestIncr', { numberOfKeys: 1, lua: SCRIPT });
      // No offline queue on these connections: wait until one is ready before the first command.
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    }
  });

  afterAll(async () => {
    const keys = await plain.keys(`${PREFIX}:*`);
    if (keys.length > 0) await plain.del(...keys);
    coalesced.disconnect();
    plain.disconnect();
  });

  /** 20 commands issued from 20 separate callbacks of one event-loop turn, as 20 SMTP sessions would. */
  async function burst(redis: Scripted, key: string): Promise<number[]> {
    const results: Promise<number>[] = [];
    await new Promise<void>((resolve) => {
      let pending = 20;
      for (let i = 0; i < 20; i++) {
        process.nextTick(() => {
          results.push(redis.s2sTestIncr(key, 1));
          if (--pending === 0) resolve();
        });
      }
    });
    return Promise.all(results);
  }

  it('sends the commands of one turn in one write, in order, with EVALSHA once the script is known', async () => {
    await coalesced.s2sTestIncr(`${PREFIX}:warm`, 1); // loads the script on this socket
    const seen = countWrites(coalesced.stream as Socket);
    const replies = await burst(coalesced, `${PREFIX}:a`);
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(seen.writes).toBe(1);
    expect(seen.bytes.join('')).not.toContain('padding');
    expect(seen.bytes.join('').match(/evalsha/gi)).toHaveLength(20);
  });

  it('is what makes the difference: the same burst on a plain connection takes a write per command', async () => {
    await plain.s2sTestIncr(`${PREFIX}:warm`, 1);
    const seen = countWrites(plain.stream as Socket);
    await burst(plain, `${PREFIX}:b`);
    expect(seen.writes).toBeGreaterThan(1);
  });

  it('coalesces again on the new socket after a reconnect', async () => {
    const before = coalesced.stream;
    coalesced.stream.destroy();
    await expect.poll(() => coalesced.status === 'ready' && coalesced.stream !== before, { timeout: 5_000 }).toBe(true);
    await coalesced.s2sTestIncr(`${PREFIX}:warm`, 1);
    const seen = countWrites(coalesced.stream as Socket);
    expect(await burst(coalesced, `${PREFIX}:c`)).toHaveLength(20);
    expect(seen.writes).toBe(1);
  });
});
