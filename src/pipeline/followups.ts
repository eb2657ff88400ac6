import type { Logger } from 'pino';
import type { BounceNotifier, DsnTaskData } from '../bounce/notifier.js';
import type { Metrics } from '../observability/metrics.js';
import type { Task, TaskQueue } from '../queue/task-queue.js';

/** NOTIFY=DELAY: look at these recipients again once `delivery.delayNotice` has passed. */
export interface DelayTaskData {
  jobIds: string[];
}

/** Work that happens later than a submission (delay notices, DSNs), kept in Redis so a restart loses none of it. */
export type FollowupData = DsnTaskData | DelayTaskData;

/** The task name says what its data is; the data is checked too, since it comes back from Redis. */
type Followup = { name: 'delay'; task: Task<DelayTaskData> } | { name: 'dsn'; task: Task<DsnTaskData> };

function asFollowup(task: Task<FollowupData>): Followup | undefined {
  const data = task.data as Partial<DelayTaskData & DsnTaskData> | undefined;
  if (task.name === 'delay' && Array.isArray(data?.jobIds)) return { name: 'delay', task: task as Task<DelayTaskData> };
  if (task.name === 'dsn' && typeof data?.txId === 'string' && typeof data.kind === 'string') return { name: 'dsn', task: task as Task<DsnTaskData> };
  return undefined;
}

export interface Followups {
  scheduleDelayNotice(jobIds: string[], at: number): Promise<void>;
  scheduleDsn(data: DsnTaskData, id: string, delayMs: number): Promise<void>;
  start(notifier: BounceNotifier): void;
}

export function createFollowups(queue: TaskQueue<FollowupData>, log: Logger, metrics?: Pick<Metrics, 'followupsAbandoned'>): Followups {
  return {
    scheduleDelayNotice: (jobIds, at) => queue.add('delay', `delay-${jobIds[0]}-${jobIds.length}`, { jobIds }, at - Date.now()),
    scheduleDsn: (data, id, delayMs) => queue.add('dsn', id, data, delayMs),
    start(notifier) {
      queue.start(
        async (task: Task<FollowupData>) => {
          const followup = asFollowup(task);
          if (followup?.name === 'delay') {
            for (const jobId of followup.task.data.jobIds) await notifier.onDelayCheck(jobId);
          } else if (followup?.name === 'dsn') {
            await notifier.send(followup.task);
          } else {
            // Retrying would not make it readable: log it, and the task ends as done.
            log.error({ event: 'followup.unknown', name: task.name, id: task.id }, 'unknown or malformed follow-up task');
          }
        },
        (task, error, final) => {
          if (final) metrics?.followupsAbandoned.inc({ task: task.name });
          log[final ? 'error' : 'warn']({ event: final ? 'followup.failed' : 'followup.retry', task: task.name, id: task.id, attempt: task.attempt, err: error.message }, final ? 'follow-up gave up' : 'follow-up will be retried');
        },
      );
    },
  };
}
