import type { Classification } from './outcome.js';
import { RECEIPT_ERR_RULES, RECEIPT_STAT_RULES, type ReceiptStatRule } from './rules/receipt-stat.js';

export interface ReceiptClassification extends Classification {
  /** False for progress reports (ACCEPTD, ENROUTE): the message still waits for its outcome. */
  final: boolean;
  /** False for a stat word no rule knows (logged, so the operator can add a rule). */
  recognised: boolean;
}

export type ReceiptErrOverrides = Record<string, { dsnStatus: string; subject?: 'number' | 'message' | 'carrier'; description?: string }>;

const BY_STAT = new Map<string, ReceiptStatRule>(RECEIPT_STAT_RULES.map((r) => [r.stat, r]));

/**
 * Receipt stat/err → outcome and DSN status. An unknown stat word is not final: unknown is never
 * proof of failure, so the message waits for a known receipt or its validity deadline.
 */
export function classifyReceipt(stat: string, err: string | undefined, errOverrides: ReceiptErrOverrides = {}, mapErrCodes = true): ReceiptClassification {
  const word = stat.trim().toUpperCase();
  const rule = BY_STAT.get(word);
  const errKey = err === undefined ? undefined : err.trim().padStart(3, '0');
  const words = `stat:${word}${err !== undefined ? ` err:${err}` : ''}`;
  if (!rule) {
    return { final: false, recognised: false, outcome: 'accepted', code: `DLR_${word || 'EMPTY'}`, dsnStatus: '4.0.0', subject: 'carrier', reason: `${words} (unrecognised receipt state)` };
  }
  const base: ReceiptClassification = {
    final: rule.final,
    recognised: true,
    outcome: rule.outcome,
    code: `DLR_${rule.stat}`,
    dsnStatus: rule.dsnStatus,
    subject: rule.subject,
    reason: `${words} (${rule.description})`,
  };
  if (rule.outcome !== 'permanent' || errKey === undefined || /^0+$/.test(errKey)) return base;
  // The GSM MAP causes are what SMSCs put in `err`; an HTTP provider's own codes mean other things
  // (Vonage err-code 1 is "unknown", not MAP's "unknown subscriber"). Operator overrides apply to all.
  const refinement = errOverrides[errKey] ?? (mapErrCodes ? RECEIPT_ERR_RULES[errKey] : undefined);
  if (!refinement) return base;
  // An expiry stays an expiry (4.4.7): the err only says why the handset could not be reached.
  if (rule.stat === 'EXPIRED') return { ...base, reason: `${words} (${rule.description}: ${refinement.description ?? 'err ' + errKey})` };
  return { ...base, dsnStatus: refinement.dsnStatus, subject: refinement.subject ?? base.subject, reason: `${words} (${refinement.description ?? rule.description})` };
}
