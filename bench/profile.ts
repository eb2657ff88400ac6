/**
 * Optional profiles of the measured runs only (start-up and module loading left out):
 * with BENCH_CPU_PROFILE=<dir>, each run writes <dir>/<target>-<scenario>.cpuprofile, to open in
 * Chrome DevTools or summarise with `node --import tsx bench/profile-summary.ts <file>`;
 * with BENCH_HEAP_PROFILE=<dir>, a sampling allocation profile <dir>/<target>-<scenario>.heapprofile
 * (what was allocated during the run, by allocating function; DevTools opens it too).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const cpuDir = process.env.BENCH_CPU_PROFILE;
const heapDir = process.env.BENCH_HEAP_PROFILE;
let session: Session | undefined;

async function connected(): Promise<Session> {
  if (session) return session;
  session = new Session();
  session.connect();
  return session;
}

/** Starts profiling; the returned function stops and writes the profile. A no-op without the env. */
export async function profileRun(name: string | undefined): Promise<() => Promise<void>> {
  if (!name || (!cpuDir && !heapDir)) return async () => undefined;
  const active = await connected();
  if (cpuDir) {
    await active.post('Profiler.enable');
    await active.post('Profiler.setSamplingInterval', { interval: 250 });
    await active.post('Profiler.start');
  }
  if (heapDir) {
    await active.post('HeapProfiler.enable');
    // Every 8 KB allocated on average: enough samples in a 5,000-message run, little overhead.
    await active.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  return async () => {
    if (cpuDir) {
      const { profile } = await active.post('Profiler.stop');
      write(cpuDir, `${name}.cpuprofile`, profile);
    }
    if (heapDir) {
      const { profile } = await active.post('HeapProfiler.stopSampling');
      write(heapDir, `${name}.heapprofile`, profile);
    }
  };
}

function write(dir: string, fileName: string, profile: unknown): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, fileName);
  writeFileSync(file, JSON.stringify(profile));
  process.stderr.write(`bench: profile written to ${file}\n`);
}
