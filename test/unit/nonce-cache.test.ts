import { describe, expect, it } from 'vitest';
import { NonceCache } from '../../src/carriers/http/verify/nonce-cache.js';

describe('webhook nonces', () => {
  it('are accepted once within the ttl, again after it', () => {
    let now = 1_000;
    const cache = new NonceCache(100, 10, () => now);
    expect([cache.firstUse('a'), cache.firstUse('a'), cache.firstUse('b')]).toEqual([true, false, true]);
    now += 101;
    expect(cache.firstUse('a')).toBe(true);
  });

  it('keep at most `max`, forgetting the oldest first', () => {
    const cache = new NonceCache(60_000, 3, () => 0);
    for (const n of ['1', '2', '3', '4']) expect(cache.firstUse(n)).toBe(true);
    expect(cache.firstUse('1')).toBe(true); // forgotten to stay within 3
    expect(cache.firstUse('4')).toBe(false);
  });
});
