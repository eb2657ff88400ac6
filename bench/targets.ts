/**
 * The two things the benchmark sends mail to, both in this process on 127.0.0.1 port 0:
 * the whole relay (SMTP → Redis/BullMQ → SMPP → built-in simulator) and a bare smtp-server sink
 * that reads the message and answers 250, as the ceiling for the SMTP side.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { startApp, type RunningApp } from '../src/app.js';
import { parseConfig } from '../src/config/load.js';
import { silentLogger } from '../src/observability/logger.js';
import { SMS_QUEUE_NAME } from '../src/queue/sms-queue.js';
import { SmscSimulator } from '../src/smsc/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RelayTarget {
  port: number;
  smsc: SmscSimulator;
  prefix: string;
  /** Pauses or resumes the relay's SMS queue: while paused, SMTP still takes mail but nothing is sent. */
  pauseQueue(paused: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface BareTarget {
  port: number;
  stop(): Promise<void>;
}

export interface RelayTuning {
  window: number;
  concurrency: number;
}

export async function startRelay(tuning: RelayTuning): Promise<RelayTarget> {
  const smsc = benchSimulator();
  const smscPort = await smsc.start();
  const prefix = newPrefix();
  const config = parseConfig(relayConfigInput(smscPort, prefix, tuning));
  let app: RunningApp | undefined;
  const control = queueControl(prefix);
  const stop = async () => {
    await app?.stop();
    await control.close();
    await smsc.stop();
    const deleted = await deleteKeys(prefix);
    process.stderr.write(`bench: deleted ${deleted} Redis keys under ${prefix}:*\n`);
  };
  try {
    app = await startApp(config, silentLogger());
    const carrier = app.carriers.get('primary');
    await waitFor(() => carrier?.health().up === true, 5000, 'carrier bind');
    return { port: app.smtpPort, smsc, prefix, stop, pauseQueue: control.pause };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The simulator the relay sends to: receipts off, only the last 1000 parts/messages kept. */
export function benchSimulator(): SmscSimulator {
  // Only parts and messages kept in memory are bounded; events still fire for every part.
  return new SmscSimulator({ port: 0, deliveryReceipts: { enabled: false, delayMs: 0 }, retain: 1000 });
}

export const newPrefix = () => `bench-${randomUUID().slice(0, 8)}`;

/**
 * The relay's config before validation, as YAML would give it: the in-process relay parses it,
 * relay-split writes it to a YAML file for its child processes, so both run the same settings.
 */
export function relayConfigInput(smscPort: number, prefix: string, tuning: RelayTuning, smtpPort = 0): Record<string, unknown> {
  return {
    smtp: { port: smtpPort, domains: ['sms.localhost'] },
    redis: { url: REDIS_URL, prefix },
    http: { enabled: false },
    carriers: {
      primary: { type: 'smpp', port: smscPort, systemId: 'bench', password: 'secret', window: tuning.window, responseTimeout: 5000, reconnect: { initial: 100, max: 500 } },
    },
    routes: [{ match: '*', carriers: ['primary'] }],
    queue: { concurrency: tuning.concurrency, backoff: { initial: 200, max: 1000 } },
    logging: { level: 'silent' },
  };
}

/** A second handle on the relay's own SMS queue (same prefix and name), used only to pause it. */
export function queueControl(prefix: string): { pause(paused: boolean): Promise<void>; close(): Promise<void> } {
  const controlRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  controlRedis.on('error', () => undefined);
  const control = new Queue(SMS_QUEUE_NAME, { connection: controlRedis, prefix });
  control.on('error', () => undefined);
  return {
    pause: (paused) => (paused ? control.pause() : control.resume()),
    close: async () => {
      await control.close().catch(() => undefined);
      controlRedis.disconnect();
    },
  };
}

export async function startBare(): Promise<BareTarget> {
  const server = new SMTPServer({
    logger: false,
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('end', () => callback(null, 'Ok: consumed'));
      stream.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** SCAN + UNLINK of `<prefix>:*` only; the Redis is shared. */
export async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Redis's own CPU time (user + sys, seconds) from INFO; null when it cannot be read. */
export async function redisCpuSeconds(): Promise<number | null> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const total = field('used_cpu_user') + field('used_cpu_sys');
    return Number.isFinite(total) ? total : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
