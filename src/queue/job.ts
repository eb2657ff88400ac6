/** One SMS to one recipient, as stored in the queue. Plain JSON: it lives in Redis. */
export interface SmsJobData {
  /** The SMTP transaction's id, as given in `250 ... queued as <txId>`. */
  txId: string;
  /** Message-ID header of the mail (without <>), or a content hash when it had none. */
  messageId: string;
  /** Envelope sender (MAIL FROM); '' for the null sender <>. */
  sender: string;
  /** The RCPT TO address as given, and its E.164 number. */
  recipient: string;
  number: string;
  /** SMS text before encoding: encoding and segmenting depend on the carrier that sends it. */
  text: string;
  receivedAt: number;
  /** After this the message is not sent any more (delivery.validity). */
  expiresAt: number;
  /**
   * The concatenation reference of a multipart SMS, from the number's counter (pipeline/
   * concat-refs.ts). Absent in storm summaries and in jobs queued by an older version.
   */
  concatRef?: number;
  /** Parts that a carrier already accepted in an earlier attempt, so a retry does not resend them. */
  progress?: { carrier: string; partIds: string[]; complete?: boolean };
}

export interface SmsJob {
  id: string;
  data: SmsJobData;
  /** 1 on the first try. */
  attempt: number;
  /** Save progress so that a retry can resume. */
  saveProgress(progress: SmsJobData['progress']): Promise<void>;
}

/**
 * QueueError code for an outcome (a final failure, or a carrier's acceptance) that happened but
 * could not be recorded: retried on the backoff whatever the validity, so the retry records it.
 */
export const OUTCOME_NOT_RECORDED = 'OUTCOME_NOT_RECORDED';

/** BullMQ forbids ':' in custom ids; this id is readable and deterministic. */
export function smsJobId(txId: string, number: string): string {
  return `${txId}-${number.replace(/^\+/, '')}`;
}
