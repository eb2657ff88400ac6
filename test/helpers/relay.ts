import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { startApp, type RunningApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { SmscSimulator, type SmscOptions } from '../../src/smsc/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test file uses, so files can share one Redis. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${randomUUID().slice(0, 8)}`;
}

export interface TestRelay {
  app: RunningApp;
  smsc: SmscSimulator;
  config: Config;
  stop(): Promise<void>;
}

/** Config overrides, merged per top-level key; a function gets the simulator's port (for carriers). */
export type RelayOverrides = Record<string, unknown> | ((smscPort: number) => Record<string, unknown>);

/** The relay's default carrier config for an SMSC on `port`. */
export function testSmppCarrier(port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'smpp', port, systemId: 'test', password: 'secret', responseTimeout: 2000, reconnect: { initial: 100, max: 500 }, ...extra };
}

/** A simulator on port 0 and a relay pointed at it, both on 127.0.0.1, with test-friendly timings. */
export async function startTestRelay(name: string, overridesOrFn: RelayOverrides = {}, smscOptions: SmscOptions = {}, log: Logger = silentLogger()): Promise<TestRelay> {
  const smsc = new SmscSimulator({ port: 0, deliveryReceipts: { enabled: false, delayMs: 0 }, ...smscOptions });
  const smscPort = await smsc.start();
  const overrides = typeof overridesOrFn === 'function' ? overridesOrFn(smscPort) : overridesOrFn;
  const raw = {
    smtp: { port: 0, domains: ['sms.localhost'] },
    redis: { url: REDIS_URL, prefix: uniquePrefix(name) },
    http: { port: 0 },
    carriers: { primary: testSmppCarrier(smscPort) },
    routes: [{ match: '*', carriers: ['primary'] }],
    queue: { backoff: { initial: 200, max: 1000 } },
    logging: { level: 'silent' },
    // Tests send many messages to one number; storm control has its own tests.
    storm: { enabled: false },
    ...overrides,
  };
  const config = parseConfig(raw);
  const app = await startApp(config, log).catch(async (error: unknown) => {
    await smsc.stop();
    throw error;
  });
  return {
    app,
    smsc,
    config,
    stop: async () => {
      await app.stop();
      await smsc.stop();
    },
  };
}
