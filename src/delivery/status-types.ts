/**
 * suppressed: storm control did not send it (a duplicate, or over the hourly cap) — final.
 * held: kept for a burst summary; summarised once that summary is recorded, just before it is
 * queued (its job id in `storm` and `summary`), then final with the summary's own outcome.
 */
export type MessageState = 'queued' | 'submitted' | 'retrying' | 'delivered' | 'failed' | 'expired' | 'suppressed' | 'held' | 'summarised';

export interface TransactionRecord {
  txId: string;
  messageId: string;
  sender: string;
  receivedAt: number;
  recipients: string[]; // job ids
  envid?: string;
  ret?: string;
  subject?: string;
  /** The mail's header block, for the DSN's text/rfc822-headers part. */
  headers?: string;
  /** The whole mail (latin1-safe string), kept only when RET=FULL was asked for. */
  raw?: string;
}

export interface PartStatus {
  index: number;
  id: string;
  state: 'submitted' | 'delivered' | 'failed' | 'accepted';
  stat?: string;
  err?: string;
  reason?: string;
  at?: number;
}

export interface RecipientStatus {
  jobId: string;
  txId: string;
  recipient: string;
  number: string;
  state: MessageState;
  finalState?: string;
  route?: string;
  carrier?: string;
  parts: PartStatus[];
  /** Parts whose receipts decide the outcome (1 for carriers that report only the first part). */
  expectedParts: number;
  attempts: number;
  reason?: string;
  code?: string;
  dsnStatus?: string;
  /** Typed Diagnostic-Code for the DSN: `smpp; 0x0000000B ESME_RINVDSTADR`. */
  diagnostic?: string;
  notify?: string[];
  orcpt?: string;
  /** Storm control's decision when it did not send: duplicate, cap, burst until .... */
  storm?: string;
  /** A held recipient: the burst summary that carried its text. */
  summary?: string;
  /** A burst summary: the held recipients it stands for, whose outcome is its own. */
  covers?: string[];
  submittedAt?: number;
  finalAt?: number;
  /** DSN kind → time sent. */
  dsn: Record<string, number>;
  tried?: { carrier: string; code: string; reason: string }[];
  updatedAt: number;
}

export function toRecipientStatus(hash: Record<string, string> | undefined): RecipientStatus | undefined {
  if (!hash?.jobId) return undefined;
  const parts: PartStatus[] = [];
  const dsn: Record<string, number> = {};
  for (const [key, value] of Object.entries(hash)) {
    const partField = /^part:(\d+):(\w+)$/.exec(key);
    if (partField) {
      const index = Number(partField[1]);
      const part = (parts[index] ??= { index, id: '', state: 'submitted' });
      const field = partField[2]!;
      if (field === 'id' || field === 'stat' || field === 'err' || field === 'reason') part[field] = value;
      else if (field === 'state') part.state = value as PartStatus['state'];
      else if (field === 'at') part.at = Number(value);
    } else if (key.startsWith('dsn:')) dsn[key.slice(4)] = Number(value);
  }
  const optional = <K extends string>(k: K) => (hash[k] ? { [k]: hash[k] } : {}) as Partial<Record<K, string>>;
  return {
    jobId: hash.jobId, txId: hash.txId ?? '', recipient: hash.recipient ?? '', number: hash.number ?? '',
    state: (hash.state ?? 'queued') as MessageState,
    ...optional('finalState'), ...optional('route'), ...optional('carrier'), ...optional('reason'), ...optional('code'), ...optional('dsnStatus'), ...optional('diagnostic'), ...optional('orcpt'), ...optional('storm'), ...optional('summary'),
    parts: parts.filter(Boolean),
    expectedParts: Number(hash.expectedParts ?? hash.parts ?? 1),
    attempts: Number(hash.attempts ?? 0),
    ...(hash.notify ? { notify: hash.notify.split(',') } : {}),
    ...(hash.covers ? { covers: hash.covers.split(',') } : {}),
    ...(hash.submittedAt ? { submittedAt: Number(hash.submittedAt) } : {}),
    ...(hash.finalAt ? { finalAt: Number(hash.finalAt) } : {}),
    dsn,
    updatedAt: Number(hash.updatedAt ?? 0),
  };
}
