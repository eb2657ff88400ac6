/** One verifier per webhook spec, built once (the Telnyx key is parsed at start). */
import type { WebhookVerifySpec } from '../spec.js';
import { verifyPlivo, verifyTwilio } from './hmac-providers.js';
import { NonceCache } from './nonce-cache.js';
import { ed25519PublicKey, verifyMessageBird, verifyTelnyx, verifyToken, verifyVonage } from './token-providers.js';
import { headerValue, type VerifyContext } from './types.js';

/**
 * What a verified signature covers: the whole request (URL with its query, and body), or the body
 * only (Vonage's JWT hashes the payload, Telnyx signs timestamp and body), whose query string is
 * then not to be trusted. False: not verified.
 */
export type Verified = 'request' | 'body' | false;
export type Verifier = (ctx: VerifyContext) => Verified;

const whole = (ok: boolean): Verified => (ok ? 'request' : false);

export function createVerifier(spec: WebhookVerifySpec): Verifier {
  const secret = spec.secret ?? '';
  switch (spec.type) {
    case 'twilio': return (ctx) => whole(secret !== '' && verifyTwilio(ctx, secret));
    case 'plivo': {
      const nonces = new NonceCache();
      return (ctx) => {
        if (secret === '' || !verifyPlivo(ctx, secret)) return false;
        const h = ctx.request.headers;
        const nonce = headerValue(h, 'x-plivo-signature-v3-nonce') ?? headerValue(h, 'x-plivo-signature-v2-nonce') ?? '';
        return whole(nonces.firstUse(nonce));
      };
    }
    case 'vonage': return (ctx) => {
      if (secret === '' || !verifyVonage(ctx, spec)) return false;
      // A bearer JWT signs the payload; the `sig` parameter signs every parameter, query included.
      return /^bearer\s/i.test(headerValue(ctx.request.headers, 'authorization') ?? '') ? 'body' : 'request';
    };
    case 'messagebird': return (ctx) => whole(secret !== '' && verifyMessageBird(ctx, secret, spec.toleranceSeconds));
    case 'token': return (ctx) => whole(verifyToken(ctx, spec));
    case 'telnyx': {
      const key = ed25519PublicKey(spec.publicKey ?? '');
      return (ctx) => (verifyTelnyx(ctx, key, spec.toleranceSeconds) ? 'body' : false);
    }
  }
}

export { type VerifyContext, type WebhookRequest } from './types.js';
