import type { Logger } from 'pino';
import type { StatusStore } from '../delivery/status-store.js';
import type { DeliveryTracker } from '../delivery/tracker.js';
import { startPolling } from '../polling.js';

const EXPIRE_CONCURRENCY = 20;

/**
 * Expires submitted messages whose final receipt has not come by the end of their validity.
 * Deadlines live in one Redis sorted set written with the submission (no job per message); any
 * relay process may poll it, and a claim is a lease, so a crash mid-way loses no deadline.
 */
export class DeadlinePoller {
  private poller: { stop(): Promise<void> } | undefined;

  constructor(
    private readonly status: StatusStore,
    private readonly tracker: DeliveryTracker,
    private readonly log: Logger,
    private readonly everyMs = 1_000,
  ) {}

  start(): void {
    this.poller = startPolling(() => this.poll(), this.everyMs);
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
  }

  async poll(): Promise<void> {
    try {
      const due = await this.status.claimDueDeadlines(Date.now());
      // A few at a time, so that a mass expiry (a carrier that stopped sending receipts) is not one
      // round trip after another; one that fails keeps its lease and comes back after it.
      for (let i = 0; i < due.length; i += EXPIRE_CONCURRENCY) {
        const failures = (await Promise.allSettled(due.slice(i, i + EXPIRE_CONCURRENCY).map((jobId) => this.expire(jobId))))
          .filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failures.length > 0) throw failures[0]!.reason;
      }
    } catch (err) {
      this.log.warn({ event: 'deadline.poll_failed', err: (err as Error).message }, 'could not check deadlines; will retry');
    }
  }

  private async expire(jobId: string): Promise<void> {
    const record = await this.status.getRecipient(jobId);
    if (!record || record.finalState) {
      await this.status.releaseDeadline(jobId);
      return;
    }
    const pending = record.parts.filter((p) => p.state !== 'delivered').length;
    // Every part's DELIVRD is recorded but the outcome was not completed (its finalize failed or
    // is in flight, and the carrier will not resend): delivered, not expired.
    if (await this.tracker.completeIfDelivered(record)) {
      await this.status.releaseDeadline(jobId);
      return;
    }
    // finalize() takes the deadline out when it makes the outcome final; if something else got
    // there first, the entry is released here.
    await this.tracker.finalizeFailure(jobId, 'expired', {
      code: 'EXPIRED',
      dsnStatus: '4.4.7',
      reason: `no final delivery report within the validity period (${pending} of ${record.parts.length} part(s) unconfirmed)`,
    }, record);
    await this.status.releaseDeadline(jobId);
  }
}
