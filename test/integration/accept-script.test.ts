import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ISO_FUNCTION } from '../../src/pipeline/accept-script.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.disconnect());

describe('the intake script\'s date in Lua', () => {
  // A held recipient's status says "burst until <date>": written in Lua, it must read as JS writes it.
  const instants = [
    0, 1, 999, 951_782_400_000 /* 2000-02-29 */, 1_709_164_800_123 /* 2024-02-29 */, 1_735_689_599_999 /* 2024-12-31 23:59:59.999 */,
    1_795_467_088_148, 4_107_542_400_000 /* 2100-03-01 */, 253_402_300_799_999 /* 9999-12-31 */,
    ...Array.from({ length: 200 }, (_, i) => Math.floor(((i * 7919) % 10_000) * 86_400_000 * 3.7 + i * 1_234_567)),
  ];
  it(`matches Date#toISOString at ${instants.length} instants, leap days and year ends included`, async () => {
    for (const ms of instants) {
      const lua = (await redis.eval(`${ISO_FUNCTION}\nreturn iso(tonumber(ARGV[1]))`, 0, String(ms))) as string;
      expect(lua, String(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
