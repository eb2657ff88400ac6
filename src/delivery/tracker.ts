import type { Logger } from 'pino';
import type { CarrierReceipt } from '../carriers/carrier.js';
import { receiptIdCandidates, type ReceiptIdFormat } from './carrier-ids.js';
import { classifyReceipt, type ReceiptErrOverrides } from './classify-receipt.js';
import type { Metrics } from '../observability/metrics.js';
import type { StatusStore } from './status-store.js';
import type { RecipientStatus } from './status-types.js';
import { startPolling } from '../polling.js';

export type FinalOutcome = 'delivered' | 'failed' | 'expired';

/** Held mails a summary's outcome is passed on to at once: a receipt's acknowledgement waits for them. */
const COVERED_CONCURRENCY = 20;

/** A recipient's final state that a carrier's answer, a receipt or expiry set (not storm control's). */
export function isFinalOutcome(state: string | undefined): state is FinalOutcome {
  return state === 'delivered' || state === 'failed' || state === 'expired';
}

export interface FinalDetails {
  code: string;
  dsnStatus: string;
  reason: string;
  diagnostic?: string;
}

export interface FinalEvent {
  jobId: string;
  txId: string;
  outcome: FinalOutcome;
  code: string;
  dsnStatus: string;
  reason: string;
  diagnostic?: string;
  /** The recipient's RFC 3461 NOTIFY, so the notifier can often decide without a read. */
  notify?: string[];
}

export interface TrackerOptions {
  receiptIdFormat(carrier: string): ReceiptIdFormat;
  /** The Diagnostic-Code type for a carrier's receipts: smpp, http. */
  diagnosticType(carrier: string): string;
  /** How long a receipt that matches no submitted part is kept and retried. */
  holdUnmatchedMs: number;
  retryEveryMs: number;
  receiptErrors: ReceiptErrOverrides;
  /** How long a final outcome's follow-up (DSN scheduling) may stay unconfirmed before it is retried (default 1 min). */
  followUpMs?: number;
  /**
   * Whether this outcome may lead to a DSN (the sender's NOTIFY); one that cannot (a delivery
   * without NOTIFY=SUCCESS, most of them) gets no follow-up at all. Default: every outcome may.
   */
  mayNotify?(outcome: FinalOutcome, notify: string[] | undefined): boolean;
  metrics?: Pick<Metrics, 'receipts' | 'smsOutcomes'>;
}

/** What a receipt that found its message did: recorded, or recorded with a stat word no rule knows. */
type Applied = 'matched' | 'unknown_stat';

/** A held receipt as stored in Redis: the receipt and when to stop trying. */
interface HeldReceipt {
  receipt: CarrierReceipt;
  until: number;
}

/**
 * Turns receipts and final failures into one final outcome per recipient. A receipt can arrive
 * before its submit_sm_resp has been recorded, so unmatched receipts are held and retried, never
 * dropped silently. A multipart message is delivered when every expected part is, and failed as
 * soon as one part fails finally.
 */
export class DeliveryTracker {
  private poller: { stop(): Promise<void> } | undefined;

  constructor(
    private readonly store: StatusStore,
    private readonly onFinal: (event: FinalEvent) => Promise<void>,
    private readonly log: Logger,
    private readonly options: TrackerOptions,
  ) {}

  /**
   * Records a receipt, or holds it while its submission is not recorded yet. Rejects when Redis
   * cannot be reached: the carrier then asks for the receipt again rather than acknowledging it.
   */
  async handleReceipt(receipt: CarrierReceipt): Promise<void> {
    let applied: Applied | undefined;
    try {
      applied = await this.apply(receipt);
      if (!applied) {
        const entry: HeldReceipt = { receipt, until: Date.now() + this.options.holdUnmatchedMs };
        // Stored before the carrier gets its acknowledgement; if this fails the carrier resends.
        await this.store.holdReceipt(JSON.stringify(entry), Date.now() + this.options.retryEveryMs);
      }
    } catch (err) {
      this.count(receipt, 'error');
      this.log.error({ event: 'receipt.error', carrier: receipt.carrier, err: (err as Error).message }, 'could not record a receipt; the carrier will send it again');
      throw err;
    }
    // Counted once stored: a receipt the carrier has to send again is an error, not a match.
    this.count(receipt, applied ?? 'held');
  }

