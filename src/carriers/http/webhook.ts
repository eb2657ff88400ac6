/**
 * Delivery-status webhooks: verify the provider's signature first, then read receipts and hand
 * them to the listeners. A request that fails verification changes nothing and gets 401.
 */
import type { Logger } from 'pino';
import type { CarrierReceipt, ReceiptListener } from '../carrier.js';
import { ReceiptListeners } from '../receipt-listeners.js';
import { isRecord } from './json-path.js';
import { parseReceipts } from './receipts.js';
import { formObject } from './reply.js';
import type { WebhookSpec } from './spec.js';
import { QueueError } from '../../errors.js';
import { NonceCache, createVerifier, type NonceStore, type Verified, type Verifier, type VerifyContext, type WebhookRequest } from './verify/index.js';
import { headerValue } from './verify/types.js';

export interface WebhookResponse {
  status: number;
  body?: unknown;
}

export class WebhookHandler {
  private readonly listeners = new ReceiptListeners();
  private readonly verifier: Verifier | undefined;

  constructor(
    private readonly carrier: string,
    private readonly spec: WebhookSpec | undefined,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly nonces: NonceStore = new NonceCache(),
  ) {
    this.verifier = spec ? createVerifier(spec.verify) : undefined;
  }

  onReceipt(listener: ReceiptListener): void {
    this.listeners.add(listener);
  }

  async handle(request: WebhookRequest): Promise<WebhookResponse> {
    const { spec, verifier } = this;
    if (!spec || !verifier) return { status: 404, body: { error: 'this carrier has no webhook configured' } };
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') return { status: 405, body: { error: 'use GET or POST' } };

    const incoming = new URL(request.url, 'http://webhook.invalid');
    const configured = new URL(spec.url);
    const signedUrl = `${configured.origin}${configured.pathname}${incoming.search}`;
    const body = readBody(request);
    const query = formObject(incoming.searchParams);
    const params: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, query, body.params);
    const claimed: string[] = [];
    const claimNonce = async (nonce: string) => {
      const fresh = await this.nonces.firstUse(nonce);
      if (fresh) claimed.push(nonce);
      return fresh;
    };
    const ctx: VerifyContext = { request, signedUrl, params, formParams: body.form, now: this.now(), claimNonce };

    let verified: Verified = false;
    try {
      verified = await verifier(ctx);
    } catch (err) {
      if (err instanceof QueueError) {
        // Not known whether it is a replay: the provider's retry will tell.
        this.log.warn({ event: 'webhook.unverifiable', code: err.code, err: err.message }, 'webhook not checked, answered 503');
        return { status: 503, body: { error: 'cannot verify now, retry later' } };
      }
      this.log.warn({ err: (err as Error).message }, 'webhook verification failed with an error');
    }
    if (!verified) {
      // Nothing about the request is trusted, so nothing of it is logged beyond its shape.
      this.log.warn({ event: 'webhook.rejected', status: 401, verify: spec.verify.type, method, bytes: request.rawBody.length }, 'webhook signature invalid');
      return { status: 401, body: { error: 'invalid signature' } };
    }

    if (body.kind === 'invalid') {
      this.log.warn({ event: 'webhook.rejected', status: 400, bytes: request.rawBody.length }, 'webhook body is not valid JSON');
      return { status: 400, body: { error: 'body is not valid JSON' } };
    }
    // A signature over the body only leaves the query string unsigned: it adds nothing then.
    const queryTrusted = verified === 'request';
    const doc = isRecord(body.doc) ? (queryTrusted ? { ...query, ...body.doc } : body.doc) : body.doc === undefined ? (queryTrusted ? params : body.params) : body.doc;
    const now = this.now();
    const { receipts, skipped } = parseReceipts(spec, doc, this.carrier, now);
    for (const s of skipped) this.log.info({ event: 'webhook.skipped', carrierMessageId: s.id, status: s.status, why: s.why }, 'webhook item is not a receipt');
    const stored = await Promise.all(receipts.map((receipt) => this.emit(receipt)));
    // 503 makes the provider retry the callback: a receipt we could not store is not acknowledged,
    // and its nonce is given back so that the retry is not taken for a replay.
    if (stored.includes(false)) {
      await Promise.all(claimed.map((nonce) => Promise.resolve(this.nonces.forget(nonce)).catch(() => undefined)));
      return { status: 503, body: { error: 'receipt not stored, retry later' } };
    }
    return { status: 200, body: { received: receipts.length } };
  }

  private async emit(receipt: CarrierReceipt): Promise<boolean> {
    this.log.info({ event: 'receipt', carrierMessageId: receipt.carrierMessageId, stat: receipt.stat, err: receipt.err }, 'delivery receipt');
    return this.listeners.deliver(receipt, this.log);
  }
}

interface Body {
  kind: 'empty' | 'form' | 'json' | 'invalid';
  doc: unknown;
  params: Record<string, string>;
  form: [string, string][];
}

function readBody(request: WebhookRequest): Body {
  const text = request.rawBody.toString('utf8');
  if (text.trim() === '') return { kind: 'empty', doc: undefined, params: {}, form: [] };
  const type = (headerValue(request.headers, 'content-type') ?? '').toLowerCase();
  if (type.includes('json') || (!type.includes('form') && /^\s*[[{]/.test(text))) {
    try {
      const doc = JSON.parse(text) as unknown;
      const params: Record<string, string> = {};
      if (isRecord(doc)) {
        for (const [key, value] of Object.entries(doc)) if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params[key] = String(value);
      }
      return { kind: 'json', doc, params, form: [] };
    } catch {
      return { kind: 'invalid', doc: undefined, params: {}, form: [] };
    }
  }
  const search = new URLSearchParams(text);
  return { kind: 'form', doc: undefined, params: formObject(search), form: [...search] };
}
