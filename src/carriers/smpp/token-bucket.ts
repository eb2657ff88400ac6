/**
 * Smooth send pacing for throughputPerSecond: a token bucket holding one token, so sends are
 * spaced 1/rate apart instead of bursting a second's worth and then idling (SMSCs count per
 * second, some per 100 ms, and answer bursts with ESME_RTHROTTLED).
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private nextAt = 0;

  /** ratePerSecond <= 0 means unlimited. */
  constructor(ratePerSecond: number) {
    this.intervalMs = ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
  }

  /** Takes a token and returns 0, or returns how many ms until one is available. */
  take(now: number): number {
    if (this.intervalMs === 0) return 0;
    if (now < this.nextAt) return Math.ceil(this.nextAt - now);
    // An idle bucket holds one token only: a pause does not buy a burst afterwards.
    this.nextAt = now + this.intervalMs;
    return 0;
  }
}
