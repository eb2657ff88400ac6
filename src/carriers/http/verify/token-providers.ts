/**
 * Signatures carried as tokens: Telnyx (Ed25519 over timestamp|body), Vonage (HS256 JWT in
 * Authorization with a payload hash; or the SMS API's `sig` parameter), MessageBird (JWT in
 * MessageBird-Signature-JWT with URL and payload hashes), and a shared token in the query.
 */
import { createHash, createHmac, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { WebhookVerifySpec } from '../spec.js';
import { verifyHmacJwt } from './jwt.js';
import { headerValue, safeEqual, type VerifyContext } from './types.js';

/** Telnyx: Ed25519 signature (base64) of `${telnyx-timestamp}|${raw body}`, timestamp within tolerance. */
export function verifyTelnyx(ctx: VerifyContext, publicKey: KeyObject, toleranceSeconds: number): boolean {
  const signature = headerValue(ctx.request.headers, 'telnyx-signature-ed25519');
  const timestamp = headerValue(ctx.request.headers, 'telnyx-timestamp');
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(ctx.now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const message = Buffer.concat([Buffer.from(`${timestamp}|`, 'utf8'), ctx.request.rawBody]);
  try {
    return verifySignature(null, message, publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A raw 32-byte Ed25519 key in base64 (as Telnyx shows it) or a PEM public key. */
export function ed25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/**
 * Vonage: a signed-webhook JWT (Messages/Dispatch style), which covers the body only, or, for the
 * SMS API, the `sig` parameter, which covers every parameter, query string included.
 */
export function verifyVonage(ctx: VerifyContext, spec: WebhookVerifySpec): 'request' | 'body' | false {
  const secret = spec.secret ?? '';
  const auth = headerValue(ctx.request.headers, 'authorization');
  if (auth && /^bearer\s+/i.test(auth)) {
    const claims = verifyHmacJwt(auth.replace(/^bearer\s+/i, '').trim(), secret, { algorithms: ['HS256'], now: ctx.now, toleranceSeconds: spec.toleranceSeconds });
    if (!claims) return false;
    if (spec.apiKey !== undefined && claims.api_key !== undefined && claims.api_key !== spec.apiKey) return false;
    return payloadHashMatches(claims.payload_hash, ctx.request.rawBody) ? 'body' : false;
  }
  const sig = ctx.params.sig;
  if (!sig) return false;
  const signed = Object.keys(ctx.params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${ctx.params[k]!.replace(/[&=]/g, '_')}`)
    .join('');
  const method = spec.signatureMethod ?? 'md5hash';
  const expected = method === 'md5hash'
    ? createHash('md5').update(signed + secret, 'utf8').digest('hex')
    : createHmac(method, secret).update(signed, 'utf8').digest('hex');
  return safeEqual(expected.toLowerCase(), sig.toLowerCase()) ? 'request' : false;
}

/** MessageBird: HS256/384/512 JWT, issuer MessageBird, with url_hash (and payload_hash when there is a body). */
export function verifyMessageBird(ctx: VerifyContext, signingKey: string, toleranceSeconds: number): boolean {
  const token = headerValue(ctx.request.headers, 'messagebird-signature-jwt');
  if (!token) return false;
  const claims = verifyHmacJwt(token, signingKey, { algorithms: ['HS256', 'HS384', 'HS512'], now: ctx.now, toleranceSeconds });
  if (!claims || claims.iss !== 'MessageBird' || typeof claims.jti !== 'string') return false;
  const urlHash = createHash('sha256').update(ctx.signedUrl, 'utf8').digest('hex');
  if (typeof claims.url_hash !== 'string' || !safeEqual(urlHash, claims.url_hash.toLowerCase())) return false;
  return payloadHashMatches(claims.payload_hash, ctx.request.rawBody);
}

/** A shared secret in the query string (`?token=...`), for providers that do not sign. */
export function verifyToken(ctx: VerifyContext, spec: WebhookVerifySpec): boolean {
  const given = ctx.params[spec.tokenParam];
  return !!spec.secret && given !== undefined && safeEqual(given, spec.secret);
}

/** A body must be covered by the token's hash; an empty body needs none. */
function payloadHashMatches(claim: unknown, body: Buffer): boolean {
  if (body.length === 0) return claim === undefined || claim === createHash('sha256').update(body).digest('hex');
  if (typeof claim !== 'string') return false;
  return safeEqual(createHash('sha256').update(body).digest('hex'), claim.toLowerCase());
}
