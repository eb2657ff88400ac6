/**
 * Error families. Each carries a stable `code` (for logs, metrics and tests) and whether the
 * failure is `permanent`. Anything not proven permanent is temporary: the sender or the queue
 * retries, and a message is never dropped on a guess.
 */
export abstract class Smtp2SmsError extends Error {
  abstract readonly family: string;
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration could not be loaded or validated; names the offending key. */
export class ConfigError extends Smtp2SmsError {
  readonly family = 'config';
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

/** The durable queue (Redis) could not take or give a job. Always temporary. */
export class QueueError extends Smtp2SmsError {
  readonly family = 'queue';
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

/**
 * A delivery status notification could not be handed to the outgoing mail transport: permanent
 * when the smarthost refused it with a 5xx (retrying would only be refused again), else temporary.
 */
export class BounceError extends Smtp2SmsError {
  readonly family = 'bounce';
}

/** A mail could not be turned into SMS text. */
export class MessageError extends Smtp2SmsError {
  readonly family = 'message';
}

/**
 * A carrier refused or failed a submission. `permanent` comes from the classifier, never from a
 * guess in the carrier code; `retryAfterMs` lets the carrier ask for a pause (throttling).
 */
export class CarrierError extends Smtp2SmsError {
  readonly family = 'carrier';
  constructor(
    code: string,
    message: string,
    permanent: boolean,
    readonly details: {
      carrier?: string;
      commandStatus?: number;
      retryAfterMs?: number;
      /** Carrier ids of the parts accepted before this failure, so a retry resumes after them. */
      acceptedPartIds?: string[];
      /** RFC 3463 status for a DSN, from the classifier. */
      dsnStatus?: string;
      /** Whether the failure is about the number, the message or the carrier (failover). */
      subject?: 'number' | 'message' | 'carrier';
      /** The DSN's Diagnostic-Code, typed: `smpp; 0x0000000B ESME_RINVDSTADR`, `http; 400 ...`. */
      diagnostic?: string;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, permanent, options);
  }
}
