/**
 * relay-split: the relay as separate processes sharing Redis, the way `smtp2sms start --role`
 * runs it on a multi-core machine. The worker role (carriers, queue worker, receipts) always runs
 * in a child process, `node dist/cli.js start --role worker --config <temp yaml>`; the smtp role
 * (ingest) runs either in this process or in a second child. The SMSC simulator and the SMTP
 * client stay here. The YAML is written from the same settings as the in-process relay
 * (relayConfigInput), with logging at warn so the children's warnings reach our stderr.
 *
 * Children are started with an IPC channel and bench/child-guard.mjs preloaded, so they stop when
 * this process goes away however it ends; stop() sends SIGTERM (graceful: app.stop()) and SIGKILL
 * after 10 s; an exit hook SIGKILLs whatever is left when this process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { startApp, type RunningApp } from '../src/app.js';
import { parseConfig } from '../src/config/load.js';
import { silentLogger } from '../src/observability/logger.js';
import { BenchSmtpClient } from './smtp-client.js';
import type { ChildProcessInfo } from './stats.js';
import { benchSimulator, deleteKeys, newPrefix, queueControl, relayConfigInput, type RelayTarget, type RelayTuning } from './targets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const GUARD = pathToFileURL(join(ROOT, 'bench', 'child-guard.mjs')).href;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Forwarded child output is capped, in case a child logs per message. */
const MAX_FORWARDED_BYTES = 16 * 1024;

/**
 * Where the smtp role runs: in this process, in its own child (`--role smtp`), or as `start` runs
 * it with `smtp.processes: 1` (one child `--role all` whose SMTP side is its cluster child).
 */
export type SmtpPlace = 'bench' | 'child' | 'processes';

export interface SplitTarget extends RelayTarget {
  processes: number;
  smtpRole: SmtpPlace;
  children: ChildProcessInfo[];
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHook = false;
function onExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** SIGKILLs every child still running and waits (up to 2 s) until they are gone: for the watchdog. */
export async function killChildren(): Promise<void> {
  const gone = [...live].map((child) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  }));
  await Promise.race([Promise.all(gone), sleep(2000)]);
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  onExit();
}

/**
 * Rebuilds dist/ (tsc -p tsconfig.build.json) when it is missing or older than a file in src/, so
 * the children run the same code as the in-process relay (which tsx runs from src/). After
 * `npm ci` the prepare script has built it already. BENCH_BUILD=0 skips the check.
 */
