/**
 * Nonces already seen, so a captured signed callback cannot be replayed. Plivo's V2 signature
 * covers only the URL and a nonce, not the body: one captured callback could otherwise carry any
 * status for any message, again and again. Kept in this process only (bounded, `ttlMs`): a replay
 * to another relay process, or after a restart, is not caught here.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs = 3_600_000, private readonly max = 100_000, private readonly now: () => number = Date.now) {}

  /** True the first time a nonce comes within the ttl, false for a replay. */
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
}
