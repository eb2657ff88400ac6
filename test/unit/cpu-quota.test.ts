import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupCpuLimit, coresFromQuota, parseCpuMax, usableCores } from '../../src/cluster/cpu-quota.js';
import { smtpProcessCount } from '../../src/cluster/smtp-children.js';

const roots: string[] = [];
function cgroupRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'smtp2sms-cgroup-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('CPU quota of a container', () => {
  it.each([
    ['max 100000\n', undefined],
    ['100000 100000\n', 1],
    ['150000 100000\n', 2],
    ['50000 100000\n', 1],
    ['400000 100000\n', 4],
    ['200000\n', 2], // period left out: the kernel default
    ['garbage', undefined],
    ['', undefined],
  ])('cpu.max %j allows %s cores', (text, cores) => {
    expect(parseCpuMax(text)).toBe(cores);
  });

  it.each([
    [-1, 100000, undefined], // cgroup v1: no quota
    [0, 100000, undefined],
    [250000, 100000, 3],
    [100000, 0, undefined],
  ])('cfs quota %s / period %s allows %s cores', (quota, period, cores) => {
    expect(coresFromQuota(quota, period)).toBe(cores);
  });

  it('reads cgroup v2 first, then v1 in either mount name', () => {
    expect(cgroupCpuLimit(cgroupRoot({ 'cpu.max': '300000 100000' }))).toBe(3);
    expect(cgroupCpuLimit(cgroupRoot({ 'cpu/cpu.cfs_quota_us': '200000\n', 'cpu/cpu.cfs_period_us': '100000\n' }))).toBe(2);
    expect(cgroupCpuLimit(cgroupRoot({ 'cpu,cpuacct/cpu.cfs_quota_us': '100000', 'cpu,cpuacct/cpu.cfs_period_us': '100000' }))).toBe(1);
    expect(cgroupCpuLimit(cgroupRoot({ 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000' }))).toBeUndefined();
    expect(cgroupCpuLimit(cgroupRoot({}))).toBeUndefined();
  });

  it('caps the cores the OS offers, never raises them', () => {
    expect(usableCores(cgroupRoot({ 'cpu.max': '100000 100000' }))).toBe(1);
    expect(usableCores(cgroupRoot({ 'cpu.max': `${(availableParallelism() + 1) * 100_000} 100000` }))).toBe(availableParallelism());
    expect(usableCores(cgroupRoot({ 'cpu.max': 'max 100000' }))).toBe(availableParallelism());
  });

  it('smtp.processes auto forks no SMTP child in a one-CPU container', () => {
    expect(smtpProcessCount('auto', usableCores(cgroupRoot({ 'cpu.max': '100000 100000' })))).toBe(0);
  });
});
