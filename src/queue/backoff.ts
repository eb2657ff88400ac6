export interface BackoffRule {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * a burst spread out but none comes back immediately. A carrier's own retryAfterMs is a floor.
 */
export function retryDelay(attempt: number, rule: BackoffRule, retryAfterMs = 0, random = Math.random): number {
  const exponential = Math.min(rule.maxMs, rule.initialMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs));
}
