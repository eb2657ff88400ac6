/**
 * Load shapes: M concurrent SMTP sessions working through N messages, either on long-lived
 * connections, one connection per message, or at a fixed rate. Target-agnostic: the same code
 * drives the relay and the bare smtp-server sink.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchSmtpClient, type SendTimings } from './smtp-client.js';

export type Scenario = 'persistent' | 'per-connection' | 'paced';

export interface LoadPlan {
  scenario: Scenario;
  port: number;
  n: number;
  sessions: number;
  /** paced only: messages per second over all sessions. */
  ratePerSecond?: number;
}

export interface Outgoing {
  from: string;
  to: string;
  raw: string;
}

export interface LoadResult {
  started: number;
  /** When the last transaction's final reply arrived (performance.now()). */
  finished: number;
  accepted: number;
  errors: number;
  firstError?: string;
  /** paced only: worst delay of a transaction's start behind its schedule, ms. */
  maxLagMs: number;
}

/** Gives up on a run after this many failed transactions or connections. */
const MAX_ERRORS = 50;

export async function runLoad(plan: LoadPlan, make: (index: number) => Outgoing, onSent: (index: number, t: SendTimings) => void): Promise<LoadResult> {
  const result: LoadResult = { started: performance.now(), finished: 0, accepted: 0, errors: 0, maxLagMs: 0 };
  const fail = (message: string) => {
    result.errors++;
    result.firstError ??= message;
  };
  const tooMany = () => result.errors >= MAX_ERRORS;

  const interval = plan.scenario === 'paced' ? 1000 / (plan.ratePerSecond ?? 200) : 0;
  let next = 0;
  // Paced: session k owns messages k, k+M, k+2M, ... each due at started + index * interval.
  const take = (session: number, previous: number | undefined): number | undefined => {
    if (plan.scenario === 'paced') {
      const index = previous === undefined ? session : previous + plan.sessions;
      return index < plan.n ? index : undefined;
    }
    return next < plan.n ? next++ : undefined;
  };

  const transact = async (client: BenchSmtpClient, index: number): Promise<void> => {
    const message = make(index);
    const timings = await client.send(message.from, message.to, message.raw);
    result.finished = Math.max(result.finished, timings.end);
    if (timings.ok) {
      result.accepted++;
      onSent(index, timings);
    } else {
      fail(`message ${index}: ${timings.reply.code} ${timings.reply.text}`);
      if (timings.reply.code !== 250) await client.command('RSET').catch(() => undefined);
    }
  };

  const open = async (): Promise<BenchSmtpClient> => {
    const { client, greeting } = await BenchSmtpClient.open(plan.port);
    if (greeting.code !== 220) throw new Error(`greeting ${greeting.code} ${greeting.text}`);
    const ehlo = await client.command('EHLO bench.localhost');
    if (ehlo.code !== 250) throw new Error(`EHLO ${ehlo.code} ${ehlo.text}`);
    return client;
  };

  const session = async (k: number): Promise<void> => {
    let client: BenchSmtpClient | undefined;
    let index = take(k, undefined);
    while (index !== undefined && !tooMany()) {
      if (interval > 0) {
        const due = result.started + index * interval;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        result.maxLagMs = Math.max(result.maxLagMs, performance.now() - due);
      }
      try {
        client ??= await open();
        await transact(client, index);
        if (plan.scenario === 'per-connection') {
          await client.quit();
          client = undefined;
        }
      } catch (error) {
        fail(`message ${index}: ${(error as Error).message}`);
        client?.destroy();
        client = undefined;
      }
      index = take(k, index);
    }
    await client?.quit();
  };

  await Promise.all(Array.from({ length: plan.sessions }, (_, k) => session(k)));
  if (result.finished === 0) result.finished = performance.now();
  return result;
}
