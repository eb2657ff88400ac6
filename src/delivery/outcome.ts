/** What a carrier's answer means for a message, independent of which carrier gave it. */
export type Outcome = 'delivered' | 'accepted' | 'temporary' | 'permanent';

/**
 * What a permanent failure is about decides failover: a bad number fails the same everywhere,
 * while an account or route problem may not exist at the next carrier.
 */
export type FailureSubject = 'number' | 'message' | 'carrier';

export interface Classification {
  outcome: Outcome;
  /** Stable name for logs, metrics and Diagnostic-Code, e.g. ESME_RINVDSTADR or SMPP_TIMEOUT. */
  code: string;
  /** RFC 3463 enhanced status code for the DSN. */
  dsnStatus: string;
  subject: FailureSubject;
  /** Human-readable reason, in the carrier's words where we have them. */
  reason: string;
  /** The carrier asked us to slow down: wait at least this long before the next attempt. */
  retryAfterMs?: number;
}
