/** One verifier per webhook spec, built once (the Telnyx key is parsed at start). */
import type { WebhookVerifySpec } from '../spec.js';
import { verifyPlivo, verifyTwilio } from './hmac-providers.js';
import { ed25519PublicKey, verifyMessageBird, verifyTelnyx, verifyToken, verifyVonage } from './token-providers.js';
import type { VerifyContext } from './types.js';

/**
 * What a verified signature covers: the whole request (URL with its query, and body), or the body
 * only (Vonage's JWT hashes the payload, Telnyx signs timestamp and body), whose query string is
 * then not to be trusted. False: not verified.
 */
export type Verified = 'request' | 'body' | false;
/** Plivo's claims its nonce, from a store that may be Redis: the only one that may be async. */
export type Verifier = (ctx: VerifyContext) => Verified | Promise<Verified>;

const whole = (ok: boolean): Verified => (ok ? 'request' : false);

export function createVerifier(spec: WebhookVerifySpec): Verifier {
  const secret = spec.secret ?? '';
  switch (spec.type) {
    case 'twilio': return (ctx) => whole(secret !== '' && verifyTwilio(ctx, secret));
    case 'plivo':
      return async (ctx) => {
        const nonce = secret === '' ? undefined : verifyPlivo(ctx, secret);
        return whole(nonce !== undefined && (await ctx.claimNonce(nonce)));
      };
    case 'vonage': return (ctx) => (secret === '' ? false : verifyVonage(ctx, spec));
    case 'messagebird': return (ctx) => whole(secret !== '' && verifyMessageBird(ctx, secret, spec.toleranceSeconds));
    case 'token': return (ctx) => whole(verifyToken(ctx, spec));
    case 'telnyx': {
      const key = ed25519PublicKey(spec.publicKey ?? '');
      return (ctx) => (verifyTelnyx(ctx, key, spec.toleranceSeconds) ? 'body' : false);
    }
  }
}

export { type VerifyContext, type WebhookRequest } from './types.js';
export { NonceCache, type NonceStore } from './nonce-cache.js';
export { RedisNonces } from './redis-nonces.js';
