/**
 * A relay that starts while its Redis connection is still being made (a slow network, a Redis
 * that starts a moment later) must not log the Redis failures operators alert on: the pollers of
 * receipts, deadlines and DSN follow-ups wait for the connection. Redis sits behind a TCP proxy
 * that refuses connections for the first 1.5 s.
 */
import { afterAll, expect, it } from 'vitest';
import { captureLogs } from '../helpers/fake-smsc-harness.js';
import { REDIS_URL, startTestRelay, uniquePrefix, type TestRelay } from '../helpers/relay.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const target = new URL(REDIS_URL);
const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
let relay: TestRelay | undefined;

afterAll(async () => {
  await relay?.stop();
  await proxy.stop();
});

it('logs no Redis failure for the moments before Redis has answered', async () => {
  const port = await proxy.start();
  proxy.cut(1_500);
  const logs = captureLogs();
  relay = await startTestRelay('startup-logs', { redis: { url: `redis://127.0.0.1:${port}`, prefix: uniquePrefix('startup-logs') } }, {}, logs.logger);
  // Long enough for several rounds of every poller (500 ms each) once Redis answers.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const failures = logs.events().filter((e) => ['receipt.error', 'dsn.retry_failed', 'deadline.poll_failed', 'storm.flush_failed'].includes(e.event));
  expect(failures.map((e) => e.event)).toEqual([]);
  // And the relay works: it started, and it is connected now.
  expect(logs.events().some((e) => e.event === 'smtp.listening')).toBe(true);
});
