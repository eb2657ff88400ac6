/**
 * The relay's two halves measured apart: `relay-intake` sends mail while the SMS queue is paused
 * (jobs pile up in Redis, nothing is sent), `relay-drain` then resumes the queue and times how
 * fast that backlog reaches the simulator. Each half then has the CPU to itself, so comparing them
 * with the full run shows which half sets the pace and how much they slow each other down.
 */
import { SMS_STALL_MS, SmsArrivals } from './arrivals.js';
import { runLoad, type LoadPlan } from './load.js';
import { messageSet } from './messages.js';
import { profileRun } from './profile.js';
import { perSecond, rssMb, RunMeter, smtpSide } from './stats.js';
import type { RelayTarget } from './targets.js';

export async function runStages(plan: Omit<LoadPlan, 'port'>, relay: RelayTarget): Promise<Record<string, unknown>[]> {
  const set = messageSet(plan.n);
  const arrivals = new SmsArrivals(relay.smsc, set, plan.n);
  try {
    await relay.pauseQueue(true);
    const smtpMs = new Float64Array(plan.n).fill(NaN);
    let stopProfile = await profileRun('relay-intake');
    const intakeMeter = new RunMeter();
    const load = await runLoad({ ...plan, port: relay.port }, set.make, (i, t) => (smtpMs[i] = t.end - t.start));
    const intake = {
      scenario: plan.scenario, target: 'relay-intake', n: plan.n, sessions: plan.sessions,
      ...smtpSide(load, smtpMs), ...intakeMeter.finish(load.accepted), rss_mb: rssMb(),
    };
    await stopProfile();

    stopProfile = await profileRun('relay-drain');
    const drainMeter = new RunMeter();
    await relay.pauseQueue(false);
    await arrivals.wait(load.accepted, SMS_STALL_MS);
    const drainMeters = drainMeter.finish(arrivals.delivered);
    await stopProfile();
    const drain = {
      scenario: plan.scenario, target: 'relay-drain', n: plan.n,
      // From the first SMS to the last: the worker's start-up and bind are left out.
      sms_per_s: arrivals.delivered > 1 ? perSecond(arrivals.delivered - 1, arrivals.first, arrivals.last) : 0,
      delivered: arrivals.delivered,
      ...drainMeters, rss_mb: rssMb(),
    };
    return [intake, drain];
  } finally {
    arrivals.close();
  }
}
