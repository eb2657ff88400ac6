import type { Logger } from 'pino';
import type { BounceNotifier, DsnTaskData } from '../bounce/notifier.js';
import type { DeliveryTracker } from '../delivery/tracker.js';
import type { Task, TaskQueue } from '../queue/task-queue.js';

/** Work that happens later than a submission (delay notices, DSNs), kept in Redis so a restart loses none of it. */
export type FollowupData = DsnTaskData | { jobIds: string[] };

export interface Followups {
  scheduleDelayNotice(jobIds: string[], at: number): Promise<void>;
  scheduleDsn(data: DsnTaskData, id: string, delayMs: number): Promise<void>;
  start(tracker: DeliveryTracker, notifier: BounceNotifier): void;
}

export function createFollowups(queue: TaskQueue<FollowupData>, log: Logger): Followups {
  return {
    scheduleDelayNotice: (jobIds, at) => queue.add('delay', `delay-${jobIds[0]}-${jobIds.length}`, { jobIds }, at - Date.now()),
    scheduleDsn: (data, id, delayMs) => queue.add('dsn', id, data, delayMs),
    start(tracker, notifier) {
      queue.start(
        async (task: Task<FollowupData>) => {
          switch (task.name) {
            case 'delay':
              for (const jobId of (task.data as { jobIds: string[] }).jobIds) await notifier.onDelayCheck(jobId);
              return;
            case 'dsn':
              await notifier.send(task as Task<DsnTaskData>);
              return;
            default:
              log.error({ event: 'followup.unknown', name: task.name }, 'unknown follow-up task');
          }
        },
        (task, error, final) => {
          log[final ? 'error' : 'warn']({ event: final ? 'followup.failed' : 'followup.retry', task: task.name, id: task.id, attempt: task.attempt, err: error.message }, final ? 'follow-up gave up' : 'follow-up will be retried');
        },
      );
    },
  };
}
