import type { Logger } from 'pino';
import { MessageError } from '../errors.js';
import { parseMail } from '../mail/parse.js';
import type { Metrics } from '../observability/metrics.js';
import { smsJobId, type SmsJobData } from '../queue/job.js';
import type { SmsQueue } from '../queue/sms-queue.js';
import { renderSmsText } from '../render/index.js';
import type { IncomingMail, Intake } from '../smtp/intake.js';
import type { StatusStore } from '../delivery/status-store.js';
import { QueueError } from '../errors.js';
import { contentId, transactionId } from './ids.js';

export interface IntakeOptions {
  template: string;
  validityMs: number;
  delayNoticeMs: number;
  logContent: boolean;
}

export interface IntakeDeps {
  queue: SmsQueue;
  status: StatusStore;
  metrics: Metrics;
  log: Logger;
  /** NOTIFY=DELAY: check these recipients again at `at` (epoch ms). */
  scheduleDelayNotice(jobIds: string[], at: number): Promise<void>;
}

/** The most of a header block kept for the DSN's text/rfc822-headers part. */
const MAX_STORED_HEADERS = 64 * 1024;

/**
 * Mail in, jobs out: parse and render once, then one job per recipient. Resolves only after the
 * status records and every job are in Redis; any Redis failure is a QueueError (the SMTP side
 * answers 451 and the sender retries).
 */
export function createIntake(deps: IntakeDeps, options: IntakeOptions): Intake {
  return async (mail: IncomingMail) => {
    const parsed = await parseMail(mail.raw);
    const text = renderSmsText(parsed, { template: options.template });
    if (text.trim() === '') throw new MessageError('EMPTY_MESSAGE', 'Message has no subject or text to send', true);

    const messageId = parsed.messageId ?? contentId(mail.raw);
    const txId = transactionId(mail.sender, messageId);
    const receivedAt = Date.now();
    const jobs = mail.recipients.map((r) => {
      const id = smsJobId(txId, r.number);
      const data: SmsJobData = {
        txId, messageId, sender: mail.sender, recipient: r.address, number: r.number, text, receivedAt,
        expiresAt: receivedAt + options.validityMs,
      };
      return { id, data };
    });

    try {
      await deps.status.recordAccepted(
        {
          txId, messageId, sender: mail.sender, receivedAt, recipients: jobs.map((j) => j.id), ...mail.dsn, subject: parsed.subject,
          headers: headerBlock(mail.raw),
          // RET=FULL asks for the whole message back in a DSN; otherwise the headers are enough.
          ...(mail.dsn?.ret === 'FULL' ? { raw: mail.raw.toString('latin1') } : {}),
        },
        mail.recipients.map((r, i) => ({
          jobId: jobs[i]!.id, txId, recipient: r.address, number: r.number,
          ...(r.dsn?.notify ? { notify: r.dsn.notify } : {}), ...(r.dsn?.orcpt ? { orcpt: r.dsn.orcpt } : {}),
        })),
      );
      const delayed = mail.recipients.flatMap((r, i) => (r.dsn?.notify?.includes('DELAY') ? [jobs[i]!.id] : []));
      if (delayed.length > 0) await deps.scheduleDelayNotice(delayed, receivedAt + options.delayNoticeMs);
    } catch (cause) {
      throw new QueueError('STATUS_UNAVAILABLE', `could not record the message: ${(cause as Error).message}`, { cause });
    }
    await deps.queue.enqueue(jobs);

    deps.metrics.smtpRecipients.inc(jobs.length);
    deps.log.info(
      {
        event: 'message.queued', txId, messageId, sender: mail.sender, client: mail.client.address,
        recipients: jobs.map((j) => j.data.number), chars: text.length, ...(options.logContent ? { text } : {}),
      },
      'message queued',
    );
    return { txId };
  };
}

function headerBlock(raw: Buffer): string {
  const head = raw.subarray(0, MAX_STORED_HEADERS * 2).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return (end === -1 ? head : head.slice(0, end)).slice(0, MAX_STORED_HEADERS);
}
