/**
 * A replacement SMTP child that never starts listening is killed and replaced, like one that stops
 * answering: with one SMTP process (`auto` on 2 cores) it would otherwise leave SMTP down for good.
 * Real child processes through node:cluster, running a stand-in script.
 */
import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { SmtpChildren } from '../../src/cluster/smtp-children.js';
import { captureLogs } from '../helpers/fake-smsc-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'smtp2sms-stuck-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('kills a replacement child that has not listened within the start limit, and starts another', async () => {
  process.env.STUCK_SMTP_CHILD_FLAG = join(dir, 'first-started');
  cluster.setupPrimary({ exec: fileURLToPath(new URL('../helpers/stuck-smtp-child.mjs', import.meta.url)) });
  const logs = captureLogs();
  const children = new SmtpChildren(1, logs.logger, () => undefined, 30_000, 1_500);
  try {
    await children.start(10_000);
    const stuckKills = () => logs.events().filter((e) => e.event === 'smtp.process_unresponsive' && e.listening === false);
    for (let i = 0; i < 200 && stuckKills().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    // The first replacement killed, and the one started after it as well: each gets its turn.
    expect(stuckKills().length).toBeGreaterThanOrEqual(2);
    expect(new Set(stuckKills().map((e) => e.pid)).size).toBe(stuckKills().length);
    expect(children.state()).toEqual({ listening: 0, processes: 1 });
  } finally {
    await children.stop(1_000);
  }
}, 40_000);
