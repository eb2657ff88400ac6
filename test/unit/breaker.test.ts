import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src/routing/breaker.js';

describe('circuit breaker', () => {
  it('opens after N consecutive failures, probes once after the cool-down, closes on success', () => {
    let now = 0;
    const b = new CircuitBreakers({ failures: 3, cooldownMs: 1000 }, () => now);
    b.failure('a');
    b.failure('a');
    expect(b.allow('a')).toBe(true);
    b.failure('a');
    expect(b.allow('a')).toBe(false);
    expect(b.describe('a')).toBe('open for 1 s');
    now = 999;
    expect(b.allow('a')).toBe(false);
    now = 1000;
    expect(b.allow('a')).toBe(true); // the probe
    expect(b.allow('a')).toBe(false); // only one probe at a time
    b.success('a');
    expect(b.allow('a')).toBe(true);
    expect(b.describe('a')).toBe('closed');
  });

  it('re-opens when the probe fails, and a success in between resets the count', () => {
    let now = 0;
    const b = new CircuitBreakers({ failures: 2, cooldownMs: 500 }, () => now);
    b.failure('a');
    b.success('a');
    b.failure('a');
    expect(b.allow('a')).toBe(true);
    b.failure('a');
    expect(b.allow('a')).toBe(false);
    now = 500;
    expect(b.allow('a')).toBe(true);
    b.failure('a');
    expect(b.allow('a')).toBe(false);
    expect(b.allow('other')).toBe(true);
  });
});
