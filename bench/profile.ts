/**
 * Optional CPU profiles of the measured runs only (start-up and module loading left out):
 * with BENCH_CPU_PROFILE=<dir>, each run writes <dir>/<target>-<scenario>.cpuprofile, to open in
 * Chrome DevTools or summarise with `node --import tsx bench/profile-summary.ts <file>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE;
let session: Session | undefined;

/** Starts profiling; the returned function stops and writes the profile. A no-op without the env. */
export async function profileRun(name: string | undefined): Promise<() => Promise<void>> {
  if (!dir || !name) return async () => undefined;
  if (!session) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
  }
  const active = session;
  await active.post('Profiler.start');
  return async () => {
    const { profile } = await active.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`bench: CPU profile written to ${file}\n`);
  };
}
