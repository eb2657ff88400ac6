/**
 * The generic HTTP carrier, fully resolved: everything it does is read from this data. A preset
 * is a function from its few keys to one of these; the operator's YAML overrides any part of it.
 */
import type { HttpErrorRule } from '../../delivery/rules/http-status.js';
import type { ReceiptStat } from '../../delivery/receipt-stats.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export type HttpAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  /** A fixed header, e.g. `Authorization: App <key>` (Infobip) or `X-API-Key: <key>`. */
  | { type: 'header'; name: string; token: string };

/** A JSON tree whose string leaves are templates (see template.ts). */
export type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };

export interface HttpRequestSpec {
  method: HttpMethod;
  /** Template; placeholder values are URL-encoded. */
  url: string;
  /** Added to the URL's query string (templates; a field that renders empty is left out). */
  query: Record<string, string>;
  headers: Record<string, string>;
  auth: HttpAuth;
  body: { format: 'form' | 'json' | 'none'; fields: Record<string, JsonTemplate> };
}

export type MessageIdSource =
  /** A path into the JSON/form reply; `[*]` collects several ids (one per part). */
  | { json: string }
  | { header: string }
  /** The provider gives no id (Kannel): our id is the carrier id, carried in the receipt URL. */
  | { ours: true };

export interface HttpResponseSpec {
  success: {
    status: number[];
    /** Also required for success: this field (every value of it, with `[*]`) equals one of `equals`. */
    field?: string;
    equals?: string[];
  };
  messageId: MessageIdSource;
  /** Where the provider puts its own words about a failure; `$body` is the whole text. */
  reason: string[];
  /** Provider and operator rules, in order, before the status baseline. */
  errors: HttpErrorRule[];
}


export type VerifyType = 'twilio' | 'plivo' | 'telnyx' | 'vonage' | 'messagebird' | 'token';

export interface WebhookVerifySpec {
  type: VerifyType;
  /** HMAC key or shared token, by type: Twilio/Plivo auth token, Vonage signature secret, MessageBird signing key, the token. */
  secret?: string;
  /** Telnyx: the account's Ed25519 public key (base64 or PEM). */
  publicKey?: string;
  /** Vonage `sig` parameter method (SMS API signed DLRs); the JWT is always HS256. */
  signatureMethod?: 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';
  /** Vonage: the `api_key` claim must match when given. */
  apiKey?: string;
  /** token: the query parameter that carries it. */
  tokenParam: string;
  /** Seconds of clock skew accepted for signed timestamps (Telnyx) and JWT nbf/exp. */
  toleranceSeconds: number;
}

export interface WebhookSpec {
  /** The public URL the provider calls (status callback); the base for URL signatures. */
  url: string;
  /** Appended to `{webhook_url}` per message; literal text is kept as is (Kannel's `%d`). */
  query: Record<string, string>;
  verify: WebhookVerifySpec;
  /** Path to an array of receipts (Infobip `results`); the whole payload is one receipt otherwise. */
  items?: string;
  id: string;
  status: string;
  err?: string;
  /** A field holding an SMPP-style receipt text (`id:.. stat:.. err:..`) or `NACK/0x..` reply that refines stat and err (Kannel `%A`). */
  receiptText?: string;
  /**
   * Provider status word (compared lower case) → receipt stat; a key ending in `*` matches words
   * starting with the rest (the longest such key wins, an exact key first). Words not matched are
   * logged and ignored.
   */
  statuses: Record<string, ReceiptStat>;
  /** Only payloads whose field equals one of these are receipts (Telnyx event types). */
  filter?: { field: string; equals: string[] };
}

export interface HttpCarrierSpec {
  request: HttpRequestSpec;
  response: HttpResponseSpec;
  webhook?: WebhookSpec;
  /** Extra placeholders (account ids, keys) for the templates. */
  vars: Record<string, string>;
}
