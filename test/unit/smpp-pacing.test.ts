import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/carriers/smpp/backoff.js';
import { TokenBucket } from '../../src/carriers/smpp/token-bucket.js';

describe('Backoff', () => {
  it('doubles the ceiling up to the maximum, with full jitter below it', () => {
    const ceilings = new Backoff(1_000, 60_000, () => 0.999999);
    expect(Array.from({ length: 9 }, () => ceilings.next())).toEqual([999, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999]);
    const floor = new Backoff(1_000, 60_000, () => 0);
    expect(floor.next()).toBe(0);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff(100, 1_000, () => 0.5);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});

describe('TokenBucket', () => {
  it('is unlimited at rate 0', () => {
    const bucket = new TokenBucket(0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
  });

  it('spaces sends 1/rate apart without bursting after a pause', () => {
    const bucket = new TokenBucket(10);
    expect(bucket.take(1_000)).toBe(0);
    expect(bucket.take(1_000)).toBe(100);
    expect(bucket.take(1_060)).toBe(40);
    expect(bucket.take(1_100)).toBe(0);
    expect(bucket.take(5_000)).toBe(0);
    expect(bucket.take(5_000)).toBe(100);
  });
});