  /**
   * Retries held receipts and overdue follow-ups of final outcomes (every process may run this;
   * claims are leases, in Redis, so a restart loses neither).
   */
  start(): void {
    this.poller = startPolling(() => this.retryHeld().then(() => this.retryFinals()), this.options.retryEveryMs);
  }

  /** A failure decided outside a receipt: a permanent submit error, or the validity deadline. */
  async finalizeFailure(jobId: string, outcome: 'failed' | 'expired', details: FinalDetails, known?: RecipientStatus): Promise<void> {
    const record = known ?? (await this.store.getRecipient(jobId));
    if (!record) return;
    await this.finish(record, outcome, details);
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
  }

  /** Makes a recipient whose every expected part has a DELIVRD recorded final as delivered. */
  async completeIfDelivered(record: RecipientStatus): Promise<boolean> {
    if (record.parts.length === 0 || !allExpectedPartsDelivered(record)) return false;
    const last = record.parts.reduce((latest, part) => ((part.at ?? 0) > (latest.at ?? 0) ? part : latest));
    await this.finish(record, 'delivered', { code: 'DLR_DELIVRD', dsnStatus: '2.0.0', reason: `every part delivered (stat:${last.stat ?? 'DELIVRD'})` });
    return true;
  }

  /** Undefined when no submitted part matches (yet). */
  private async apply(receipt: CarrierReceipt): Promise<Applied | undefined> {
    const candidates = receiptIdCandidates(receipt.carrierMessageId, this.options.receiptIdFormat(receipt.carrier), receipt.idIsSubmitId === true);
    const found = await this.store.findByCarrierId(receipt.carrier, candidates);
    if (!found) return undefined;
    const verdict = classifyReceipt(receipt.stat, receipt.err, this.options.receiptErrors, receipt.errIsProviderCode !== true);
    const state = verdict.outcome === 'delivered' ? 'delivered' : verdict.outcome === 'accepted' ? 'accepted' : 'failed';
    const record = await this.store.recordPartReceipt(found.jobId, found.parts, {
      state, stat: receipt.stat, ...(receipt.err !== undefined ? { err: receipt.err } : {}), reason: verdict.reason, at: receipt.receivedAt,
    });
    const applied: Applied = verdict.recognised ? 'matched' : 'unknown_stat';
    this.log.info({ event: 'receipt.matched', jobId: found.jobId, parts: found.parts, carrier: receipt.carrier, stat: receipt.stat, err: receipt.err }, 'delivery receipt');
    if (!verdict.recognised) {
      this.log.warn({ event: 'receipt.unknown_stat', carrier: receipt.carrier, stat: receipt.stat, err: receipt.err, jobId: found.jobId }, 'receipt with an unknown stat word: not treated as final');
    }
    if (!record || !verdict.final) return applied;
    const diagnostic = `${this.options.diagnosticType(receipt.carrier)}; stat:${receipt.stat}${receipt.err !== undefined ? ` err:${receipt.err}` : ''}`;
    if (verdict.outcome === 'permanent') {
      await this.finish(record, verdict.dsnStatus === '4.4.7' ? 'expired' : 'failed', { code: verdict.code, dsnStatus: verdict.dsnStatus, reason: verdict.reason, diagnostic });
    } else if (record.submittedAt !== undefined && allExpectedPartsDelivered(record)) {
      // (Before submittedAt, only some parts are out: a retry is still to send the rest.)
      await this.finish(record, 'delivered', { code: verdict.code, dsnStatus: '2.0.0', reason: verdict.reason, diagnostic });
    }
    return applied;
  }

  private async finish(record: RecipientStatus, outcome: FinalOutcome, details: FinalDetails): Promise<void> {
    // A burst summary always gets a follow-up: that is where its outcome reaches the mails it carried.
    const mayNotify = record.covers !== undefined || (this.options.mayNotify?.(outcome, record.notify) ?? true);
    const won = await this.store.finalize(record.jobId, outcome, details, mayNotify ? (this.options.followUpMs ?? 60_000) : null);
    if (!won) return;
    this.options.metrics?.smsOutcomes.inc({ outcome });
    this.log.info({ event: `sms.${outcome}`, jobId: record.jobId, txId: record.txId, code: details.code, status: details.dsnStatus }, `message ${outcome}`);
    if (!mayNotify) return;
    const event: FinalEvent = { jobId: record.jobId, txId: record.txId, outcome, ...details, notify: record.notify ?? [] };
    await this.followUp(event, record.covers);
  }