export function ensureBuilt(): void {
  if (process.env.BENCH_BUILD === '0' && existsSync(CLI)) return;
  const newestSrc = newestMtime(join(ROOT, 'src'));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSrc) return;
  process.stderr.write('bench: dist/ is missing or older than src/, running tsc -p tsconfig.build.json\n');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT, encoding: 'utf8', timeout: 180_000,
  });
  if (tsc.status !== 0) {
    process.stderr.write(`bench: tsc exited with ${tsc.status ?? tsc.signal}:\n${(tsc.stdout + tsc.stderr).slice(0, 4000)}\n`);
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing and the build failed; run npm run build');
    process.stderr.write('bench: using dist/ as tsc left it\n');
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export async function startSplitRelay(tuning: RelayTuning, smtpRole: SmtpPlace, hardLimitS: number): Promise<SplitTarget> {
  ensureBuilt();
  const smsc = benchSimulator();
  const smscPort = await smsc.start();
  const prefix = newPrefix();
  const smtpPort = smtpRole === 'bench' ? 0 : await freePort();
  const raw = relayConfigInput(smscPort, prefix, tuning, smtpPort);
  if (smtpRole === 'processes') (raw.smtp as Record<string, unknown>).processes = 1;
  const dir = mkdtempSync(join(tmpdir(), 'smtp2sms-bench-'));
  tempDirs.add(dir);
  onExit();
  const configFile = join(dir, 'relay.yaml');
  writeFileSync(configFile, stringify({ ...raw, logging: { level: 'warn' } }));

  const children: { role: string; child: ChildProcess }[] = [];
  let app: RunningApp | undefined;
  const control = queueControl(prefix);
  const stop = async () => {
    // Ingest first, then dispatch, then the simulator the worker is bound to.
    await app?.stop();
    for (const { child } of [...children].reverse()) await stopChild(child);
    await control.close();
    await smsc.stop();
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
    const deleted = await deleteKeys(prefix);
    process.stderr.write(`bench: deleted ${deleted} Redis keys under ${prefix}:*\n`);
  };
  try {
    const bound = new Promise<void>((resolve) => smsc.once('bind', () => resolve()));
    if (smtpRole === 'processes') {
      const main = startChild('all', configFile, hardLimitS);
      children.push({ role: 'main', child: main });
      await untilReady(main, 'main', Promise.all([bound, smtpGreets(smtpPort)]).then(() => undefined));
      const smtpChild = childPids(main.pid!)[0];
      return {
        port: smtpPort, smsc, prefix, stop, pauseQueue: control.pause, processes: 3, smtpRole,
        children: [{ role: 'main', pid: main.pid! }, ...(smtpChild ? [{ role: 'smtp', pid: smtpChild }] : [])],
      };
    }
    const worker = startChild('worker', configFile, hardLimitS);
    children.push({ role: 'worker', child: worker });
    await untilReady(worker, 'worker', bound);

    let port: number;
    if (smtpRole === 'child') {
      const smtp = startChild('smtp', configFile, hardLimitS);
      children.push({ role: 'smtp', child: smtp });
      await untilReady(smtp, 'smtp', smtpGreets(smtpPort));
      port = smtpPort;
    } else {
      app = await startApp(parseConfig(raw), silentLogger(), { smtp: true, worker: false });
      port = app.smtpPort;
    }
    return {
      port, smsc, prefix, stop, pauseQueue: control.pause,
      processes: 1 + children.length, smtpRole,
      children: children.map(({ role, child }) => ({ role, pid: child.pid! })),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function startChild(role: 'smtp' | 'worker' | 'all', configFile: string, hardLimitS: number): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CHILD_MAX_S: String(hardLimitS + 30) };
  // These would override the YAML (see src/config/environment.ts); REDIS_URL is the same either way.
  for (const name of ['SMTP2SMS_CONFIG', 'SMTP2SMS_SMTP_PORT', 'SMTP2SMS_HTTP_PORT', 'NODE_OPTIONS']) delete env[name];
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=relay-split-${role}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, '--import', GUARD, CLI, 'start', '--role', role, '--config', configFile], {
    cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(child);
  let forwarded = 0;
  const forward = (chunk: Buffer) => {
    if (forwarded >= MAX_FORWARDED_BYTES) return;
    forwarded += chunk.length;
    const lines = chunk.toString('utf8').trimEnd().split('\n');
    process.stderr.write(lines.map((line) => `[${role} ${child.pid}] ${line}\n`).join(''));
    if (forwarded >= MAX_FORWARDED_BYTES) process.stderr.write(`[${role} ${child.pid}] (further output dropped)\n`);
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  child.on('error', (err) => process.stderr.write(`bench: ${role} child: ${err.message}\n`));
  return child;
}

/** Resolves when `ready` does; fails when the child exits first or START_TIMEOUT_MS pass. */
async function untilReady(child: ChildProcess, role: string, ready: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: ((code: number | null, signal: string | null) => void) | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        onExit = (code, signal) => reject(new Error(`${role} child exited (${code ?? signal}) before it was ready`));
        child.once('exit', onExit);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${role} child not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onExit) child.off('exit', onExit);
  }
}

/** Polls until an SMTP greeting 220 comes from the port. */
async function smtpGreets(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const { client, greeting } = await BenchSmtpClient.open(port);
      await client.quit();
      if (greeting.code === 220) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`no SMTP greeting on port ${port} within ${START_TIMEOUT_MS} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    process.stderr.write(`bench: child ${child.pid} still running ${STOP_TIMEOUT_MS} ms after SIGTERM, killing it\n`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The node processes `pid` started (its SMTP cluster children), from /proc. */
function childPids(pid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}

/** A port that was free a moment ago, for the smtp child (its config needs a fixed port). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
