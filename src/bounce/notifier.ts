import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StatusStore } from '../delivery/status-store.js';
import type { Metrics } from '../observability/metrics.js';
import type { RecipientStatus } from '../delivery/status-types.js';
import type { FinalEvent } from '../delivery/tracker.js';
import { BounceError } from '../errors.js';
import { delIfEqual, takeLock } from '../redis-scripts.js';
import { buildDsn, type DsnInput, type DsnKind, type DsnRecipient } from './dsn-message.js';
import type { DsnTransport } from './dsn-transport.js';
import { dsnKindFor } from './notify-policy.js';
import { describeStatus } from './status-words.js';

const TAKE_PENDING = `if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2]) redis.call('EXPIRE', KEYS[2], 604800)
end
return redis.call('SMEMBERS', KEYS[2])`;

/** Tries, and the pause between them, to record a DSN that went out (see markSent). */
const MARK_ATTEMPTS = 5;
const MARK_RETRY_MS = 1_000;
/**
 * How long one run of a DSN task holds the right to send it without renewing it (renewed every
 * third of this while it sends): a run that died mid-send lets the task's retry go on after this.
 */
const SEND_LOCK_MS = 90_000;

export interface DsnTaskData {
  txId: string;
  kind: DsnKind;
  /** Filled on the first run, so a retry sends the same DSN. */
  jobIds?: string[];
}

export interface NotifierOptions {
  reportingMta: string;
  from: string;
  /** Failures of one transaction within this window go out as one DSN. */
  aggregateMs: number;
  validityMs: number;
  /**
   * How long a DSN task holds its recipients between attempts: longer than the follow-up queue's
   * longest backoff, so a live task keeps them, while one gone for good lets another task that
   * lists them report them.
   */
  claimLeaseMs: number;
  metrics?: Pick<Metrics, 'dsns'>;
}

/**
 * Decides which final outcomes become DSNs and sends them, aggregated: one DSN per transaction
 * (and so per envelope sender) and kind, listing every recipient, not one per part or recipient.
 * Pending recipients wait in a Redis set; a delayed task sends them together.
 */
export class BounceNotifier {
  constructor(
    private readonly store: StatusStore,
    private readonly redis: Redis,
    private readonly schedule: (data: DsnTaskData, id: string, delayMs: number) => Promise<void>,
    private readonly transport: DsnTransport,
    private readonly log: Logger,
    private readonly options: NotifierOptions,
    private readonly prefix: string,
  ) {}

  private pendingKey(txId: string, kind: DsnKind) { return `${this.prefix}:dsn:${txId}:${kind}`; }

  async onFinal(event: FinalEvent): Promise<void> {
    // Most outcomes want no DSN whoever sent them (a delivery without NOTIFY=SUCCESS): no I/O then.
    if (event.notify !== undefined && dsnKindFor(event.outcome, 'someone', event.notify) === undefined) return;
    await this.consider(event.jobId, event.txId, event.outcome);
  }

  /** The delay-notice check: still not final after `delivery.delayNotice`. */
  async onDelayCheck(jobId: string): Promise<void> {
    const record = await this.store.getRecipient(jobId);
    if (!record || record.finalState || record.dsn.delayed) return;
    await this.consider(jobId, record.txId, 'delayed', record);
  }

