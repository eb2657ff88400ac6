/**
 * `npm run bench`: throughput and latency of the whole relay (SMTP → Redis/BullMQ → SMPP → the
 * built-in simulator), next to a bare smtp-server sink driven by the same client code, all in this
 * process. Prints one JSON line per run on stdout; progress goes to stderr. See bench/README.md.
 *
 * Environment: BENCH_N (persistent, default 5000), BENCH_N_CONN (per-connection, default 1000),
 * BENCH_RATE and BENCH_PACED_S (paced, default 200/s for 10 s), BENCH_SCENARIOS and BENCH_TARGETS
 * (comma lists to run a subset), BENCH_WINDOW and BENCH_CONCURRENCY (relay tuning, 50 and 100),
 * BENCH_STAGES=0 to skip the intake-only / drain-only rows, BENCH_SPLIT=0 to skip relay-split
 * (the relay's roles in child processes), BENCH_SPLIT_SMTP=bench|child|both for where its smtp
 * role runs, BENCH_WARMUP (2000) messages before each target's measured runs (the JIT needs them).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SMS_STALL_MS, SmsArrivals } from './arrivals.js';
import { runLoad, type LoadPlan, type Scenario } from './load.js';
import { messageSet } from './messages.js';
import { runStages } from './stages.js';
import { profileRun } from './profile.js';
import { percentile, perSecond, round, rssMb, RunMeter, smtpSide } from './stats.js';
import { processRssMb } from './proc.js';
import { killChildren, startSplitRelay, type SmtpPlace, type SplitTarget } from './split.js';
import { deleteKeys, redisCpuSeconds, startBare, startRelay, type RelayTarget } from './targets.js';

/** A positive integer from the environment, or the fallback. */
const env = (name: string, fallback: number) => {
  const value = Math.floor(Number(process.env[name]));
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const list = (name: string, all: string[]) => (process.env[name] ? process.env[name].split(',').map((s) => s.trim()) : all);

const N = env('BENCH_N', 5000);
const N_CONN = env('BENCH_N_CONN', 1000);
const RATE = env('BENCH_RATE', 200);
const PACED_SECONDS = env('BENCH_PACED_S', 10);
const SCENARIOS = list('BENCH_SCENARIOS', ['persistent', 'per-connection', 'paced']) as Scenario[];
const TARGETS = list('BENCH_TARGETS', ['bare', 'relay', 'relay-split']).filter((t) => t !== 'relay-split' || process.env.BENCH_SPLIT !== '0');
/**
 * Where relay-split runs its smtp role: `bench` (in this process, beside client and simulator: two
 * processes in all) or `child` (its own process, as `--role smtp` runs it: three). `bench` is the
 * relay-split row: on 2 cores it averaged ~8 % more SMS/s over 11 paired runs, at less CPU per
 * message (the smtp child spends ~650-780 µs per message where the same role here adds ~450).
 * `both` (the default) adds a persistent-only row for `child` as target relay-split-smtp-child.
 */
const SPLIT_SMTP = process.env.BENCH_SPLIT_SMTP ?? 'both';
const splitRuns: { place: SmtpPlace; target: string; scenarios?: Scenario[] }[] =
  SPLIT_SMTP === 'child'
    ? [{ place: 'child', target: 'relay-split' }]
    : [
      { place: 'bench', target: 'relay-split' },
      ...(SPLIT_SMTP === 'both' ? [
        { place: 'child' as const, target: 'relay-split-smtp-child', scenarios: ['persistent' as const] },
        // What `npm start` runs with smtp.processes: auto on 2 cores.
        { place: 'processes' as const, target: 'relay-processes', scenarios: ['persistent' as const, 'paced' as const] },
      ] : []),
    ];
const STAGES = process.env.BENCH_STAGES !== '0';
/** Messages sent to each target before its measured runs (JIT, connection pools, Redis scripts). */
const WARMUP = env('BENCH_WARMUP', 2000);
const TUNING = { window: env('BENCH_WINDOW', 50), concurrency: env('BENCH_CONCURRENCY', 100) };
/** Whole-bench watchdog: a hung run must not hang `npm run bench`. */
const HARD_LIMIT_MS = env('BENCH_TIMEOUT_S', 240) * 1000;
/** The relay while it runs, so the watchdog can still stop it and clean up. */
let active: RelayTarget | undefined;
/** Set by the watchdog: rows of the run it interrupted are not printed. */
let gaveUp = false;

type Plan = Omit<LoadPlan, 'port'>;
const plans: Record<Scenario, Plan> = {
  persistent: { scenario: 'persistent', n: N, sessions: 50 },
  'per-connection': { scenario: 'per-connection', n: N_CONN, sessions: 50 },
  paced: { scenario: 'paced', n: RATE * PACED_SECONDS, sessions: 10, ratePerSecond: RATE },
};

function emit(line: Record<string, unknown>): void {
  if (gaveUp) return;
  process.stdout.write(`${JSON.stringify({ bench: 'relay', ...line })}\n`);
}

async function runBare(plan: Plan, port: number, profile = true) {
  const set = messageSet(plan.n);
  const smtpMs = new Float64Array(plan.n).fill(NaN);
  const stopProfile = await profileRun(profile ? `bare-${plan.scenario}` : undefined);
  const meter = new RunMeter();
  const load = await runLoad({ ...plan, port }, set.make, (i, t) => (smtpMs[i] = t.end - t.start));
  const meters = meter.finish(load.accepted);
  await stopProfile();
  const side = smtpSide(load, smtpMs);
  return {
    scenario: plan.scenario, target: 'bare', n: plan.n, sessions: plan.sessions,
    msgs_per_s: side.smtp_per_s, ...side, p50_ms: side.smtp_p50_ms, p99_ms: side.smtp_p99_ms,
    ...meters, rss_mb: rssMb(),
  };
}

async function runRelay(plan: Plan, relay: RelayTarget | SplitTarget, profile = true, target = 'relay') {
  const children = 'children' in relay ? relay.children : [];
  const set = messageSet(plan.n);
  const arrivals = new SmsArrivals(relay.smsc, set, plan.n);
  const smtpMs = new Float64Array(plan.n).fill(NaN);
  const dot = new Float64Array(plan.n).fill(NaN);
  const replied = new Float64Array(plan.n).fill(NaN);
  const redisCpu = await redisCpuSeconds();
  const stopProfile = await profileRun(profile ? `${target}-${plan.scenario}` : undefined);
  const meter = new RunMeter(children);
  try {
    const load = await runLoad({ ...plan, port: relay.port }, set.make, (i, t) => {
      smtpMs[i] = t.end - t.start;
      dot[i] = t.dot;
      replied[i] = t.end;
    });
    await arrivals.wait(load.accepted, SMS_STALL_MS);
    const meters = meter.finish(arrivals.delivered);
    await stopProfile();
    const redisCpuAfter = await redisCpuSeconds();
    const latency = new Float64Array(plan.n).fill(NaN);
    const e2e = new Float64Array(plan.n).fill(NaN);
    let early = 0;
    for (let i = 0; i < plan.n; i++) {
      const gap = arrivals.at[i]! - replied[i]!;
      if (gap < 0) early++;
      latency[i] = Math.max(0, gap);
      e2e[i] = arrivals.at[i]! - dot[i]!;
    }
    const wallMs = Math.max(arrivals.last, load.finished) - load.started;
    return {
      scenario: plan.scenario, target, n: plan.n, sessions: plan.sessions,
      ...('processes' in relay ? { processes: relay.processes, smtp_role: relay.smtpRole } : {}),
      ...(plan.ratePerSecond ? { rate_per_s: plan.ratePerSecond, max_lag_ms: round(load.maxLagMs) } : {}),
      sms_per_s: arrivals.delivered === 0 ? 0 : perSecond(arrivals.delivered, load.started, arrivals.last),
      delivered: arrivals.delivered,
      ...smtpSide(load, smtpMs),
      p50_ms: round(percentile(latency, 50)), p99_ms: round(percentile(latency, 99)), max_ms: round(percentile(latency, 100)),
      e2e_p50_ms: round(percentile(e2e, 50)), e2e_p99_ms: round(percentile(e2e, 99)),
      sms_before_250: early,
      ...meters,
      redis_cpu_pct: redisCpu === null || redisCpuAfter === null ? null : round(((redisCpuAfter - redisCpu) * 1000 / wallMs) * 100, 0),
      rss_mb: rssMb(),
      ...(children.length > 0 ? { child_rss_mb: Object.fromEntries(children.map((c) => [c.role, processRssMb(c.pid)])) } : {}),
    };
  } finally {
    arrivals.close();
  }
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${HARD_LIMIT_MS / 1000} s, giving up\n`);
    gaveUp = true;
    // relay-split's children first, or they would keep writing under the prefix being deleted.
    // Children first, then the relay here (5 s at most), so nothing writes under the prefix being deleted.
    const relay = active;
    const cleanup = killChildren()
      .then(() => (relay ? Promise.race([relay.stop(), sleep(5000)]) : undefined))
      .then(() => (relay ? deleteKeys(relay.prefix) : 0));
    void cleanup.catch(() => 0).finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  watchdog.unref();
  const scenarios = SCENARIOS.filter((s) => s in plans);
  const bareRate = new Map<Scenario, number>();
  const warmup: Plan = { scenario: 'persistent', n: WARMUP, sessions: 10 };

  if (TARGETS.includes('bare')) {
    const bare = await startBare();
    try {
      await runBare(warmup, bare.port, false);
      for (const scenario of scenarios.filter((s) => s !== 'paced')) {
        process.stderr.write(`bench: bare ${scenario}\n`);
        const row = await runBare(plans[scenario], bare.port);
        if (row.msgs_per_s) bareRate.set(scenario, row.msgs_per_s);
        emit(row);
      }
    } finally {
      await bare.stop();
    }
  }

  if (TARGETS.includes('relay')) {
    const relay = await startRelay(TUNING);
    active = relay;
    try {
      await runRelay(warmup, relay, false);
      for (const scenario of scenarios) {
        process.stderr.write(`bench: relay ${scenario}\n`);
        const row = await runRelay(plans[scenario], relay);
        const bare = bareRate.get(scenario);
        emit({ ...row, ...(bare && row.sms_per_s ? { ratio_vs_bare: round(row.sms_per_s / bare, 2) } : {}) });
      }
      if (STAGES) {
        process.stderr.write('bench: relay stages (intake only, then drain only)\n');
        for (const row of await runStages(plans.persistent, relay)) emit(row);
      }
    } finally {
      await relay.stop();
      active = undefined;
    }
  }
  if (TARGETS.includes('relay-split')) {
    for (const { place, target, scenarios: only } of splitRuns) {
      const runScenarios = scenarios.filter((s) => !only || only.includes(s));
      if (runScenarios.length === 0) continue;
      process.stderr.write(`bench: ${target}: ${place === 'processes' ? 'smtp2sms start with smtp.processes: 1 in a child process' : `worker role in a child process, smtp role in ${place === 'bench' ? 'this process' : 'another child'}`}\n`);
      const relay = await startSplitRelay(TUNING, place, HARD_LIMIT_MS / 1000);
      active = relay;
      try {
        await runRelay(warmup, relay, false, target);
        for (const scenario of runScenarios) {
          process.stderr.write(`bench: ${target} ${scenario}\n`);
          const row = await runRelay(plans[scenario], relay, true, target);
          const bare = bareRate.get(scenario);
          emit({ ...row, ...(bare && row.sms_per_s ? { ratio_vs_bare: round(row.sms_per_s / bare, 2) } : {}) });
        }
      } finally {
        await relay.stop();
        active = undefined;
      }
    }
  }
  clearTimeout(watchdog);
}

main().then(
  () => {
    // Everything is stopped, so the process should end by itself; say so if something lingers.
    setTimeout(() => {
      process.stderr.write('bench: handles still open 5 s after stopping, exiting anyway\n');
      process.exit(0);
    }, 5000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
