/**
 * The generic HTTP carrier: one request per message (the provider concatenates), classified by
 * rules as data; delivery receipts arrive through handleWebhook. Importing this does no I/O.
 */
import type { Logger } from 'pino';
import { HttpReplyClassifier, classifyHttpTimeout, classifyHttpUnavailable, classifyTooManySegments } from '../../delivery/classify-http.js';
import type { Classification } from '../../delivery/outcome.js';
import type { CarrierError } from '../../errors.js';
import { classifiedError } from '../classified-error.js';
import type { Carrier, CarrierHealth, OutboundSms, ReceiptListener, SubmitResult } from '../carrier.js';
import { withoutMessageText, withoutSecrets } from './redact-echo.js';
import { isSuccess, messageIds, readReply } from './reply.js';
import { buildRequest, describeTarget, messageValues } from './request.js';
import type { HttpCarrierSpec } from './spec.js';
import { HttpTransport } from './transport.js';
import type { NonceStore, WebhookRequest } from './verify/index.js';
import { WebhookHandler, type WebhookResponse } from './webhook.js';

export interface HttpCarrierOptions {
  name: string;
  spec: HttpCarrierSpec;
  /** Overrides OutboundSms.from for this carrier. */
  from?: string;
  responseTimeoutMs: number;
  connections: number;
  maxSegments?: number;
  /** Shown by health() and in logs, e.g. the preset name. */
  label: string;
  /** The carrier's credentials, scrubbed from provider replies that quote them. */
  secrets?: readonly string[];
}

export interface HttpCarrierDeps {
  logger: Logger;
  /** Clock for signatures and Retry-After dates; tests fix it. */
  now?: () => number;
  /** Webhook nonces seen (replay check); in this process only when not given. */
  nonces?: NonceStore;
}

export class HttpCarrier implements Carrier {
  readonly type = 'http';
  readonly concat = 'payload' as const;
  readonly name: string;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly classifier: HttpReplyClassifier;
  private readonly webhooks: WebhookHandler;
  private transport: HttpTransport | undefined;
  private stopped = false;
  private last = 'no request yet';

  constructor(private readonly options: HttpCarrierOptions, deps: HttpCarrierDeps) {
    this.name = options.name;
    this.now = deps.now ?? Date.now;
    // Never the options or the spec: they hold credentials.
    this.log = deps.logger.child({ carrier: this.name });
    this.classifier = new HttpReplyClassifier(options.spec.response.errors, options.spec.response.reason);
    this.webhooks = new WebhookHandler(this.name, options.spec.webhook, this.log, this.now, deps.nonces);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.transport ??= new HttpTransport({ timeoutMs: this.options.responseTimeoutMs, connections: this.options.connections });
    this.log.info({ label: this.options.label, webhook: !!this.options.spec.webhook }, 'HTTP carrier ready');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const transport = this.transport;
    this.transport = undefined;
    await transport?.close();
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    // A retry after the provider already took the message must not send it twice.
    if (sms.acceptedPartIds && sms.acceptedPartIds.length > 0) {
      this.log.info({ id: sms.id, carrierIds: sms.acceptedPartIds }, 'already accepted, not sent again');
      return { carrier: this.name, partIds: [...sms.acceptedPartIds] };
    }
    const transport = this.transport;
    if (!transport || this.stopped) throw classifiedError(this.name, 'http', classifyHttpUnavailable('carrier is not started'));
    const parts = sms.sms.parts;
    const max = this.options.maxSegments;
    if (max !== undefined && parts > max) throw this.fail(sms, classifyTooManySegments(parts, max));

    const now = this.now();
    const values = messageValues(this.options.spec, sms, { ...(this.options.from ? { from: this.options.from } : {}), parts, now });
    const request = buildRequest(this.options.spec, values);
    const target = describeTarget(request);
    const started = Date.now();
    const result = await transport.send(request);
    const ms = Date.now() - started;
    if (!result.ok) {
      this.last = `${result.kind} after ${ms} ms`;
      const classification = result.kind === 'timeout' ? classifyHttpTimeout(this.options.responseTimeoutMs) : classifyHttpUnavailable(result.detail);
      throw this.fail(sms, classification, { target, ms }, request.credentials);
    }
    const reply = readReply(result.reply);
    // A success status whose body then broke off: the provider most likely has the message, and
    // sending it again could put it on the phone twice. Accepted; receipts (or the deadline) tell.
    const brokenSuccess = result.bodyError !== undefined && this.options.spec.response.success.status.includes(reply.status);
    if (brokenSuccess) this.log.warn({ id: sms.id, target, status: reply.status, err: result.bodyError }, 'success status but the reply body broke off: taken as accepted, not sent again');
    if (brokenSuccess || isSuccess(this.options.spec.response, reply)) {
      let partIds = messageIds(this.options.spec.response, reply, sms.id);
      if (partIds.length === 0) {
        this.log.warn({ id: sms.id, target, status: reply.status }, 'accepted without a message id: receipts cannot be matched');
        partIds = [sms.id];
      }
      this.last = `${reply.status} in ${ms} ms`;
      this.log.info({ id: sms.id, target, status: reply.status, ms, parts, encoding: sms.sms.encoding, carrierIds: partIds }, 'submitted');
      return { carrier: this.name, partIds };
    }
    this.last = `${reply.status} in ${ms} ms`;
    // A reply that broke off is classified from what arrived; the log says so.
    throw this.fail(sms, this.classifier.classify(reply, this.now()), { target, ms, status: reply.status, ...(result.bodyError ? { bodyError: result.bodyError } : {}) }, request.credentials);
  }

  health(): CarrierHealth {
    const up = this.transport !== undefined && !this.stopped;
    return { name: this.name, type: this.type, up, detail: up ? `${this.options.label}: ${this.last}` : 'not started' };
  }

  onReceipt(listener: ReceiptListener): void {
    this.webhooks.onReceipt(listener);
  }

  /** `POST|GET /webhooks/<name>`: verified delivery reports become receipts; a bad signature is 401. */
  handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    return this.webhooks.handle(request);
  }

  private fail(sms: OutboundSms, provider: Classification, context: Record<string, unknown> = {}, credentials: readonly string[] = []): CarrierError {
    const secrets = [...(this.options.secrets ?? []), ...credentials];
    const reason = withoutSecrets(withoutMessageText(provider.reason, sms.sms.text), secrets);
    const classification = { ...provider, reason };
    this.log.warn({ id: sms.id, ...context, code: classification.code, outcome: classification.outcome, subject: classification.subject, retryAfterMs: classification.retryAfterMs, reason: classification.reason }, 'submit failed');
    return classifiedError(this.name, 'http', classification);
  }
}
