/**
 * HMAC signatures over the URL and form parameters: Twilio (X-Twilio-Signature) and Plivo
 * (X-Plivo-Signature-V3 with nonce; V2 for older messaging callbacks). Each function rebuilds the
 * signed string exactly as the provider documents it and compares in constant time.
 */
import { createHash, createHmac } from 'node:crypto';
import { headerValue, safeEqual, type VerifyContext } from './types.js';

/**
 * Twilio: HMAC-SHA1 with the auth token over the full URL followed by every POST parameter, sorted
 * by name, as name+value; base64. A JSON body is covered by the `bodySHA256` query parameter instead.
 */
export function verifyTwilio(ctx: VerifyContext, authToken: string): boolean {
  const signature = headerValue(ctx.request.headers, 'x-twilio-signature');
  if (!signature) return false;
  let data = ctx.signedUrl;
  const bodyHash = new URL(ctx.signedUrl).searchParams.get('bodySHA256');
  if (bodyHash !== null) {
    const actual = createHash('sha256').update(ctx.request.rawBody).digest('hex');
    if (!safeEqual(actual, bodyHash.toLowerCase())) return false;
  } else {
    const sorted = [...ctx.formParams].sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
    for (const [key, value] of sorted) data += key + value;
  }
  const expected = createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
  return safeEqual(expected, signature);
}

/**
 * Plivo V3: HMAC-SHA256 with the auth token, base64, over
 *   GET:  base URL + "?" + all parameters sorted as k=v joined by &, then "." + nonce
 *   POST: base URL + "?" + sorted query (then "." when there is one) + sorted POST params as k+v, then "." + nonce
 * The header may hold several comma-separated signatures (main account and subaccount).
 * Falls back to V2 (HMAC-SHA256 over the URL without query + nonce) when only V2 headers are sent.
 * Returns the nonce of the signature that matched (for replay checks), or undefined.
 */
export function verifyPlivo(ctx: VerifyContext, authToken: string): string | undefined {
  const { headers } = ctx.request;
  const v3Nonce = headerValue(headers, 'x-plivo-signature-v3-nonce');
  if (v3Nonce) {
    const signatures = [headerValue(headers, 'x-plivo-signature-v3'), headerValue(headers, 'x-plivo-signature-ma-v3')]
      .filter((s): s is string => !!s)
      .flatMap((s) => s.split(','))
      .map((s) => s.trim());
    if (signatures.length === 0) return undefined;
    const base = plivoV3Base(ctx);
    const expected = createHmac('sha256', authToken).update(`${base}.${v3Nonce}`, 'utf8').digest('base64');
    return signatures.some((s) => safeEqual(expected, s)) ? v3Nonce : undefined;
  }
  const v2Nonce = headerValue(headers, 'x-plivo-signature-v2-nonce');
  const v2 = [headerValue(headers, 'x-plivo-signature-v2'), headerValue(headers, 'x-plivo-signature-ma-v2')].filter((s): s is string => !!s);
  if (!v2Nonce || v2.length === 0) return undefined;
  const u = new URL(ctx.signedUrl);
  const expected = createHmac('sha256', authToken).update(`${u.origin}${u.pathname}${v2Nonce}`, 'utf8').digest('base64');
  return v2.some((s) => safeEqual(expected, s)) ? v2Nonce : undefined;
}

function plivoV3Base(ctx: VerifyContext): string {
  const u = new URL(ctx.signedUrl);
  const base = `${u.origin}${u.pathname}`;
  const query = multiMap([...u.searchParams]);
  if (ctx.request.method.toUpperCase() === 'GET') {
    const q = sortedQuery(query);
    return q ? `${base}?${q}` : base;
  }
  const post = multiMap(ctx.formParams);
  const q = sortedQuery(query);
  const hasPost = post.size > 0;
  let url = base;
  if (q.length > 0 || hasPost) url += `?${q}`;
  if (q.length > 0 && hasPost) url += '.';
  for (const key of [...post.keys()].sort()) for (const value of post.get(key)!.sort()) url += key + value;
  return url;
}

function multiMap(pairs: [string, string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of pairs) map.set(key, [...(map.get(key) ?? []), value]);
  return map;
}

function sortedQuery(map: Map<string, string[]>): string {
  const out: string[] = [];
  for (const key of [...map.keys()].sort()) for (const value of map.get(key)!.sort()) out.push(`${key}=${value}`);
  return out.join('&');
}
