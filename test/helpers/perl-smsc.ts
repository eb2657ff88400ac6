/**
 * Starts perl-smsc.pl (an SMPP server built on Debian's Net::SMPP) for interoperability tests.
 * Returns null when perl or Net::SMPP is missing, so a test can skip and say why;
 * install with `apt-get install -y libnet-smpp-perl`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One submit_sm as the Perl server decoded it. */
export interface PerlSubmit {
  destination_addr: string;
  source_addr: string;
  data_coding: number;
  esm_class: number;
  registered_delivery: number;
  short_message_hex: string;
  /** null when the submit_sm carried no message_payload TLV. */
  message_payload_hex: string | null;
}

export interface PerlSmsc {
  port: number;
  submits: PerlSubmit[];
  waitForSubmits(count: number, timeoutMs?: number): Promise<PerlSubmit[]>;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./perl-smsc.pl', import.meta.url));

export function perlSmppAvailable(): boolean {
  return spawnSync('perl', ['-MNet::SMPP', '-e1'], { stdio: 'ignore' }).status === 0;
}

export async function startPerlSmsc(startTimeoutMs = 5000): Promise<PerlSmsc | null> {
  if (!perlSmppAvailable()) return null;
  const child = spawn('perl', [SCRIPT, '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const submits: PerlSubmit[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000); // Net::SMPP warns on unknown TLVs; keep the tail for errors
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`perl-smsc did not start in ${startTimeoutMs} ms: ${stderr}`)), startTimeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`perl-smsc exited with ${code}: ${stderr}`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const listening = /^LISTENING (\d+)$/.exec(line);
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
        return;
      }
      if (!line.startsWith('{')) return;
      submits.push(JSON.parse(line) as PerlSubmit);
      for (const wake of [...waiters]) wake();
    });
  }).catch((err: unknown) => {
    child.kill('SIGTERM');
    throw err;
  });

  return {
    port,
    submits,
    waitForSubmits: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (submits.length < count) return;
          done();
          resolve(submits.slice());
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`waited ${timeoutMs} ms for ${count} submit_sm at perl-smsc, got ${submits.length}: ${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    // Closing stdin is the script's signal to exit; SIGTERM is the fallback if it is stuck.
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const fallback = setTimeout(() => child.kill('SIGTERM'), 2000);
      await exited;
      clearTimeout(fallback);
    },
  };
}
