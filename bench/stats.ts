/** Small numeric helpers for the benchmark's output. */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { LoadResult } from './load.js';
import { processCpuUs } from './proc.js';

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

/** A relay process other than this one (relay-split's children), metered through /proc. */
export interface ChildProcessInfo {
  role: string;
  pid: number;
}

/**
 * CPU time of this process (all threads) and event-loop delay over one run; with `children`, their
 * CPU time too (from /proc), so cpu_pct and cpu_us_per_msg cover every process of the relay.
 */
export class RunMeter {
  private readonly cpu = process.cpuUsage();
  private readonly wall = performance.now();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly childCpu: (number | null)[];

  constructor(private readonly children: ChildProcessInfo[] = []) {
    this.childCpu = children.map((c) => processCpuUs(c.pid));
    this.loop.enable();
  }

  /**
   * cpu_pct: all processes together, 100 = one core. cpu_us_per_msg: that CPU time over `messages`
   * (client, target and simulator together). load1: the machine's 1-minute load average, as a
   * noise marker. With children: cpu_pct_by_process and cpu_us_per_msg_by_process per role
   * (`bench` is this process: client, simulator and whatever part of the relay runs here).
   */
  finish(messages: number) {
    this.loop.disable();
    const used = process.cpuUsage(this.cpu);
    const wallMs = performance.now() - this.wall;
    const byProcess: Record<string, number | null> = { bench: used.user + used.system };
    this.children.forEach((child, i) => {
      const before = this.childCpu[i];
      const now = processCpuUs(child.pid);
      byProcess[child.role] = before === null || before === undefined || now === null ? null : now - before;
    });
    const cpuUs = Object.values(byProcess).reduce<number>((sum, us) => sum + (us ?? 0), 0);
    const pct = (us: number | null) => (us === null ? null : round((us / 1000 / wallMs) * 100, 0));
    const perMsg = (us: number | null) => (us === null || messages <= 0 ? null : round(us / messages, 0));
    const map = (f: (us: number | null) => number | null) => Object.fromEntries(Object.entries(byProcess).map(([role, us]) => [role, f(us)]));
    return {
      cpu_pct: pct(cpuUs),
      cpu_us_per_msg: perMsg(cpuUs),
      ...(this.children.length > 0 ? { cpu_pct_by_process: map(pct), cpu_us_per_msg_by_process: map(perMsg) } : {}),
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