  /** A burst summary's outcome, made the outcome of each held mail it carried (a few at a time). */
  private async finishCovered(summary: FinalEvent, covers: readonly string[]): Promise<void> {
    const reason = `${summary.outcome === 'delivered' ? 'delivered' : 'not delivered'} in storm summary ${summary.jobId}: ${summary.reason}`;
    const details: FinalDetails = { code: summary.code, dsnStatus: summary.dsnStatus, reason, ...(summary.diagnostic ? { diagnostic: summary.diagnostic } : {}) };
    for (let i = 0; i < covers.length; i += COVERED_CONCURRENCY) {
      await Promise.all(covers.slice(i, i + COVERED_CONCURRENCY).map(async (jobId) => {
        const held = await this.store.getRecipient(jobId);
        if (held) await this.finish(held, summary.outcome, details);
      }));
    }
  }

  /**
   * Schedules the DSN (if any), passes a burst summary's outcome on to the held mails it carried,
   * and clears the follow-up; on failure the follow-up set brings it back (each step is idempotent:
   * a recipient is finalized once).
   */
  private async followUp(event: FinalEvent, covers: readonly string[] = []): Promise<void> {
    try {
      await this.onFinal(event);
      await this.finishCovered(event, covers);
      await this.store.releaseFinal(event.jobId);
    } catch (err) {
      this.log.error({ event: 'dsn.schedule_failed', jobId: event.jobId, err: (err as Error).message }, 'could not schedule the DSN; will retry');
    }
  }

  /** Follow-ups of final outcomes that nobody cleared (a crash, a Redis error), rebuilt from the record. */
  private async retryFinals(): Promise<void> {
    try {
      for (const jobId of await this.store.claimDueFinals(Date.now())) {
        const record = await this.store.getRecipient(jobId);
        const outcome = record?.finalState;
        if (!record || !isFinalOutcome(outcome)) {
          await this.store.releaseFinal(jobId);
          continue;
        }
        await this.followUp({
          jobId, txId: record.txId, outcome, code: record.code ?? '', dsnStatus: record.dsnStatus ?? '', reason: record.reason ?? '',
          ...(record.diagnostic ? { diagnostic: record.diagnostic } : {}), notify: record.notify ?? [],
        }, record.covers);
      }
    } catch (err) {
      this.log.warn({ event: 'dsn.retry_failed', err: (err as Error).message }, 'could not retry overdue DSN scheduling; will try again');
    }
  }

  private async retryHeld(): Promise<void> {
    try {
      for (const raw of await this.store.claimHeldReceipts(Date.now(), this.options.retryEveryMs)) {
        const entry = JSON.parse(raw) as HeldReceipt;
        const applied = await this.apply(entry.receipt);
        if (applied) this.count(entry.receipt, applied);
        else if (Date.now() < entry.until) continue; // the lease brings it back
        if (Date.now() >= entry.until) {
          const r = entry.receipt;
          this.count(r, 'unmatched');
          this.log.error({ event: 'receipt.unmatched', carrier: r.carrier, carrierMessageId: r.carrierMessageId, stat: r.stat, err: r.err }, 'receipt matches no submitted message (check receiptIdFormat)');
        }
        await this.store.releaseHeldReceipt(raw);
      }
    } catch (err) {
      this.log.warn({ event: 'receipt.error', err: (err as Error).message }, 'could not retry held receipts; will try again');
    }
  }

  private count(receipt: CarrierReceipt, result: Applied | 'held' | 'unmatched' | 'error'): void {
    this.options.metrics?.receipts.inc({ carrier: receipt.carrier, result });
  }
}

function allExpectedPartsDelivered(record: RecipientStatus): boolean {
  const expected = Math.max(1, Math.min(record.expectedParts, record.parts.length || record.expectedParts));
  for (let i = 0; i < expected; i++) if (record.parts[i]?.state !== 'delivered') return false;
  return true;
}
