/** Small numeric helpers for the benchmark's output. */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { LoadResult } from './load.js';

/** Nearest-rank percentile of the finite values, in the unit given; null when there are none. */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  const sorted = Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]).sort();
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number | null, digits = 1): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function perSecond(count: number, fromMs: number, toMs: number): number | null {
  const seconds = (toMs - fromMs) / 1000;
  return seconds > 0 ? round(count / seconds, 0) : null;
}

export function rssMb(): number | null {
  return round(process.memoryUsage().rss / 1024 / 1024, 1);
}

/** CPU time of this process (all threads) and event-loop delay over one run. */
export class RunMeter {
  private readonly cpu = process.cpuUsage();
  private readonly wall = performance.now();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.loop.enable();
  }

  /**
   * cpu_pct: this process, 100 = one core. cpu_us_per_msg: that CPU time over `messages` (client,
   * target and simulator together). load1: the machine's 1-minute load average, as a noise marker.
   */
  finish(messages: number): { cpu_pct: number | null; cpu_us_per_msg: number | null; loop_p99_ms: number | null; load1: number | null } {
    this.loop.disable();
    const used = process.cpuUsage(this.cpu);
    const wallMs = performance.now() - this.wall;
    const cpuUs = used.user + used.system;
    return {
      cpu_pct: round((cpuUs / 1000 / wallMs) * 100, 0),
      cpu_us_per_msg: messages > 0 ? round(cpuUs / messages, 0) : null,
      loop_p99_ms: round(this.loop.percentile(99) / 1e6, 1),
      load1: round(loadavg()[0] ?? null, 2),
    };
  }
}

/** The SMTP client's view of a run: rate of 250s and time from MAIL FROM to the 250 after DATA. */
export function smtpSide(load: LoadResult, smtpMs: Float64Array) {
  return {
    smtp_per_s: perSecond(load.accepted, load.started, load.finished),
    smtp_p50_ms: round(percentile(smtpMs, 50)),
    smtp_p99_ms: round(percentile(smtpMs, 99)),
    errors: load.errors,
    ...(load.firstError ? { first_error: load.firstError } : {}),
  };
}
