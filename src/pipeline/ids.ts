import { createHash } from 'node:crypto';

/**
 * The transaction id is derived from the envelope sender and the Message-ID, so a client that
 * resends after a lost `250` gets the same id and the same job ids: BullMQ keeps the existing jobs
 * and no second SMS goes out. A mail without Message-ID is identified by its content.
 */
export function transactionId(sender: string, messageId: string): string {
  return createHash('sha256').update(`${sender.toLowerCase()}\n${messageId}`).digest('hex').slice(0, 20);
}

export function contentId(raw: Buffer): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** A concatenation reference that stays the same on every retry of one message. */
export function concatReference(jobId: string): number {
  return createHash('sha256').update(jobId).digest().readUInt16BE(0);
}
