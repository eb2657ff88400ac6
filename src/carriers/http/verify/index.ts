/** One verifier per webhook spec, built once (the Telnyx key is parsed at start). */
import type { WebhookVerifySpec } from '../spec.js';
import { verifyPlivo, verifyTwilio } from './hmac-providers.js';
import { NonceCache } from './nonce-cache.js';
import { ed25519PublicKey, verifyMessageBird, verifyTelnyx, verifyToken, verifyVonage } from './token-providers.js';
import { headerValue, type VerifyContext } from './types.js';

export type Verifier = (ctx: VerifyContext) => boolean;

export function createVerifier(spec: WebhookVerifySpec): Verifier {
  const secret = spec.secret ?? '';
  switch (spec.type) {
    case 'twilio': return (ctx) => secret !== '' && verifyTwilio(ctx, secret);
    case 'plivo': {
      const nonces = new NonceCache();
      return (ctx) => {
        if (secret === '' || !verifyPlivo(ctx, secret)) return false;
        const h = ctx.request.headers;
        const nonce = headerValue(h, 'x-plivo-signature-v3-nonce') ?? headerValue(h, 'x-plivo-signature-v2-nonce') ?? '';
        return nonces.firstUse(nonce);
      };
    }
    case 'vonage': return (ctx) => secret !== '' && verifyVonage(ctx, spec);
    case 'messagebird': return (ctx) => secret !== '' && verifyMessageBird(ctx, secret, spec.toleranceSeconds);
    case 'token': return (ctx) => verifyToken(ctx, spec);
    case 'telnyx': {
      const key = ed25519PublicKey(spec.publicKey ?? '');
      return (ctx) => verifyTelnyx(ctx, key, spec.toleranceSeconds);
    }
  }
}

export { type VerifyContext, type WebhookRequest } from './types.js';
