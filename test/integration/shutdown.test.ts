/**
 * SIGTERM while an SMSC keeps throttling a long message: `smtp2sms start` stops within a bounded
 * time (it used to wait for the submission to finish, which throttling can stretch to minutes:
 * BullMQ ignored the forced close), and the next start sends only the part not yet taken. The
 * relay runs as its own process (through tsx), against a fake SMSC in this one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PDU, Session } from 'smpp';
import { afterAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeSmsc, STATUS } from '../helpers/fake-smsc.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, uniquePrefix } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Takes part 1, then throttles every submit while `throttling`. */
class FirstThenThrottle extends FakeSmsc {
  throttling = true;
  protected override onSubmit(session: Session, pdu: PDU): void {
    this.answerSubmit(session, pdu, this.accepted.length === 0 || !this.throttling ? STATUS.ESME_ROK : STATUS.ESME_RTHROTTLED);
  }
}

interface Relay { proc: ChildProcess; output(): string; exited: Promise<number | null> }

const dir = mkdtempSync(join(tmpdir(), 'smtp2sms-shutdown-'));
const smsc = new FirstThenThrottle();
const relays: Relay[] = [];

function startRelay(configFile: string): Relay {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const relay = { proc, output: () => out, exited: new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code))) };
  relays.push(relay);
  return relay;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  for (const relay of relays) if (relay.proc.exitCode === null) relay.proc.kill('SIGKILL');
  await smsc.close();
  rmSync(dir, { recursive: true, force: true });
});

it('stops within bounded time mid-throttle, and the next start sends only the part not yet taken', async () => {
  const smscPort = await smsc.start();
  const smtpPort = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    smtp: { port: smtpPort, domains: ['sms.localhost'], processes: 0 },
    redis: { url: REDIS_URL, prefix: uniquePrefix('shutdown') },
    http: { enabled: false },
    carriers: { primary: { type: 'smpp', port: smscPort, systemId: 'test', password: 'secret', responseTimeout: '2s', reconnect: { initial: 100, max: 500 } } },
    routes: [{ match: '*', carriers: ['primary'] }],
    // One attempt: the one the stop cuts short must not count as failed (it would bounce).
    queue: { attempts: 1, backoff: { initial: 200, max: 1000 } },
    storm: { enabled: false },
    bounces: { outbox: join(dir, 'outbox') },
    logging: { level: 'info' },
  }));
  const first = startRelay(configFile);
  await until('the relay listening', () => first.output().includes('"smtp.listening"'), 60_000);

  const { session } = await SmtpSession.open(smtpPort);
  await session.command('EHLO t');
  const reply = await session.send('ops@example.com', ['+4915112345678@sms.localhost'], mail({ Subject: '', 'Message-ID': '<shutdown-multipart@x>' }, 'x'.repeat(250)));
  await session.quit();
  expect(reply.data!.code).toBe(250);
  await until('part 1 taken, part 2 throttled', () => smsc.accepted.length === 1 && smsc.submits.length >= 2, 20_000);

  first.proc.kill('SIGTERM');
  // 10 s for running submissions, then the carriers stop (their answers wait responseTimeout).
  const exit = await Promise.race([first.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 40_000))]);
  expect(exit).toBe(0);
  expect(first.output()).toContain('"shutdown.interrupting"');

  smsc.throttling = false;
  const second = startRelay(configFile);
  await until('the rest sent by the next start', () => second.output().includes('"sms.submitted"'), 60_000);
  second.proc.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  // Two parts, each taken once: the restart resumed after part 1, with the same concatenation
  // reference (UDH 05 00 03 <ref> <total> <seq>), so the handset joins them.
  const udhs = smsc.accepted.map((pdu) => [...(pdu.short_message as Buffer).subarray(0, 6)]);
  expect(udhs).toHaveLength(2);
  expect(udhs.map((u) => u[5])).toEqual([1, 2]);
  expect(udhs[1]![3]).toBe(udhs[0]![3]);
  // Cut short by the stop, not failed: no attempt was spent on it, and nothing bounced.
  expect(second.output()).not.toContain('"sms.failed"');
}, 170_000);
