/**
 * Just enough JWT to check an HMAC-signed webhook token (Vonage, MessageBird): compact form,
 * HS256/384/512 only (never `none`), constant-time signature check, nbf/exp (or iat when there is
 * no exp) with a tolerance.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from './types.js';

export type JwtClaims = Record<string, unknown>;

const ALGORITHMS: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function verifyHmacJwt(
  token: string,
  secret: string,
  options: { algorithms: string[]; now: number; toleranceSeconds: number },
): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, signature] = parts as [string, string, string];
  const header = decode(head);
  if (!header || typeof header.alg !== 'string' || !options.algorithms.includes(header.alg)) return null;
  const hash = ALGORITHMS[header.alg];
  if (!hash) return null;
  const expected = createHmac(hash, secret).update(`${head}.${body}`).digest('base64url');
  if (!safeEqual(expected, signature)) return null;
  const claims = decode(body);
  if (!claims) return null;
  const now = options.now / 1000;
  const skew = options.toleranceSeconds;
  if (typeof claims.exp === 'number' && now > claims.exp + skew) return null;
  if (typeof claims.nbf === 'number' && now + skew < claims.nbf) return null;
  // Some providers (Vonage) sign with iat and no exp: without this a captured token never ages.
  if (typeof claims.exp !== 'number' && typeof claims.iat === 'number' && Math.abs(now - claims.iat) > skew) return null;
  return claims;
}

function decode(part: string): JwtClaims | null {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwtClaims) : null;
  } catch {
    return null;
  }
}
