import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QueueError } from '../../../errors.js';
import { NONCE_TTL_MS, type NonceStore } from './nonce-cache.js';

/**
 * Webhook nonces shared by every relay process and kept across restarts: one `SET NX PX` per
 * signed callback that carries a nonce. The key holds a hash of the nonce (its length is the
 * sender's choice). Redis failing is a QueueError, so that the callback is answered 503 and the
 * provider tries again, rather than accepted unchecked or refused for good.
 */
export class RedisNonces implements NonceStore {
  constructor(private readonly redis: Redis, private readonly keyPrefix: string, private readonly ttlMs = NONCE_TTL_MS) {}

  async firstUse(nonce: string): Promise<boolean> {
    try {
      return (await this.redis.set(this.key(nonce), '1', 'PX', this.ttlMs, 'NX')) === 'OK';
    } catch (error) {
      throw new QueueError('NONCE_STORE_UNAVAILABLE', `cannot check the webhook nonce: ${(error as Error).message}`, { cause: error });
    }
  }

  async forget(nonce: string): Promise<void> {
    await this.redis.del(this.key(nonce));
  }

  private key(nonce: string): string {
    return `${this.keyPrefix}:${createHash('sha256').update(nonce).digest('base64url')}`;
  }
}
