import type { SmscOptions } from '../../src/smsc/index.js';
import { startTestRelay, type TestRelay } from './relay.js';
import { SmtpSink } from './smtp-sink.js';

/**
 * A test relay whose bounces go over SMTP to a sink standing in for the smarthost (the mailbox
 * tests read), reporting as relay.test; `overrides` are merged per top-level key as usual.
 */
export async function startBouncingRelay(
  name: string,
  overrides: Record<string, unknown>,
  smscOptions: SmscOptions,
  aggregateMs: number,
): Promise<{ relay: TestRelay; sink: SmtpSink; stop(): Promise<void> }> {
  const sink = new SmtpSink();
  const sinkPort = await sink.start();
  const relay = await startTestRelay(name, {
    bounces: { from: 'MAILER-DAEMON@sms.test', smtp: { host: '127.0.0.1', port: sinkPort }, aggregate: aggregateMs },
    smtp: { port: 0, domains: ['sms.localhost'], hostname: 'relay.test' },
    ...overrides,
  }, smscOptions).catch(async (error: unknown) => {
    await sink.stop();
    throw error;
  });
  return { relay, sink, stop: async () => { await relay.stop(); await sink.stop(); } };
}