  private async consider(jobId: string, txId: string, outcome: FinalEvent['outcome'] | 'delayed', known?: RecipientStatus): Promise<void> {
    const [tx, record] = await Promise.all([this.store.getTransactionRecord(txId), known ?? this.store.getRecipient(jobId)]);
    if (!tx || !record) return;
    const kind = dsnKindFor(outcome, tx.sender, record.notify);
    if (!kind) {
      this.log.debug({ event: 'dsn.not_requested', jobId, txId, outcome, notify: record.notify, nullSender: tx.sender === '' }, 'no DSN for this outcome');
      return;
    }
    // The first pending recipient names the task (its id is kept in a flag); later ones and
    // retries after an error add the same id again, which the queue ignores. The window starts at
    // the first failure, so failures close together always share one DSN.
    const key = this.pendingKey(txId, kind);
    const now = Date.now();
    const candidate = `dsn-${txId}-${kind}-${now}`;
    const replies = (await this.redis.multi().sadd(key, jobId).expire(key, 7 * 86_400)
      .set(`${key}:task`, candidate, 'PX', this.options.aggregateMs * 10 + 60_000, 'NX').get(`${key}:task`).exec()) ?? [];
    const taskId = (replies[3]?.[1] as string | null) ?? candidate;
    const startedAt = Number(taskId.slice(taskId.lastIndexOf('-') + 1)) || now;
    await this.schedule({ txId, kind }, taskId, startedAt + this.options.aggregateMs - now);
  }

  /** Runs a DSN task: takes the pending recipients once, then sends (retried as a whole on failure). */
  async send(task: { id: string; data: DsnTaskData; saveData(data: DsnTaskData): Promise<void> }): Promise<void> {
    const { txId, kind } = task.data;
    let jobIds = task.data.jobIds;
    if (!jobIds) {
      // Move the pending set to this task's own key before reading it: a crash here leaves the
      // recipients with the task, and its retry reads them again.
      const mine = `${this.pendingKey(txId, kind)}:${task.id}`;
      // Clear the flag first (if it is still ours): a failure arriving from now on starts a new task.
      await delIfEqual(this.redis, `${this.pendingKey(txId, kind)}:task`, task.id);
      jobIds = ((await this.redis.eval(TAKE_PENDING, 2, this.pendingKey(txId, kind), mine)) as string[]).sort();
      await task.saveData({ ...task.data, jobIds });
      await this.redis.del(mine);
    }
    if (jobIds.length === 0) return;
    const tx = await this.store.getTransactionRecord(txId);
    if (!tx || tx.sender === '') return;
    // Decided at send time, not when the recipient was added: reported already (by this task
    // before a failed mark, or by another), or a delay notice for what is final by now, drops out.
    const mine = await this.store.claimDsn(jobIds, kind, task.id, this.options.claimLeaseMs);
    const records = (await Promise.all(mine.map((id) => this.store.getRecipient(id)))).filter((r): r is RecipientStatus => r !== undefined);
    const recipients = records.map((r) => this.describe(r, kind, tx.receivedAt));
    if (recipients.length === 0) return;
    const dsn = (returned: DsnInput['returned']) => buildDsn({
      kind,
      reportingMta: this.options.reportingMta,
      from: this.options.from,
      to: tx.sender,
      arrivalDate: new Date(tx.receivedAt),
      // smtp-server has decoded ENVID's and ORCPT's xtext already: decoding again would turn
      // `+2B41` into 'A'.
      ...(tx.envid ? { envid: tx.envid } : {}),
      originalMessageId: tx.messageId,
      ...(tx.subject ? { originalSubject: tx.subject } : {}),
      recipients,
      messageId: task.id,
      returned,
    });
    const headersOnly = () => dsn({ kind: 'headers', headers: tx.headers ?? '' });
    // RET applies to failure reports only (RFC 3461 4.3): a delay notice does not carry a megabyte back.
    const full = tx.ret === 'FULL' && kind === 'failed' && tx.raw !== undefined ? dsn({ kind: 'full', raw: Buffer.from(tx.raw, 'latin1') }) : undefined;
    // The claim above is the task's, and the queue can run one task twice at once (a run it took
    // for stalled while the first still waits on the smarthost): only one run sends.
    // The lock is renewed while the send lasts (a slow smarthost, a large RET=FULL copy).
    const sendLock = await takeLock(this.redis, `${this.prefix}:dsn-sending:${task.id}`, SEND_LOCK_MS, { renew: true });
    if (!sendLock) throw new BounceError('DSN_BUSY', `another run of ${task.id} is sending it`, false);
    const report = { taskId: task.id, txId, kind, to: tx.sender, jobIds: records.map((r) => r.jobId), numbers: recipients.map((r) => r.number) };
    try {
      await this.deliver(full ?? headersOnly(), report, full ? headersOnly : undefined);
    } finally {
      await sendLock.release();
    }
  }

