import type { FailureSubject, Outcome } from '../outcome.js';
import { permanent, temporary, type StatusRule } from './status-rule.js';

/**
 * How an HTTP carrier's reply is classified: rules as data, first match wins. A carrier's own rules
 * (its preset's, then the operator's `response.errors`) come before this baseline, which only
 * looks at the status code. Unknown failures are temporary; a 4xx is the server saying the request
 * itself is refused, so it is permanent, but about the carrier (another carrier may take it) unless
 * a provider rule proves it is about the number or the message.
 */
export interface HttpErrorRule {
  /** HTTP status codes this rule applies to; any when omitted. */
  status?: number[];
  /**
   * Where to look in the reply: a path into the parsed JSON/form body (see json-path.ts) or
   * `$body` for the raw text. Without `field`, only the status is matched.
   */
  field?: string;
  /** The field equals one of these (compared as text, case-insensitive). */
  equals?: string[];
  /** The field contains this text (case-insensitive). */
  contains?: string;
  outcome: Exclude<Outcome, 'delivered' | 'accepted'>;
  /** Stable name for logs, metrics and the DSN, e.g. TWILIO_21211. */
  code: string;
  dsnStatus: string;
  subject: FailureSubject;
  /** Minimum pause before the next attempt when the reply has no Retry-After. */
  retryAfterMs?: number;
}

export type HttpStatusRule = StatusRule;

const t = temporary;
const p = permanent;

/** One row per status with a meaning of its own; the class rules below cover the rest. */
export const HTTP_STATUS_RULES: readonly HttpStatusRule[] = [
  p(400, 'BAD_REQUEST', '5.0.0', 'carrier'),
  p(401, 'UNAUTHORIZED', '5.7.0', 'carrier'),
  p(402, 'PAYMENT_REQUIRED', '5.7.0', 'carrier'),
  p(403, 'FORBIDDEN', '5.7.1', 'carrier'),
  p(404, 'NOT_FOUND', '5.0.0', 'carrier'),
  p(405, 'METHOD_NOT_ALLOWED', '5.0.0', 'carrier'),
  t(408, 'REQUEST_TIMEOUT', '4.4.1'),
  t(409, 'CONFLICT', '4.0.0'),
  p(413, 'PAYLOAD_TOO_LARGE', '5.3.4', 'message'),
  p(415, 'UNSUPPORTED_MEDIA_TYPE', '5.0.0', 'carrier'),
  p(422, 'UNPROCESSABLE_ENTITY', '5.0.0', 'carrier'),
  t(425, 'TOO_EARLY', '4.4.5', 1_000),
  t(429, 'TOO_MANY_REQUESTS', '4.4.5', 1_000),
  t(500, 'INTERNAL_SERVER_ERROR', '4.3.0'),
  t(502, 'BAD_GATEWAY', '4.4.1'),
  t(503, 'SERVICE_UNAVAILABLE', '4.3.0', 1_000),
  t(504, 'GATEWAY_TIMEOUT', '4.4.1'),
];

/** Statuses without a row: by class. Anything outside 4xx/5xx (3xx, a 2xx not recognised as success) is unknown, so temporary. */
export function httpClassRule(status: number): HttpStatusRule {
  if (status >= 400 && status < 500) return p(status, 'CLIENT_ERROR', '5.0.0', 'carrier');
  if (status >= 500 && status < 600) return t(status, 'SERVER_ERROR', '4.3.0');
  return t(status, 'UNRECOGNISED_REPLY', '4.0.0');
}

/** Retry-After beyond this is not honoured as given: the queue's own backoff takes over. */
export const MAX_RETRY_AFTER_MS = 3_600_000;
