import { getTexts } from '../carriers/http/json-path.js';
import type { Classification } from './outcome.js';
import { HTTP_STATUS_RULES, MAX_RETRY_AFTER_MS, httpClassRule, type HttpErrorRule, type HttpStatusRule } from './rules/http-status.js';

/** An HTTP carrier's answer, already read: the parsed body (JSON or form) and its text. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON or form body; undefined for text or an empty body. */
  doc: unknown;
  /** The body as text, capped by the transport. */
  text: string;
}

const REASON_MAX = 200;
const BY_STATUS = new Map(HTTP_STATUS_RULES.map((rule) => [rule.status, rule]));

/**
 * Pure: a reply that is not a success → outcome, DSN status, subject, and how long to wait.
 * `rules` are the carrier's (preset and operator) in order; the status baseline comes after them.
 * `reasonFields` say where the provider puts its own words (`message`, `errors[0].detail`, `$body`).
 */
export class HttpReplyClassifier {
  constructor(
    private readonly rules: readonly HttpErrorRule[] = [],
    private readonly reasonFields: readonly string[] = [],
  ) {}

  classify(reply: HttpReply, now = Date.now()): Classification {
    const words = this.reason(reply);
    const headerWait = parseRetryAfter(header(reply.headers, 'retry-after'), now);
    const rule = this.rules.find((r) => matches(r, reply));
    const base: HttpStatusRule = rule
      ? { status: reply.status, name: rule.code, outcome: rule.outcome, dsnStatus: rule.dsnStatus, subject: rule.subject, ...(rule.retryAfterMs !== undefined ? { retryAfterMs: rule.retryAfterMs } : {}) }
      : BY_STATUS.get(reply.status) ?? httpClassRule(reply.status);
    const code = rule ? rule.code : `HTTP_${reply.status}_${base.name}`;
    const classification: Classification = {
      outcome: base.outcome,
      code,
      dsnStatus: base.dsnStatus,
      subject: base.subject,
      reason: `HTTP ${reply.status}${words ? `: ${words}` : ` ${base.name.toLowerCase().replace(/_/g, ' ')}`}`,
    };
    // Retry-After is honoured for any temporary failure that carries it (429, 503, other 5xx).
    const wait = base.outcome === 'temporary' ? headerWait ?? base.retryAfterMs : undefined;
    if (wait !== undefined) classification.retryAfterMs = wait;
    return classification;
  }

  /** The provider's own words about the failure, short and on one line. */
  reason(reply: HttpReply): string {
    for (const field of this.reasonFields) {
      const text = field === '$body' ? reply.text : getTexts(reply.doc, field)[0];
      if (text && text.trim() !== '') return oneLine(text);
    }
    return '';
  }
}

function matches(rule: HttpErrorRule, reply: HttpReply): boolean {
  if (rule.status && !rule.status.includes(reply.status)) return false;
  if (rule.field === undefined) return rule.equals === undefined && rule.contains === undefined ? true : false;
  const values = rule.field === '$body' ? [reply.text] : getTexts(reply.doc, rule.field);
  if (values.length === 0) return false;
  return values.some((value) => {
    const v = value.toLowerCase();
    if (rule.equals && !rule.equals.some((e) => e.toLowerCase() === v)) return false;
    if (rule.contains !== undefined && !v.includes(rule.contains.toLowerCase())) return false;
    return true;
  });
}

/** No answer in time is no proof of failure: the provider may have the message. */
export function classifyHttpTimeout(waitedMs: number): Classification {
  return { outcome: 'temporary', code: 'HTTP_TIMEOUT', dsnStatus: '4.4.1', subject: 'carrier', reason: `no HTTP reply within ${waitedMs} ms` };
}

/** Connection refused, reset, DNS failure, TLS failure: the carrier could not be reached. */
export function classifyHttpUnavailable(detail: string): Classification {
  return { outcome: 'temporary', code: 'HTTP_UNAVAILABLE', dsnStatus: '4.4.1', subject: 'carrier', reason: detail };
}

/** A message with more parts than this carrier takes: another carrier may take it. */
export function classifyTooManySegments(parts: number, max: number): Classification {
  return { outcome: 'permanent', code: 'HTTP_TOO_MANY_SEGMENTS', dsnStatus: '5.3.4', subject: 'carrier', reason: `${parts} segments, this carrier takes at most ${max}` };
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds from `now`,
 * capped; undefined when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // Only HTTP-date shapes: a bare number with a decimal point or sign is not a date.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > REASON_MAX ? `${flat.slice(0, REASON_MAX - 1)}…` : flat;
}
