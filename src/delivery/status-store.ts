import type { Redis } from 'ioredis';
import { canonicalId } from './carrier-ids.js';
import { defineStatusScripts, type StatusScripts } from './status-scripts.js';
import { toRecipientStatus, type PartStatus, type RecipientStatus, type TransactionRecord } from './status-types.js';
import { luaJson } from '../redis-scripts.js';

export type { MessageState, PartStatus, RecipientStatus, TransactionRecord } from './status-types.js';

const KEEP_SECONDS = 7 * 86_400;

/** A recipient as the intake records it (storm control's held/suppressed state is added in Lua). */
export type AcceptedRecipient = Pick<RecipientStatus, 'jobId' | 'txId' | 'recipient' | 'number' | 'notify' | 'orcpt'> & { covers?: string[] };

/**
 * Message status in Redis hashes with expiry: one per SMTP transaction, one per recipient (with a
 * field group per SMS part), and an index from each carrier message id to its recipient and part.
 */
export class StatusStore {
  private readonly redis: Redis & StatusScripts;

  constructor(redis: Redis, private readonly prefix: string) {
    this.redis = defineStatusScripts(redis);
  }

  /** Submitted recipients by the time their final receipt is due (score: epoch ms). */
  get deadlinesKey(): string { return `${this.prefix}:deadlines`; }

  private txKey(txId: string) { return `${this.prefix}:tx:${txId}`; }
  private rcptKey(jobId: string) { return `${this.prefix}:rcpt:${jobId}`; }
  private idKey(carrier: string, id: string) { return `${this.prefix}:cid:${carrier}:${canonicalId(id)}`; }

  /** One round trip: the transaction and all its recipients, marked queued unless already known. */
  async recordAccepted(tx: TransactionRecord, recipients: AcceptedRecipient[]): Promise<void> {
    const { keys, args } = this.acceptedCall(tx, recipients);
    await this.redis.s2sRecordAccepted(keys.length, ...keys, ...args);
  }

  /**
   * The keys and arguments of RECORD_ACCEPTED_FUNCTION for a mail: KEYS transaction hash, its
   * recipient set, one hash per recipient; ARGV keep seconds, transaction JSON, recipients JSON.
   */
  acceptedCall(tx: TransactionRecord, recipients: AcceptedRecipient[]): { keys: string[]; args: string[] } {
    const txKey = this.txKey(tx.txId);
    const fields: Record<string, string> = { txId: tx.txId, messageId: tx.messageId, sender: tx.sender, receivedAt: String(tx.receivedAt) };
    for (const key of ['envid', 'ret', 'headers', 'raw', 'subject'] as const) if (tx[key] !== undefined) fields[key] = tx[key]!;
    const now = String(Date.now());
    const rows = recipients.map((r) => ({
      set: {
        jobId: r.jobId, txId: r.txId, recipient: r.recipient, number: r.number,
        ...(r.notify ? { notify: r.notify.join(',') } : {}), ...(r.orcpt ? { orcpt: r.orcpt } : {}), ...(r.covers?.length ? { covers: r.covers.join(',') } : {}),
      },
      // Kept if a resend finds the recipient already in flight.
      setnx: { state: 'queued', updatedAt: now },
    }));
    return {
      keys: [txKey, `${txKey}:recipients`, ...recipients.map((r) => this.rcptKey(r.jobId))],
      args: [String(KEEP_SECONDS), luaJson(fields), luaJson(rows)],
    };
  }

