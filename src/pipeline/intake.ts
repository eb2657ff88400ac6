import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StatusStore } from '../delivery/status-store.js';
import { QueueError } from '../errors.js';
import { headBounds } from '../mail/headers.js';
import { parseMail } from '../mail/parse.js';
import type { Metrics } from '../observability/metrics.js';
import { smsJobId, type SmsJobData } from '../queue/job.js';
import type { SmsQueue } from '../queue/sms-queue.js';
import { renderSms, sendableText, type RenderOptions } from '../render/index.js';
import type { IncomingMail, Intake } from '../smtp/intake.js';
import { stormMetaOf, type StormControl, type StormDecision } from '../storm/index.js';
import { acceptMail } from './accept-script.js';
import { concatRefKey, concatRefSeed } from './concat-refs.js';
import { contentId, transactionId } from './ids.js';

export interface IntakeOptions {
  /** `redis.prefix`: where the per-number concatenation counters live. */
  keyPrefix: string;
  render: RenderOptions;
  validityMs: number;
  delayNoticeMs: number;
  logContent: boolean;
}

export interface IntakeDeps {
  queue: SmsQueue;
  status: StatusStore;
  metrics: Metrics;
  log: Logger;
  /** Per-number dedup, burst aggregation and hourly cap; absent = every recipient is sent. */
  storm?: StormControl;
  /** The status connection: storm decisions and the record run there as one script. */
  redis: Redis;
  /** NOTIFY=DELAY: check these recipients again at `at` (epoch ms). */
  scheduleDelayNotice(jobIds: string[], at: number): Promise<void>;
}

/** The most of a header block kept for the DSN's text/rfc822-headers part. */
const MAX_STORED_HEADERS = 64 * 1024;

const SEND: StormDecision = { action: 'send', reason: 'disabled' };

/**
 * Mail in, jobs out: parse and render once, ask storm control about each recipient, then one job
 * per recipient to send. Resolves only after the status records and every job are in Redis; any
 * Redis failure is a QueueError (the SMTP side answers 451 and the sender retries). A recipient
 * that storm control suppresses or holds is still recorded: the 250 covers it too.
 */
export function createIntake(deps: IntakeDeps, options: IntakeOptions): Intake {
  return async (mail: IncomingMail) => {
    const parsed = await parseMail(mail.raw);
    const rendered = renderSms(parsed, options.render);
    const text = sendableText(rendered);

    const messageId = parsed.messageId ?? contentId(mail.raw);
    const txId = transactionId(mail.sender, messageId);
    const receivedAt = Date.now();
    const jobs = mail.recipients.map((r) => {
      const id = smsJobId(txId, r.number);
      const data: SmsJobData = { txId, messageId, sender: mail.sender, recipient: r.address, number: r.number, text, receivedAt, expiresAt: receivedAt + options.validityMs };
      return { id, data };
    });

    // Storm control's decisions and the record go to Redis as one script (accept-script.ts).
    const meta = stormMetaOf(rendered.recogniser, rendered.fields);
    const storm = deps.storm;
    const calls = storm ? jobs.flatMap((j) => storm.decisionCall(j.data.number, text, { ...meta, jobId: j.id }) ?? []) : [];
    const record = deps.status.acceptedCall(
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
    const concat = { keys: jobs.map((j) => concatRefKey(options.keyPrefix, j.data.number)), args: jobs.map((j) => concatRefSeed(j.id)) };
    let decisions: StormDecision[];
    try {
      const accepted = await acceptMail(deps.redis, record, jobs.length, calls, concat);
      decisions = jobs.map((j, i) => (storm && accepted.decisions[i] !== undefined ? storm.decided(accepted.decisions[i], j.data.number) : SEND));
      jobs.forEach((j, i) => (j.data.concatRef = accepted.concatRefs[i]));
    } catch (cause) {
      throw new QueueError('STATUS_UNAVAILABLE', `could not record the message: ${(cause as Error).message}`, { cause });
    }
    const toSend = jobs.filter((_, i) => decisions[i]!.action === 'send');
    try {
      if (toSend.length > 0) await deps.queue.enqueue(toSend);
      // After the jobs: a refused transaction (451) must not produce a delay notice later.
      const delayed = mail.recipients.flatMap((r, i) => (r.dsn?.notify?.includes('DELAY') && decisions[i]!.action === 'send' ? [jobs[i]!.id] : []));
      if (delayed.length > 0) await deps.scheduleDelayNotice(delayed, receivedAt + options.delayNoticeMs);
    } catch (cause) {
      // Storm control counted these as sent; the client will retry, and must not be suppressed then.
      if (storm) {
        await Promise.all(jobs.map((j, i) => storm.undo(j.data.number, text, decisions[i]!, j.id).catch((undoError: unknown) => {
          // The retry is still sent (its job id matches the marker), but counts as sent twice this hour.
          deps.log.warn({ event: 'storm.undo_failed', jobId: j.id, err: (undoError as Error).message }, 'could not take back a storm decision');
        })));
      }
      if (cause instanceof QueueError) throw cause;
      throw new QueueError('STATUS_UNAVAILABLE', `could not record the message: ${(cause as Error).message}`, { cause });
    }

    deps.metrics.smtpRecipients.inc(jobs.length);
    deps.log.info(
      {
        event: 'message.queued', txId, messageId, sender: mail.sender, client: mail.client.address,
        recipients: jobs.map((j) => j.data.number), recogniser: rendered.recogniser, chars: text.length,
        ...(toSend.length < jobs.length ? { storm: decisions.map((d) => `${d.action}:${d.reason}`) } : {}),
        ...(options.logContent ? { text } : {}),
      },
      'message queued',
    );
    return { txId };
  };
}

function headerBlock(raw: Buffer): string {
  const { headEnd } = headBounds(raw, MAX_STORED_HEADERS);
  return raw.toString('latin1', 0, Math.min(headEnd, MAX_STORED_HEADERS));
}
