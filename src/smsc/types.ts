/**
 * Public shapes of the SMSC simulator: its options, its error-injection rules and what it records.
 * Kept apart from the server so that config code and tests can name them without pulling in `smpp`.
 */

/** pino-compatible; the simulator logs sessions and faults, never message text. */
export interface SmscLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD';

/**
 * Error injection by destination number; the first matching rule decides.
 * `match`: an exact number, a prefix ending in `*` (`+44*`), or `*` for every number. A leading `+`
 * is ignored on both sides because clients send E.164 digits without it (ton=1, npi=1).
 */
export interface SmscRule {
  match: string;
  /**
   * reject: answer submit_sm with `commandStatus` (default ESME_RSUBMITFAIL).
   * ignore: never answer submit_sm (tests the client's response timeout).
   * delay: accept, but answer only after `delayMs` (default 5000).
   * receipt: accept, then send a receipt with `receiptStat`/`receiptErr` instead of DELIVRD/000,
   *   after `delayMs` when given (else deliveryReceipts.delayMs).
   * receipt-first: accept, send the receipt at once, and answer submit_sm only after `delayMs`
   *   (default 300): the receipt names a message id the client has not been told yet.
   */
  action: 'reject' | 'ignore' | 'delay' | 'receipt' | 'receipt-first';
  commandStatus?: number;
  delayMs?: number;
  receiptStat?: ReceiptStat;
  receiptErr?: string;
  /**
   * 1-based part of a concatenated message that gets `receiptStat`/`receiptErr`; the other parts
   * get DELIVRD/000. Absent: every part gets them. A single-part message counts as part 1.
   */
  failPart?: number;
}

/**
 * How a receipt names the message (its `id:` text and receipted_message_id TLV):
 * same: as in submit_sm_resp.
 * decimal: the id's numeric value in decimal, zero-padded to 10 digits (SMPP 3.4 Appendix B). Hex
 *   ids are read as hex, so submit_sm_resp `1a2b3c4d` is receipted as `0439041101`; the mismatch
 *   many real SMSCs have.
 * padded-upper: upper-cased and left-padded with zeros to 16 characters.
 */
export type ReceiptIdFormat = 'same' | 'decimal' | 'padded-upper';

export interface SmscOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 2775; 0 picks an ephemeral port (tests). */
  port?: number;
  /** When set, a bind with another system_id gets ESME_RINVSYSID. */
  systemId?: string;
  /** When set, a bind with another password gets ESME_RINVPASWD. */
  password?: string;
  /** Default enabled, 200 ms. `enabled: false` turns off every receipt, rule-driven ones included. */
  deliveryReceipts?: { enabled: boolean; delayMs: number };
  /** Replaces DEFAULT_SMSC_RULES when given; spread DEFAULT_SMSC_RULES in to keep them. */
  rules?: SmscRule[];
  /** submit_sm per second above which ESME_RTHROTTLED is answered; 0 or absent = unlimited. */
  maxThroughputPerSecond?: number;
  /** Default hex (8 digits at most, so that `receiptIdFormat: 'decimal'` fits in 10). */
  messageIdFormat?: 'hex' | 'decimal';
  /** Default same; see ReceiptIdFormat. */
  receiptIdFormat?: ReceiptIdFormat;
  /**
   * Default true. False sends the receipt text alone, without the receipted_message_id and
   * message_state TLVs, as SMPP 3.3-era SMSCs do: the client must parse the text.
   */
  receiptTlvs?: boolean;
  /** Default all. `first`: a concatenated message gets one receipt, for its part 1, as some carriers do. */
  receiptParts?: 'all' | 'first';
  logger?: SmscLogger;
  /**
   * How many parts and messages to keep in `parts`/`messages` (oldest dropped first), so a
   * long-running `smtp2sms smsc` does not grow without bound. Default 100000.
   */
  retain?: number;
}

/** One accepted submit_sm, as it arrived. Addresses are kept exactly as sent (usually no '+'). */
export interface ReceivedPart {
  /** system_id of the session that submitted it. */
  systemId: string;
  source: string;
  destination: string;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** The short_message field exactly as on the wire, UDH included. */
  shortMessage: Buffer;
  /** The user data header without its length octet, when esm_class has UDHI (0x40). */
  udh?: Buffer;
  messagePayload?: Buffer;
  /** Concatenation info from SAR TLVs. */
  sar?: { ref: number; total: number; seq: number };
  /** The text octets: short_message (or message_payload when short_message is empty) minus UDH. */
  body: Buffer;
  messageId: string;
  receivedAt: number;
}

/** A complete message: every part of its concatenation group arrived, in order of seq. */
export interface ReceivedMessage {
  destination: string;
  source: string;
  text: string;
  dataCoding: number;
  parts: ReceivedPart[];
}

/** Payload of the 'bind' event. */
export interface SmscBindEvent {
  systemId: string;
  mode: 'transmitter' | 'receiver' | 'transceiver';
  remoteAddress?: string;
}

/** Payload of the 'rejected' event: a submit_sm answered with an error status, or never answered. */
export interface SmscRejectEvent {
  systemId: string;
  destination: string;
  commandStatus: number | null;
  reason: 'rule' | 'throttled' | 'malformed' | 'not-bound';
}
