import { describe, expect, it } from 'vitest';
import { retryDelay, type BackoffRule } from '../../src/queue/backoff.js';

const RULE: BackoffRule = { initialMs: 1_000, maxMs: 60_000 };
const lowest = () => 0;
const highest = () => 0.999_999_999;

/** A seeded generator, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('retryDelay', () => {
  it.each([
    // attempt, full delay before jitter
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [6, 32_000],
    [7, 60_000], // 64 s, capped
    [50, 60_000],
  ])('attempt %i: within [d/2, d] for d = %i ms', (attempt, d) => {
    expect(retryDelay(attempt, RULE, 0, lowest)).toBe(d / 2);
    expect(retryDelay(attempt, RULE, 0, highest)).toBe(d);
    expect(retryDelay(attempt, RULE, 0, () => 0.5)).toBe(Math.round(d * 0.75));
  });

  it('stays within [d/2, d] for any random value', () => {
    const random = seeded(42);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const d = Math.min(RULE.maxMs, RULE.initialMs * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = retryDelay(attempt, RULE, 0, random);
        expect(delay).toBeGreaterThanOrEqual(d / 2);
        expect(delay).toBeLessThanOrEqual(d);
      }
    }
  });

  it('spreads the retries of a burst instead of sending them back together', () => {
    const random = seeded(7);
    const delays = new Set(Array.from({ length: 100 }, () => retryDelay(5, RULE, 0, random)));
    expect(delays.size).toBeGreaterThan(50);
  });

  it('never goes above the maximum, even for huge attempt numbers', () => {
    for (const attempt of [20, 100, 1_024, 10_000, Number.MAX_SAFE_INTEGER]) {
      const delay = retryDelay(attempt, RULE, 0, highest);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeLessThanOrEqual(RULE.maxMs);
      expect(delay).toBeGreaterThanOrEqual(RULE.maxMs / 2);
    }
  });

  it('caps at a maximum below the initial delay', () => {
    expect(retryDelay(1, { initialMs: 10_000, maxMs: 3_000 }, 0, highest)).toBe(3_000);
    expect(retryDelay(1, { initialMs: 10_000, maxMs: 3_000 }, 0, lowest)).toBe(1_500);
  });

  it('treats attempt 0 and negative attempts as the first', () => {
    expect(retryDelay(0, RULE, 0, highest)).toBe(1_000);
    expect(retryDelay(-3, RULE, 0, highest)).toBe(1_000);
  });

  it('uses the carrier\'s retryAfter as a floor', () => {
    // throttled: the carrier asked for 5 s, our first backoff would be 0.5-1 s
    expect(retryDelay(1, RULE, 5_000, lowest)).toBe(5_000);
    expect(retryDelay(1, RULE, 5_000, highest)).toBe(5_000);
    // the floor also lifts a delay above the cap: the carrier's word beats our maximum
    expect(retryDelay(10, RULE, 120_000, highest)).toBe(120_000);
  });

  it('ignores a retryAfter below the backoff', () => {
    expect(retryDelay(4, RULE, 1_000, lowest)).toBe(4_000);
    expect(retryDelay(4, RULE, 1_000, highest)).toBe(8_000);
  });

  it('returns whole milliseconds', () => {
    const random = seeded(3);
    for (let i = 0; i < 50; i++) expect(Number.isInteger(retryDelay(3, { initialMs: 333, maxMs: 10_000 }, 0, random))).toBe(true);
  });

  it('uses Math.random when no generator is given', () => {
    const delay = retryDelay(3, RULE);
    expect(delay).toBeGreaterThanOrEqual(2_000);
    expect(delay).toBeLessThanOrEqual(4_000);
  });
});
