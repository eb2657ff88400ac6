import { ConfigError } from '../errors.js';
import type { Classification } from './outcome.js';
import { SMPP_STATUS_RULES, type SmppStatusRule } from './rules/smpp-status.js';

export type SmppRuleOverrides = Record<string, Pick<SmppStatusRule, 'outcome'> & Partial<SmppStatusRule>>;

/** A classifier over a fixed rule table; overrides are keyed by status name or hex (`0x45`). */
export class SmppStatusClassifier {
  private readonly rules = new Map<number, SmppStatusRule>();

  constructor(overrides: SmppRuleOverrides = {}) {
    for (const rule of SMPP_STATUS_RULES) this.rules.set(rule.status, rule);
    for (const [key, override] of Object.entries(overrides)) {
      const status = parseStatusKey(key, this.rules);
      const base = this.rules.get(status);
      const flipped = base !== undefined && base.outcome !== override.outcome;
      this.rules.set(status, {
        status,
        name: base?.name ?? `SMPP_0x${status.toString(16).padStart(8, '0').toUpperCase()}`,
        subject: base?.subject ?? 'carrier',
        // A row whose outcome is flipped does not keep the status and pause of the other outcome.
        dsnStatus: !base || flipped ? (override.outcome === 'permanent' ? '5.0.0' : '4.0.0') : base.dsnStatus,
        ...(base?.retryAfterMs !== undefined && !flipped ? { retryAfterMs: base.retryAfterMs } : {}),
        outcome: override.outcome,
        ...(override.dsnStatus !== undefined ? { dsnStatus: override.dsnStatus } : {}),
        ...(override.subject !== undefined ? { subject: override.subject } : {}),
        ...(override.retryAfterMs !== undefined ? { retryAfterMs: override.retryAfterMs } : {}),
      });
    }
  }

  classify(status: number): Classification {
    if (status === 0) {
      return { outcome: 'accepted', code: 'ESME_ROK', dsnStatus: '2.0.0', subject: 'carrier', reason: 'accepted by SMSC' };
    }
    const rule = this.rules.get(status);
    const hex = `0x${status.toString(16).padStart(8, '0').toUpperCase()}`;
    if (!rule) {
      return { outcome: 'temporary', code: `SMPP_${hex}`, dsnStatus: '4.0.0', subject: 'carrier', reason: `${hex} unknown SMPP status` };
    }
    return {
      outcome: rule.outcome,
      code: rule.name,
      dsnStatus: rule.dsnStatus,
      subject: rule.subject,
      reason: `${hex} ${rule.name}`,
      ...(rule.retryAfterMs !== undefined ? { retryAfterMs: rule.retryAfterMs } : {}),
    };
  }
}

/** No answer in time is never proof of failure: the SMSC may have the message. */
export function classifySmppTimeout(waitedMs: number): Classification {
  return { outcome: 'temporary', code: 'SMPP_TIMEOUT', dsnStatus: '4.4.1', subject: 'carrier', reason: `no submit_sm_resp within ${waitedMs} ms` };
}

/**
 * A part still waiting (throttled, window full, not bound) when the message's validity ended: its
 * submit_sm would carry a validity_period in the past. Code EXPIRED, so it ends as "expired" (4.4.7).
 */
export function classifySmppExpired(): Classification {
  return { outcome: 'permanent', code: 'EXPIRED', dsnStatus: '4.4.7', subject: 'message', reason: 'validity period ended while the part waited to be sent' };
}

export function classifySmppUnavailable(detail: string): Classification {
  return { outcome: 'temporary', code: 'SMPP_UNAVAILABLE', dsnStatus: '4.4.1', subject: 'carrier', reason: detail };
}

function parseStatusKey(key: string, rules: Map<number, SmppStatusRule>): number {
  if (/^0x[0-9a-f]+$/i.test(key)) return Number.parseInt(key.slice(2), 16);
  if (/^\d+$/.test(key)) return Number(key);
  for (const rule of rules.values()) if (rule.name === key.toUpperCase()) return rule.status;
  throw new ConfigError('UNKNOWN_SMPP_STATUS', `delivery.smppStatus: unknown SMPP status "${key}" (use a name like ESME_RSUBMITFAIL or hex like 0x45)`);
}
