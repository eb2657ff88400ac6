import type { ConcatMethod, GsmAlphabet, SmsMessage } from '../sms/index.js';

/** One SMS to one number, already encoded and segmented by src/sms. */
export interface OutboundSms {
  /** Our id for this recipient's message (the queue job id). */
  id: string;
  /** E.164 with the leading '+'. */
  to: string;
  /** Source address: alphanumeric sender id or a number. */
  from: string;
  sms: SmsMessage;
  /** Epoch ms after which the carrier should give up (SMPP validity_period). */
  validUntil?: number;
  /** Ask the carrier for delivery receipts. */
  wantReceipt: boolean;
  /** Concatenation reference, stable across retries so a handset can still reassemble. */
  concatRef: number;
  /**
   * Parts already accepted by this carrier in an earlier attempt (ids in part order): a retry
   * resumes after them instead of sending duplicates.
   */
  acceptedPartIds?: string[];
  /**
   * Called when the carrier has taken a part and more are to follow, with every id so far: the
   * caller saves them, so that a crash before the last part does not send the first ones again.
   */
  onPartsAccepted?(partIds: readonly string[]): void;
}

export interface SubmitResult {
  carrier: string;
  /** The carrier's id for each submitted part, in part order (one entry for payload/HTTP). */
  partIds: string[];
}

export interface CarrierHealth {
  name: string;
  type: string;
  /** Able to take submissions now (bound / reachable). */
  up: boolean;
  detail: string;
}

/** A delivery receipt as the carrier reported it, before correlation with our status store. */
/** May return a promise; a rejection means "not stored". */
export type ReceiptListener = (receipt: CarrierReceipt) => unknown;

export interface CarrierReceipt {
  carrier: string;
  carrierMessageId: string;
  /** DLR stat (DELIVRD, UNDELIV, EXPIRED, ...) or the provider's status word. */
  stat: string;
  err?: string;
  /**
   * `err` is the provider's own code (an HTTP webhook field), not a GSM MAP cause from an SMSC's
   * receipt (SMPP, Kannel's %A): the MAP table must not be read into it.
   */
  errIsProviderCode?: true;
  /**
   * `carrierMessageId` is the submit id as the carrier gave it (SMPP's receipted_message_id TLV),
   * so it is looked up as it is first, before the forms `receiptIdFormat` allows (which describe
   * the id in the receipt text).
   */
  idIsSubmitId?: true;
  /** Receipt text or provider payload, for the DSN's diagnostic. */
  raw: string;
  receivedAt: number;
}

/**
 * The driver interface every carrier type implements. `submit` resolves when the carrier has
 * accepted every part and rejects with a CarrierError whose `permanent` flag comes from the
 * classifier. It must not block other submissions (Kannel's rule for send_msg).
 */
export interface Carrier {
  readonly name: string;
  readonly type: string;
  /** How this carrier wants long messages cut; the worker builds the SmsMessage with it. */
  readonly concat: ConcatMethod;
  /** The octets it takes for GSM-7 text; absent = GSM septets. */
  readonly gsmAlphabet?: GsmAlphabet;
  start(): Promise<void>;
  stop(): Promise<void>;
  submit(sms: OutboundSms): Promise<SubmitResult>;
  health(): CarrierHealth;
  /**
   * Delivery receipts are pushed here; the status store subscribes. A listener that rejects could
   * not store the receipt: the carrier then asks its sender to deliver it again (SMPP temporary
   * error, HTTP 503) instead of acknowledging a receipt that would be lost.
   */
  onReceipt(listener: ReceiptListener): void;
  /**
   * Carriers that report by webhook (HTTP providers) take `GET|POST /webhooks/<name>` here. The
   * signature is verified first: a bad one answers 401 and emits nothing; verified receipts go to
   * the onReceipt listeners. `rawBody` must be the bytes as received (signatures cover them).
   */
  handleWebhook?(request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; rawBody: Buffer }): Promise<{ status: number; body?: unknown }>;
}
