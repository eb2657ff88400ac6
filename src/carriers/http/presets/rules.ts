/** Shorthands for writing provider error tables as rows. */
import type { FailureSubject } from '../../../delivery/outcome.js';
import type { HttpErrorRule } from '../../../delivery/rules/http-status.js';

/** A permanent failure when `field` equals one of `values`. */
export function permanent(code: string, field: string, values: string[], subject: FailureSubject, dsnStatus: string): HttpErrorRule {
  return { field, equals: values, outcome: 'permanent', code, dsnStatus, subject };
}

/** A temporary failure when `field` equals one of `values`. */
export function temporary(code: string, field: string, values: string[], dsnStatus: string, retryAfterMs?: number): HttpErrorRule {
  return { field, equals: values, outcome: 'temporary', code, dsnStatus, subject: 'carrier', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

/** A rule on the raw text of a reply with this status (Kannel answers in plain text). */
export function textRule(code: string, status: number, contains: string, outcome: 'temporary' | 'permanent', subject: FailureSubject, dsnStatus: string): HttpErrorRule {
  return { status: [status], field: '$body', contains, outcome, code, dsnStatus, subject };
}
