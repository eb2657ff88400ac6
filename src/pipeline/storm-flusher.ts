import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { SmsQueue } from '../queue/sms-queue.js';
import type { StatusStore } from '../delivery/status-store.js';
import type { StormControl, StormSummary } from '../storm/index.js';
import { startPolling } from '../polling.js';

/**
 * Sends storm control's burst summaries and end-of-hour cap reports when they fall due. Each is
 * an ordinary SMS job whose id is the summary's id, so a flush repeated after a crash is a no-op.
 * Summaries come from the relay itself: no envelope sender, so no DSN of their own; a burst
 * summary's outcome is passed on to the held mails it carried, whose senders may get one.
 */
export function startStormFlusher(
  storm: StormControl, queue: SmsQueue, status: StatusStore, config: Config, metrics: Metrics, log: Logger,
  /** The number's next concatenation reference (concat-refs.ts): a summary is often long. */
  concatRef: (number: string, jobId: string) => Promise<number>,
  everyMs = 2_000,
): { stop(): Promise<void> } {
  const send = async (summary: StormSummary) => {
    const now = Date.now();
    const covers = summary.held.flatMap((h) => (h.jobId ? [h.jobId] : []));
    // Before the job: its outcome must find the list of held mails it stands for.
    if (covers.length > 0) await status.recordSummary({ id: summary.id, number: summary.number, covers });
    await queue.enqueue([{
      id: summary.id,
      data: {
        txId: summary.id, messageId: summary.id, sender: '', recipient: summary.number, number: summary.number, text: summary.text,
        receivedAt: now, expiresAt: now + config.delivery.validity, concatRef: await concatRef(summary.number, summary.id),
      },
    }]);
    metrics.stormSummaries.inc({ kind: summary.kind });
    log.info({ event: 'storm.summary', id: summary.id, kind: summary.kind, number: summary.number, count: summary.count }, 'storm summary queued');
  };
  return startPolling(
    () => storm.flushDue(send).then(() => undefined, (err: Error) => log.warn({ event: 'storm.flush_failed', err: err.message }, 'could not queue a storm summary; will retry')),
    everyMs,
  );
}
