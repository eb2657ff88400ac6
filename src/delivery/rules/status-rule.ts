import type { FailureSubject, Outcome } from '../outcome.js';

/** One row of a status table (SMPP command_status, HTTP status): what that status means. */
export interface StatusRule {
  status: number;
  name: string;
  outcome: Exclude<Outcome, 'delivered' | 'accepted'>;
  dsnStatus: string;
  subject: FailureSubject;
  /** Minimum pause the carrier should take before resending (throttling). */
  retryAfterMs?: number;
}

/** A temporary row: always about the carrier, optionally with a pause. */
export const temporary = (status: number, name: string, dsnStatus: string, retryAfterMs?: number): StatusRule => ({
  status, name, outcome: 'temporary', dsnStatus, subject: 'carrier', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});

/** A permanent row, about the number, the message or the carrier (which decides failover). */
export const permanent = (status: number, name: string, dsnStatus: string, subject: FailureSubject): StatusRule => ({
  status, name, outcome: 'permanent', dsnStatus, subject,
});
