/**
 * Nonces already seen, so a captured signed callback cannot be replayed. Plivo's V2 signature
 * covers only the URL and a nonce, not the body: one captured callback could otherwise carry any
 * status for any message, again and again.
 */
export interface NonceStore {
  /** True the first time a nonce comes within the store's ttl, false for a replay. */
  firstUse(nonce: string): boolean | Promise<boolean>;
  /** Gives a nonce back: its request was not acknowledged, and the provider's retry carries it again. */
  forget(nonce: string): void | Promise<void>;
}

/**
 * The in-process store (bounded, `ttlMs`), for a carrier built without a shared one. A replay to
 * another relay process, or after a restart, is not caught here: the relay gives its carriers
 * the Redis store ({@link RedisNonces}) instead.
 */
export class NonceCache implements NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs = NONCE_TTL_MS, private readonly max = 100_000, private readonly now: () => number = Date.now) {}

  firstUse(nonce: string): boolean {
    const now = this.now();
    const until = this.seen.get(nonce);
    if (until !== undefined && until > now) return false;
    this.seen.delete(nonce);
    this.seen.set(nonce, now + this.ttlMs);
    // Oldest first (insertion order): drop expired ones, and the oldest past the bound.
    for (const [old, expires] of this.seen) {
      if (expires > now && this.seen.size <= this.max) break;
      this.seen.delete(old);
    }
    return true;
  }

  forget(nonce: string): void {
    this.seen.delete(nonce);
  }
}

/** How long a nonce is remembered: longer than any provider retries one callback. */
export const NONCE_TTL_MS = 3_600_000;