  async update(jobId: string, fields: Partial<Pick<RecipientStatus, 'state' | 'route' | 'carrier' | 'attempts' | 'reason' | 'code' | 'dsnStatus'>> & { tried?: string }): Promise<void> {
    const flat: Record<string, string> = { updatedAt: String(Date.now()) };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined && key !== 'tried') flat[key] = String(value);
    const multi = this.redis.multi().hset(this.rcptKey(jobId), flat);
    // The carriers a message tried, in order, with why it moved on.
    if (fields.tried) multi.rpush(`${this.rcptKey(jobId)}:tried`, fields.tried).expire(`${this.rcptKey(jobId)}:tried`, KEEP_SECONDS);
    await multi.expire(this.rcptKey(jobId), KEEP_SECONDS).exec();
  }

  /**
   * Submitted: the carrier's id per part, indexed for receipt lookup, and a deadline by which a
   * final receipt must have come. One round trip.
   */
  async recordSubmitted(jobId: string, fields: { route: string; carrier: string; partIds: string[]; attempts: number; expectedParts: number; deadline?: number }): Promise<void> {
    const now = String(Date.now());
    const flat: Record<string, string> = {
      route: fields.route, carrier: fields.carrier, attempts: String(fields.attempts), parts: String(fields.partIds.length),
      expectedParts: String(fields.expectedParts), submittedAt: now, updatedAt: now,
    };
    fields.partIds.forEach((id, i) => (flat[`part:${i}:id`] = id));
    const index = this.idIndex(jobId, fields.carrier, fields.partIds);
    const keys = [this.rcptKey(jobId), this.deadlinesKey, ...index.keys()];
    await this.redis.s2sRecordSubmitted(keys.length, ...keys, KEEP_SECONDS, jobId, fields.deadline === undefined ? '' : String(fields.deadline), luaJson(flat), ...index.values());
  }

  /**
   * Parts a carrier took before the rest of the message failed: indexed now, so that their
   * receipts match while the retry that sends the rest waits out its backoff (which may be longer
   * than an unmatched receipt is held). The recipient stays where it is until the whole message
   * is submitted.
   */
  async recordAcceptedParts(jobId: string, carrier: string, partIds: string[]): Promise<void> {
    const multi = this.redis.multi().hset(this.rcptKey(jobId), Object.fromEntries(partIds.map((id, i) => [`part:${i}:id`, id])));
    for (const [key, value] of this.idIndex(jobId, carrier, partIds)) multi.set(key, value, 'EX', KEEP_SECONDS);
    await multi.exec();
  }

  /**
   * Carrier-id index entries: key → `<job id>|<parts>`. Some SMSCs give every part of a long
   * message the same id; its receipts then stand for all of those parts.
   */
  private idIndex(jobId: string, carrier: string, partIds: string[]): Map<string, string> {
    const parts = new Map<string, number[]>();
    partIds.forEach((id, i) => {
      const key = this.idKey(carrier, id);
      const list = parts.get(key);
      if (list) list.push(i);
      else parts.set(key, [i]);
    });
    return new Map([...parts].map(([key, list]) => [key, `${jobId}|${list.join(',')}`]));
  }

  /**
   * Claims up to `limit` recipients whose deadline has passed, for `leaseMs`: each goes to one
   * caller, and comes back if that caller dies before finishing (finalize or releaseDeadline).
   */
  claimDueDeadlines(now: number, leaseMs = 60_000, limit = 200): Promise<string[]> {
    return this.redis.s2sClaimDue(this.deadlinesKey, now, now + leaseMs, limit);
  }

  async releaseDeadline(jobId: string): Promise<void> {
    await this.redis.zrem(this.deadlinesKey, jobId);
  }

  /** Receipts that match no submission yet, kept in Redis (not memory) so a restart loses none. */
  private get heldReceiptsKey(): string { return `${this.prefix}:receipts:held`; }

  async holdReceipt(entry: string, retryAt: number): Promise<void> {
    await this.redis.zadd(this.heldReceiptsKey, retryAt, entry);
  }

  /** Held receipts due for another try, each leased to one caller for `leaseMs`. */
  claimHeldReceipts(now: number, leaseMs: number, limit = 200): Promise<string[]> {
    return this.redis.s2sClaimDue(this.heldReceiptsKey, now, now + leaseMs, limit);
  }

  async releaseHeldReceipt(entry: string): Promise<void> {
    await this.redis.zrem(this.heldReceiptsKey, entry);
  }

  /** Which recipient and parts a carrier message id belongs to, trying each candidate form. */
  async findByCarrierId(carrier: string, candidates: string[]): Promise<{ jobId: string; parts: number[] } | undefined> {
    if (candidates.length === 0) return undefined;
    const values = await this.redis.mget(...candidates.map((id) => this.idKey(carrier, id)));
    const hit = values.find((v): v is string => typeof v === 'string');
    if (!hit) return undefined;
    const bar = hit.lastIndexOf('|');
    return { jobId: hit.slice(0, bar), parts: hit.slice(bar + 1).split(',').map(Number) };
  }

  /** Records a receipt on the parts it stands for and returns the recipient as it now stands. */
  async recordPartReceipt(jobId: string, parts: number[], receipt: Omit<PartStatus, 'index' | 'id'>): Promise<RecipientStatus | undefined> {
    const fields: string[] = ['stat', receipt.stat ?? '', 'state', receipt.state, 'at', String(receipt.at ?? Date.now())];
    if (receipt.err !== undefined) fields.push('err', receipt.err);
    if (receipt.reason !== undefined) fields.push('reason', receipt.reason);
    const pairs = await this.redis.s2sRecordPartReceipt(this.rcptKey(jobId), parts.join(','), receipt.state, String(Date.now()), ...fields);
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i]!] = pairs[i + 1]!;
    return toRecipientStatus(hash);
  }

  /**
   * Makes a recipient's outcome final, once: returns false when another path (a receipt, the
   * validity deadline, the worker) got there first, so exactly one DSN is ever considered.
   */
  /**
   * Makes the outcome final, once: true for the one caller that did. That caller must follow up
   * (schedule the DSN) and then `releaseFinal`; until then the job waits in the follow-up set, and
   * `claimDueFinals` hands it out again after `followUpMs` (a crash, a Redis error).
   */
  /** `followUpMs` null: no DSN can follow this outcome, so no follow-up entry (and no round trip to clear it). */
  async finalize(jobId: string, state: 'delivered' | 'failed' | 'expired', details: { code: string; reason: string; dsnStatus: string; diagnostic?: string }, followUpMs: number | null = 60_000): Promise<boolean> {
    const now = Date.now();
    const fields = ['code', details.code, 'reason', details.reason, 'dsnStatus', details.dsnStatus, 'finalAt', String(now), 'updatedAt', String(now)];
    if (details.diagnostic) fields.push('diagnostic', details.diagnostic);
    const won = await this.redis.s2sFinalize(this.rcptKey(jobId), this.deadlinesKey, this.finalsKey, state, jobId, followUpMs === null ? '' : String(now + followUpMs), ...fields);
    return won === 1;
  }

  /** Final recipients whose follow-up is not known to be done. */
  private get finalsKey(): string { return `${this.prefix}:finals`; }

  /** Final recipients whose follow-up is overdue, each leased to one caller for `leaseMs`. */
  claimDueFinals(now: number, leaseMs = 60_000, limit = 200): Promise<string[]> {
    return this.redis.s2sClaimDue(this.finalsKey, now, now + leaseMs, limit);
  }

  async releaseFinal(jobId: string): Promise<void> {
    await this.redis.zrem(this.finalsKey, jobId);
  }

  /**
   * A burst summary as a recipient of its own, listing the held recipients it stands for: its final
   * outcome becomes theirs (tracker.ts), so a summary that fails bounces each held mail to its own
   * sender. The summary's sender is '': it gets no DSN itself. Written before its job is queued.
   */
  async recordSummary(summary: { id: string; number: string; covers: string[] }): Promise<void> {
    await this.recordAccepted(
      { txId: summary.id, messageId: summary.id, sender: '', receivedAt: Date.now(), recipients: [summary.id] },
      [{ jobId: summary.id, txId: summary.id, recipient: summary.number, number: summary.number, covers: summary.covers }],
    );
    // The held recipients point at it before it is queued (a failure here fails the flush, which
    // is repeated): a resend of one of them is then recognised as summarised however it ends.
    const covered = summary.covers.map((jobId) => this.rcptKey(jobId));
    await this.redis.s2sMarkSummarised(covered.length, ...covered, summary.id, String(Date.now()));
  }

  /** The recipients (of `jobIds`) that DSN task `taskId` is to report; see s2sClaimDsn. */
  async claimDsn(jobIds: string[], kind: string, taskId: string, leaseMs: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const positions = await this.redis.s2sClaimDsn(jobIds.length, ...jobIds.map((id) => this.rcptKey(id)), kind, taskId, String(Date.now()), String(leaseMs));
    return positions.map((position) => jobIds[position - 1]!);
  }

  /** The DSN of `kind` went out for every one of `jobIds`. */
  async markDsn(jobIds: string[], kind: string): Promise<void> {
    if (jobIds.length === 0) return;
    await this.redis.s2sMarkDsn(jobIds.length, ...jobIds.map((id) => this.rcptKey(id)), kind, String(Date.now()));
  }

  /**
   * When a carrier took this job, and its final state, straight from the hash: a summary SMS's
   * record has no recipient fields (no jobId), so getRecipient would not see it at all.
   */
  async submission(jobId: string): Promise<{ submittedAt?: number; finalState?: string }> {
    const [submittedAt, finalState] = await this.redis.hmget(this.rcptKey(jobId), 'submittedAt', 'finalState');
    return { ...(submittedAt ? { submittedAt: Number(submittedAt) } : {}), ...(finalState ? { finalState } : {}) };
  }

  async getRecipient(jobId: string): Promise<RecipientStatus | undefined> {
    return toRecipientStatus(await this.redis.hgetall(this.rcptKey(jobId)));
  }

  async getTransactionRecord(txId: string): Promise<TransactionRecord | undefined> {
    const hash = await this.redis.hgetall(this.txKey(txId));
    if (!hash.txId) return undefined;
    const record: TransactionRecord = { txId: hash.txId, messageId: hash.messageId ?? '', sender: hash.sender ?? '', receivedAt: Number(hash.receivedAt), recipients: [] };
    for (const key of ['envid', 'ret', 'headers', 'raw', 'subject'] as const) if (hash[key] !== undefined) record[key] = hash[key];
    return record;
  }

  async getTransaction(txId: string): Promise<{ tx: TransactionRecord; recipients: RecipientStatus[] } | undefined> {
    const [tx, members] = await Promise.all([this.getTransactionRecord(txId), this.redis.smembers(`${this.txKey(txId)}:recipients`)]);
    if (!tx) return undefined;
    tx.recipients = members.sort();
    const pipeline = this.redis.pipeline();
    for (const jobId of tx.recipients) pipeline.hgetall(this.rcptKey(jobId)).lrange(`${this.rcptKey(jobId)}:tried`, 0, -1);
    const results = (await pipeline.exec()) ?? [];
    const recipients: RecipientStatus[] = [];
    for (let i = 0; i < results.length; i += 2) {
      const status = toRecipientStatus(results[i]?.[1] as Record<string, string>);
      if (!status) continue;
      status.tried = ((results[i + 1]?.[1] as string[]) ?? []).map((t) => JSON.parse(t) as { carrier: string; code: string; reason: string });
      recipients.push(status);
    }
    return { tx, recipients };
  }
}