  /**
   * Hands the DSN to the transport and records it as sent (or refused for good). `smaller` is the
   * same DSN with the headers only, for a smarthost that finds the one with the whole mail too big.
   */
  private async deliver(message: Buffer, report: { taskId: string; txId: string; kind: DsnKind; to: string; jobIds: string[]; numbers: string[] }, smaller?: () => Buffer): Promise<void> {
    const { taskId, txId, kind, to, jobIds, numbers } = report;
    let where: string;
    try {
      where = await this.transport.send(to, message, taskId);
    } catch (err) {
      if (smaller && err instanceof BounceError && err.code === 'DSN_TOO_BIG') {
        this.log.warn({ event: 'dsn.too_big', txId, kind, bytes: message.length }, 'the smarthost refused the DSN with the whole mail as too big; sending it with the headers only');
        return this.deliver(smaller(), report);
      }
      if (err instanceof BounceError && err.permanent) {
        // As an MTA treats a double bounce: there is no one left to tell, and the same refusal
        // would answer every retry. Marked as reported so nothing schedules it again.
        this.options.metrics?.dsns.inc({ kind, result: 'refused' });
        await this.markSent(jobIds, kind, taskId);
        this.log.error({ event: 'dsn.refused', txId, kind, to, recipients: numbers, err: err.message }, 'the smarthost refused the delivery status notification; not retried');
        return;
      }
      this.options.metrics?.dsns.inc({ kind, result: 'error' });
      throw err;
    }
    this.options.metrics?.dsns.inc({ kind, result: 'sent' });
    await this.markSent(jobIds, kind, taskId);
    this.log.info({ event: 'dsn.sent', txId, kind, to, recipients: numbers, where }, 'delivery status notification sent');
  }

  /**
   * The mail is out: a failure to record that would send it again on the task's retry, so the
   * mark is retried here first. If Redis stays away the retry does send it again, with the same
   * Message-ID (derived from the task), which lets the receiving side drop the copy.
   */
  private async markSent(jobIds: string[], kind: DsnKind, taskId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.markDsn(jobIds, kind);
        return;
      } catch (err) {
        if (attempt >= MARK_ATTEMPTS) throw err;
        this.log.warn({ event: 'dsn.mark_failed', taskId, attempt, err: (err as Error).message }, 'DSN sent but not recorded yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, MARK_RETRY_MS));
      }
    }
  }

  private describe(record: RecipientStatus, kind: DsnKind, receivedAt: number): DsnRecipient {
    const lastAttempt = record.finalAt ?? record.submittedAt ?? record.updatedAt;
    const explanation: Record<DsnKind, string> = {
      failed: `${describeStatus(record.dsnStatus ?? '5.0.0')} (${record.state === 'expired' ? 'expired: ' : ''}${record.reason ?? record.code ?? 'no reason given'})`,
      delayed: `Not delivered yet${record.reason ? ` (last: ${record.reason})` : ''}`,
      delivered: 'Delivered to the handset, as the carrier reported.',
    };
    return {
      address: record.recipient,
      number: record.number,
      ...(record.orcpt ? { originalRecipient: record.orcpt } : {}),
      // A delay is still being tried: its last temporary status, not 4.4.7 ("delivery time expired").
      status: kind === 'delivered' ? '2.0.0' : kind === 'delayed' ? (record.dsnStatus?.startsWith('4.') ? record.dsnStatus : '4.0.0') : (record.dsnStatus ?? '5.0.0'),
      ...(kind !== 'delayed' && record.diagnostic ? { diagnostic: record.diagnostic } : {}),
      explanation: explanation[kind],
      ...(lastAttempt ? { lastAttempt: new Date(lastAttempt) } : {}),
      ...(kind === 'delayed' ? { willRetryUntil: new Date(receivedAt + this.options.validityMs) } : {}),
    };
  }
}
