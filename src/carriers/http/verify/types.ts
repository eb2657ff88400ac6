/** What a signature check sees of a webhook request, and what it may rely on. */
import { timingSafeEqual } from 'node:crypto';

export interface WebhookRequest {
  method: string;
  /** Path and query as received, e.g. `/webhooks/twilio?x=1`. */
  url: string;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export interface VerifyContext {
  request: WebhookRequest;
  /** The URL the provider called, as it signed it: the configured public URL with the request's query. */
  signedUrl: string;
  /** Flat parameters: query string, then form body (or top-level scalars of a JSON body). */
  params: Record<string, string>;
  /** Form parameters only (POST application/x-www-form-urlencoded), all values per key. */
  formParams: [string, string][];
  now: number;
  /**
   * Claims a signed nonce for this request: false when it was seen before (a replay). The caller
   * owns the store, and gives the nonce back when the request ends without being acknowledged.
   */
  claimNonce(nonce: string): Promise<boolean>;
}

/** A request header's first value (names are lower case in Node). */
export { header as headerValue } from '../../../delivery/classify-http.js';

/** Constant-time comparison of two strings (false on any length difference). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
