/**
 * `smtp.processes`: the CLI as an operator runs it, with SMTP in two child processes and dispatch
 * in the main one, against an SMSC simulator in this process. Started through tsx, so it tests
 * the sources (node:cluster forks the children with the same loader).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpProcessCount } from '../../src/cluster/smtp-children.js';
import { SmscSimulator } from '../../src/smsc/index.js';
import { freePort } from '../helpers/ports.js';
import { mail, SmtpSession } from '../helpers/smtp-session.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-processes-${process.pid}`;

/** PIDs of the relay's own children (not tsx's esbuild service), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('cli.ts') ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(check()).catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function sendOne(port: number, n: number): Promise<number> {
  const { session } = await SmtpSession.open(port);
  await session.command('EHLO test');
  const to = `+1555010${String(n).padStart(4, '0')}@sms.localhost`;
  const { data } = await session.send('ops@example.com', [to], mail({ Subject: `disk ${n}`, 'Message-ID': `<proc-${n}-${PREFIX}@test>` }, 'full'));
  await session.quit();
  return data?.code ?? 0;
}

describe('smtp.processes: SMTP in child processes', () => {
  const smsc = new SmscSimulator({ port: 0, deliveryReceipts: { enabled: false, delayMs: 0 } });
  const dir = mkdtempSync(join(tmpdir(), 'smtp2sms-processes-'));
  let relay: ChildProcess;
  let exited: Promise<number | null>;
  let smtpPort = 0;
  let httpPort = 0;
  let output = '';

  beforeAll(async () => {
    const smscPort = await smsc.start();
    [smtpPort, httpPort] = [await freePort(), await freePort()];
    const config = {
      smtp: { port: smtpPort, domains: ['sms.localhost'], processes: 2, unresponsiveAfter: '5s' }, // not 2 s: a child starting on a loaded box may pause that long
      redis: { url: REDIS_URL, prefix: PREFIX },
      http: { port: httpPort },
      carriers: { primary: { type: 'smpp', port: smscPort, systemId: 'test', password: 'secret' } },
      routes: [{ match: '*', carriers: ['primary'] }],
      bounces: { outbox: join(dir, 'outbox') },
      logging: { level: 'warn' },
    };
    writeFileSync(join(dir, 'config.yaml'), stringify(config));
    relay = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', join(dir, 'config.yaml')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    relay.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    relay.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => relay.once('exit', (code) => resolve(code)));
    await until('the relay ready with both SMTP processes listening', async () => {
      const ready = (await (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).json()) as { status: string; smtp?: { listening: number } };
      return ready.status === 'ready' && ready.smtp?.listening === 2 ? true : undefined;
    }, 60_000);
    expect(childrenOf(relay.pid!)).toHaveLength(2);
  }, 70_000);

  afterAll(async () => {
    if (relay.exitCode === null) relay.kill('SIGKILL');
    await smsc.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts processes: auto leaves one core to dispatch, and forks none on one core', () => {
    expect(smtpProcessCount('auto', 2)).toBe(1);
    expect(smtpProcessCount('auto', 8)).toBe(7);
    expect(smtpProcessCount('auto', 1)).toBe(0);
    expect(smtpProcessCount(0, 8)).toBe(0);
    expect(smtpProcessCount(3, 2)).toBe(3);
    expect(smtpProcessCount('auto', 2, false)).toBe(2); // --role smtp: nothing else runs here
  });

  it('takes mail on the shared port and sends it; /metrics adds up the children', async () => {
    const codes = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => sendOne(smtpPort, n)));
    expect(codes).toEqual([250, 250, 250, 250, 250, 250]);
    const received = await smsc.waitForMessages(6, 10_000);
    expect(received.map((m) => m.text).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `disk ${n}: full`).sort());
    // submit_sm reaches the SMSC before its response reaches the relay: poll for the count.
    const metrics = await until('six submissions counted', async () => {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      return /^smtp2sms_sms_submitted_total\{carrier="primary",encoding="gsm7",process="main"\} 6$/m.test(text) ? text : undefined;
    }, 5_000);
    // Each process has its own series; the SMTP children's add up to the six transactions.
    const queued = [...metrics.matchAll(/^smtp2sms_smtp_transactions_total\{result="queued",process="(smtp-\d)"\} (\d+)$/gm)];
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(6);
    for (const process of ['main', 'smtp-1', 'smtp-2']) {
      expect(metrics).toMatch(new RegExp(`^smtp2sms_process_process_resident_memory_bytes\\{process="${process}"\\} \\d+`, 'm'));
    }
  }, 20_000);

  it('starts another SMTP process when one dies, and keeps taking mail', async () => {
    const [victim] = childrenOf(relay.pid!);
    process.kill(victim!, 'SIGKILL');
    await until('a replacement', async () => {
      const now = childrenOf(relay.pid!);
      const ready = (await (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).json()) as { smtp?: { listening: number } };
      return ready.smtp?.listening === 2 && now.length === 2 && !now.includes(victim!) ? now : undefined;
    }, 60_000);
    smsc.reset();
    const codes = await Promise.all([7, 8, 9].map((n) => sendOne(smtpPort, n)));
    expect(codes).toEqual([250, 250, 250]);
    await smsc.waitForMessages(3, 10_000);
    expect(output).toContain('an SMTP process exited');
  }, 90_000);

  it('kills and replaces an SMTP process whose event loop stops answering', async () => {
    const [frozen] = childrenOf(relay.pid!);
    process.kill(frozen!, 'SIGSTOP'); // as good as a blocked event loop: no heartbeat
    try {
      await until('the frozen process replaced', async () => {
        const now = childrenOf(relay.pid!);
        const ready = (await (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).json()) as { smtp?: { listening: number } };
        return ready.smtp?.listening === 2 && now.length === 2 && !now.includes(frozen!) ? now : undefined;
      }, 60_000);
    } finally {
      // A stopped process would outlive the test (it cannot even see its parent go).
      try {
        process.kill(frozen!, 'SIGKILL');
      } catch {
        // already gone: the relay killed it
      }
    }
    expect(output).toContain('stopped answering');
    smsc.reset();
    expect(await Promise.all([11, 12].map((n) => sendOne(smtpPort, n)))).toEqual([250, 250]);
    await smsc.waitForMessages(2, 10_000);
  }, 90_000);

  it('stops every process on SIGTERM and exits 0', async () => {
    const children = childrenOf(relay.pid!);
    relay.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe('smtp.processes: a port that is taken', () => {
  it('stops with exit code 1 and says why, instead of restarting children forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtp2sms-processes-busy-'));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const busyPort = (blocker.address() as AddressInfo).port;
    try {
      const config = {
        smtp: { port: busyPort, domains: ['sms.localhost'], processes: 1 },
        redis: { url: REDIS_URL, prefix: `${PREFIX}-busy` },
        http: { enabled: false },
        carriers: { primary: { type: 'smpp', port: 9, systemId: 'test', password: 'secret' } },
        routes: [{ match: '*', carriers: ['primary'] }],
        bounces: { outbox: join(dir, 'outbox') },
        logging: { level: 'warn' },
      };
      writeFileSync(join(dir, 'config.yaml'), stringify(config));
      const relay = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', join(dir, 'config.yaml')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      relay.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      relay.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => relay.once('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(output).toContain('EADDRINUSE');
      expect(output).toContain('exited with code 1 before listening');
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // the relay and its child each compile the sources through tsx: slow on a loaded box
});
