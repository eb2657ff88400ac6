/**
 * How many cores this process may really use: the OS's count (CPU affinity included), capped by a
 * container's CPU quota. Node 20's availableParallelism() (libuv 1.46) ignores cgroup quotas, so a
 * relay in `docker run --cpus=1` on a 32-core host would otherwise fork 31 SMTP children that
 * fight over one core. Reads what container runtimes mount: cgroup v2's `cpu.max`, or v1's
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us`. A nested cgroup with a tighter quota than the one at
 * the mount point is not looked for.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** Cores a quota allows: quota/period rounded up (1.5 CPUs can keep 2 processes half busy). */
export function coresFromQuota(quotaUs: number, periodUs: number): number | undefined {
  if (!Number.isFinite(quotaUs) || !Number.isFinite(periodUs) || quotaUs <= 0 || periodUs <= 0) return undefined;
  return Math.max(1, Math.ceil(quotaUs / periodUs));
}

/** `cpu.max` of cgroup v2: "max 100000" (no quota) or "150000 100000". */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return coresFromQuota(Number(quota), Number(period ?? 100_000));
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The quota in cores, or undefined when there is none (or no cgroup file to read). */
export function cgroupCpuLimit(root = '/sys/fs/cgroup'): number | undefined {
  const v2 = readOrUndefined(join(root, 'cpu.max'));
  if (v2 !== undefined) return parseCpuMax(v2);
  for (const dir of ['cpu', 'cpu,cpuacct']) {
    const quota = readOrUndefined(join(root, dir, 'cpu.cfs_quota_us'));
    const period = readOrUndefined(join(root, dir, 'cpu.cfs_period_us'));
    if (quota !== undefined && period !== undefined) return coresFromQuota(Number(quota), Number(period));
  }
  return undefined;
}

export function usableCores(root?: string): number {
  const cores = availableParallelism();
  const limit = cgroupCpuLimit(root);
  return limit === undefined ? cores : Math.min(cores, limit);
}
