import type { Redis } from 'ioredis';

export type MessageState = 'queued' | 'submitted' | 'retrying' | 'delivered' | 'failed' | 'expired';

export interface TransactionRecord {
  txId: string;
  messageId: string;
  sender: string;
  receivedAt: number;
  recipients: string[]; // job ids
  envid?: string;
  ret?: string;
  /** The mail's header block, for the DSN's third part. */
  headers?: string;
}

export interface RecipientStatus {
  jobId: string;
  txId: string;
  recipient: string;
  number: string;
  state: MessageState;
  route?: string;
  carrier?: string;
  partIds: string[];
  attempts: number;
  reason?: string;
  code?: string;
  updatedAt: number;
}

const KEEP_SECONDS = 7 * 86_400;

/**
 * Message status in Redis hashes with expiry: one per SMTP transaction and one per recipient.
 * Written by the intake (queued) and the dispatcher (submitted, retrying, failed, expired).
 */
export class StatusStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private txKey(txId: string) { return `${this.prefix}:tx:${txId}`; }
  private rcptKey(jobId: string) { return `${this.prefix}:rcpt:${jobId}`; }

  /** One round trip: the transaction and all its recipients, marked queued unless already known. */
  async recordAccepted(tx: TransactionRecord, recipients: Omit<RecipientStatus, 'state' | 'partIds' | 'attempts' | 'updatedAt'>[]): Promise<void> {
    const multi = this.redis.multi();
    const txKey = this.txKey(tx.txId);
    multi.hset(txKey, {
      txId: tx.txId, messageId: tx.messageId, sender: tx.sender, receivedAt: String(tx.receivedAt),
      ...(tx.envid ? { envid: tx.envid } : {}), ...(tx.ret ? { ret: tx.ret } : {}), ...(tx.headers ? { headers: tx.headers } : {}),
    });
    // A resend of the same message (lost 250) may add recipients; the set merges them.
    multi.sadd(`${txKey}:recipients`, ...tx.recipients);
    multi.expire(txKey, KEEP_SECONDS);
    multi.expire(`${txKey}:recipients`, KEEP_SECONDS);
    const now = String(Date.now());
    for (const r of recipients) {
      const key = this.rcptKey(r.jobId);
      // HSETNX keeps the state of a recipient that a resend finds already in flight.
      multi.hsetnx(key, 'state', 'queued');
      multi.hset(key, { jobId: r.jobId, txId: r.txId, recipient: r.recipient, number: r.number });
      multi.hsetnx(key, 'updatedAt', now);
      multi.expire(key, KEEP_SECONDS);
    }
    await multi.exec();
  }

  async update(jobId: string, fields: Partial<Omit<RecipientStatus, 'jobId'>>): Promise<void> {
    const flat: Record<string, string> = { updatedAt: String(fields.updatedAt ?? Date.now()) };
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined || key === 'updatedAt') continue;
      flat[key] = Array.isArray(value) ? JSON.stringify(value) : String(value);
    }
    await this.redis.multi().hset(this.rcptKey(jobId), flat).expire(this.rcptKey(jobId), KEEP_SECONDS).exec();
  }

  async getTransaction(txId: string): Promise<{ tx: TransactionRecord; recipients: RecipientStatus[] } | undefined> {
    const [txHash, members] = await Promise.all([this.redis.hgetall(this.txKey(txId)), this.redis.smembers(`${this.txKey(txId)}:recipients`)]);
    if (!txHash.txId) return undefined;
    const pipeline = this.redis.pipeline();
    for (const jobId of members.sort()) pipeline.hgetall(this.rcptKey(jobId));
    const results = (await pipeline.exec()) ?? [];
    const recipients = results.map(([, hash]) => toRecipient(hash as Record<string, string>)).filter((r): r is RecipientStatus => r !== undefined);
    return {
      tx: {
        txId: txHash.txId, messageId: txHash.messageId ?? '', sender: txHash.sender ?? '', receivedAt: Number(txHash.receivedAt),
        recipients: members, ...(txHash.envid ? { envid: txHash.envid } : {}), ...(txHash.ret ? { ret: txHash.ret } : {}),
      },
      recipients,
    };
  }
}

function toRecipient(hash: Record<string, string>): RecipientStatus | undefined {
  if (!hash.jobId) return undefined;
  return {
    jobId: hash.jobId, txId: hash.txId ?? '', recipient: hash.recipient ?? '', number: hash.number ?? '',
    state: (hash.state ?? 'queued') as MessageState,
    ...(hash.route ? { route: hash.route } : {}), ...(hash.carrier ? { carrier: hash.carrier } : {}),
    partIds: hash.partIds ? (JSON.parse(hash.partIds) as string[]) : [],
    attempts: Number(hash.attempts ?? 0),
    ...(hash.reason ? { reason: hash.reason } : {}), ...(hash.code ? { code: hash.code } : {}),
    updatedAt: Number(hash.updatedAt ?? 0),
  };
}
