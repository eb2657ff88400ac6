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
   * receipt: accept, then send a receipt with `receiptStat`/`receiptErr` instead of DELIVRD/000.
   */
  action: 'reject' | 'ignore' | 'delay' | 'receipt';
  commandStatus?: number;
  delayMs?: number;
  receiptStat?: ReceiptStat;
  receiptErr?: string;
}

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
  /** Default hex. */
  messageIdFormat?: 'hex' | 'decimal';
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
