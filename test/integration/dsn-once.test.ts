/**
 * A DSN goes out once per recipient and kind, decided when it is sent: not twice when recording
 * that it went out fails, not once per task when a recipient is in two, and no delay notice for a
 * recipient whose outcome became final after the notice was scheduled. Real Redis (through a TCP
 * proxy the test can cut), real SMTP to a sink standing in for the smarthost.
 */
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpDsnTransport } from '../../src/bounce/dsn-transport.js';
import { BounceNotifier, type DsnTaskData } from '../../src/bounce/notifier.js';
import { StatusStore } from '../../src/delivery/status-store.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createFollowups, type FollowupData } from '../../src/pipeline/followups.js';
import { TaskQueue } from '../../src/queue/task-queue.js';
import { freePort } from '../helpers/ports.js';
import { failFastRedis, whenReady } from '../../src/redis-connections.js';
import { REDIS_URL, uniquePrefix } from '../helpers/relay.js';
import { SmtpSink, parseDsn } from '../helpers/smtp-sink.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const prefix = uniquePrefix('dsn-once');
const redis = new Redis(REDIS_URL);
const target = new URL(REDIS_URL);
const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
let cutOnNextMail = 0;
const sink = new SmtpSink(() => {
  if (cutOnNextMail > 0) proxy.cut(cutOnNextMail);
  cutOnNextMail = 0;
});
let storeRedis: Redis;
let store: StatusStore;
let notifier: BounceNotifier;
let transport: ReturnType<typeof smtpDsnTransport>;

beforeAll(async () => {
  const proxyPort = await proxy.start();
  const sinkPort = await sink.start();
  storeRedis = failFastRedis(`redis://127.0.0.1:${proxyPort}`, 2_000);
  expect(await whenReady(storeRedis, 5_000)).toBe(true);
  store = new StatusStore(storeRedis, prefix);
  transport = smtpDsnTransport({ host: '127.0.0.1', port: sinkPort, name: 'relay.test' });
  notifier = new BounceNotifier(store, storeRedis, async () => undefined, transport, silentLogger(), {
    reportingMta: 'relay.test', from: 'MAILER-DAEMON@relay.test', aggregateMs: 100, validityMs: 3_600_000, claimLeaseMs: 3_600_000,
  }, prefix);
});

afterAll(async () => {
  transport?.close();
  storeRedis?.disconnect();
  await proxy.stop();
  await sink.stop();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

/** A transaction from `sender` whose recipients all failed for good. Returns their job ids. */
async function failedTransaction(txId: string, sender: string, count: number, notify = ['FAILURE']): Promise<string[]> {
  const jobIds = Array.from({ length: count }, (_, i) => `${txId}-${i + 1}`);
  await store.recordAccepted(
    { txId, messageId: `${txId}@example.com`, sender, receivedAt: Date.now(), recipients: jobIds },
    jobIds.map((jobId, i) => ({ jobId, txId, recipient: `+1555555010${i}@sms.localhost`, number: `+1555555010${i}`, notify })),
  );
  for (const jobId of jobIds) await store.finalize(jobId, 'failed', { code: 'ESME_RINVDSTADR', dsnStatus: '5.1.1', reason: 'bad number' });
  return jobIds;
}

/** Runs a DSN task as the follow-up queue does: again after a failure, a few times. */
async function runTask(id: string, data: DsnTaskData): Promise<void> {
  const task = { id, data, saveData: async () => undefined };
  for (let attempt = 1; attempt <= 8; attempt++) {
    try {
      await notifier.send(task);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
  }
  throw new Error(`task ${id} kept failing`);
}

const mailsTo = (address: string) => sink.mails.filter((m) => m.to.includes(address));

describe('each DSN once', () => {
  it('is not sent again when Redis goes away just as the smarthost accepts it', async () => {
    const jobIds = await failedTransaction('txcut', 'cut@example.com', 2);
    cutOnNextMail = 1_500;
    await runTask('dsn-txcut-failed-1', { txId: 'txcut', kind: 'failed', jobIds });
    // The queue retries a task whose worker died after sending: that must not send it either.
    await runTask('dsn-txcut-failed-1', { txId: 'txcut', kind: 'failed', jobIds });
    expect(mailsTo('cut@example.com')).toHaveLength(1);
    const dsn = parseDsn(mailsTo('cut@example.com')[0]!.raw);
    expect(dsn.perRecipient.map((r) => r.action)).toEqual(['failed', 'failed']);
    expect(dsn.headers['message-id']).toBe('<dsn.dsn-txcut-failed-1@relay.test>');
    for (const jobId of jobIds) expect((await store.getRecipient(jobId))!.dsn.failed).toBeGreaterThan(0);
  });

  it('is sent by one of two tasks that both list the recipient', async () => {
    const jobIds = await failedTransaction('txtwo', 'two@example.com', 1);
    await Promise.all([
      runTask('dsn-txtwo-failed-1', { txId: 'txtwo', kind: 'failed', jobIds }),
      runTask('dsn-txtwo-failed-2', { txId: 'txtwo', kind: 'failed', jobIds }),
    ]);
    expect(mailsTo('two@example.com')).toHaveLength(1);
  });

  it('is sent once when the queue runs the same task twice at once (a stalled task taken again while the first still sends)', async () => {
    const jobIds = await failedTransaction('txtwice', 'twice@example.com', 1);
    const data = { txId: 'txtwice', kind: 'failed' as const, jobIds };
    await Promise.all([runTask('dsn-txtwice-failed-1', data), runTask('dsn-txtwice-failed-1', data)]);
    expect(mailsTo('twice@example.com')).toHaveLength(1);
  });

  it('is sent by another task once the task that held the recipient has been gone longer than its lease', async () => {
    const [held, lapsed] = await failedTransaction('txlease', 'lease@example.com', 2);
    // Two tasks that took the recipients before: one still within its lease, one long gone.
    await redis.hset(`${prefix}:rcpt:${held}`, 'dsnTask:failed', `dsn-txlease-failed-0|${Date.now() + 60_000}`);
    await redis.hset(`${prefix}:rcpt:${lapsed}`, 'dsnTask:failed', `dsn-txlease-failed-9|${Date.now() - 1}`);
    await runTask('dsn-txlease-failed-1', { txId: 'txlease', kind: 'failed', jobIds: [held!, lapsed!] });
    const sent = mailsTo('lease@example.com');
    expect(sent).toHaveLength(1);
    expect(parseDsn(sent[0]!.raw).perRecipient.map((r) => r['final-recipient'])).toEqual(['rfc822;+15555550101@sms.localhost']);
  });

  it('leaves out of a delay notice the recipients that are final by the time it is sent', async () => {
    const [finalOne] = await failedTransaction('txlate', 'late@example.com', 1, ['DELAY', 'FAILURE']);
    // Still in flight: recorded, not final.
    await store.recordAccepted(
      { txId: 'txlate', messageId: 'txlate@example.com', sender: 'late@example.com', receivedAt: Date.now(), recipients: [finalOne!, 'txlate-9'] },
      [{ jobId: 'txlate-9', txId: 'txlate', recipient: '+15555550109@sms.localhost', number: '+15555550109', notify: ['DELAY', 'FAILURE'] }],
    );
    await runTask('dsn-txlate-delayed-1', { txId: 'txlate', kind: 'delayed', jobIds: [finalOne!, 'txlate-9'] });
    const notices = mailsTo('late@example.com');
    expect(notices).toHaveLength(1);
    const dsn = parseDsn(notices[0]!.raw);
    expect(dsn.perRecipient.map((r) => [r['final-recipient'], r.action])).toEqual([['rfc822;+15555550109@sms.localhost', 'delayed']]);
    // Only the final one: nothing to send.
    await runTask('dsn-txlate-delayed-2', { txId: 'txlate', kind: 'delayed', jobIds: [finalOne!] });
    expect(mailsTo('late@example.com')).toHaveLength(1);
  });
});

describe('a DSN the smarthost never takes', () => {
  it('is counted as abandoned once its follow-up runs out of tries', async () => {
    const jobIds = await failedTransaction('txdead', 'dead@example.com', 1);
    const metrics = createMetrics();
    const queue = new TaskQueue<FollowupData>({ redisUrl: REDIS_URL, prefix, name: 'followups', concurrency: 1, attempts: 2, backoff: { initialMs: 20, maxMs: 40 } });
    const deadSmarthost = smtpDsnTransport({ host: '127.0.0.1', port: await freePort(), name: 'relay.test', timeoutMs: 1_000 });
    const followups = createFollowups(queue, silentLogger(), metrics);
    const dead = new BounceNotifier(store, storeRedis, followups.scheduleDsn, deadSmarthost, silentLogger(), {
      reportingMta: 'relay.test', from: 'MAILER-DAEMON@relay.test', aggregateMs: 0, validityMs: 3_600_000, claimLeaseMs: 3_600_000, metrics,
    }, prefix);
    try {
      followups.start(dead);
      await followups.scheduleDsn({ txId: 'txdead', kind: 'failed', jobIds }, 'dsn-txdead-failed-1', 0);
      const abandoned = async () => (await metrics.registry.getSingleMetricAsString('smtp2sms_followups_abandoned_total')).split('\n').find((l) => l.startsWith('smtp2sms_followups_abandoned_total{'));
      for (let i = 0; i < 100 && !(await abandoned()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await abandoned()).toBe('smtp2sms_followups_abandoned_total{task="dsn"} 1');
      expect(await metrics.registry.getSingleMetricAsString('smtp2sms_dsn_total')).toContain('smtp2sms_dsn_total{kind="failed",result="error"} 2');
      expect(mailsTo('dead@example.com')).toHaveLength(0);
    } finally {
      await queue.close();
      deadSmarthost.close();
    }
  });
});

describe('a DSN the smarthost refuses', () => {
  /** A smarthost that answers 550 to MAIL FROM:<> or to RCPT of `refused@example.com`, counting each try. */
  async function refusingSmarthost(refuse: 'MAIL' | 'RCPT'): Promise<{ port: number; tries: () => number; close: () => Promise<void> }> {
    let tries = 0;
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onMailFrom(_address, _session, callback) {
        tries += 1;
        callback(refuse === 'MAIL' ? Object.assign(new Error('null sender not accepted here'), { responseCode: 550 }) : undefined);
      },
      onRcptTo(address, _session, callback) {
        callback(address.address === 'refused@example.com' ? Object.assign(new Error('no such mailbox'), { responseCode: 550 }) : undefined);
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.server.address() as AddressInfo).port, tries: () => tries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  async function runUntilSettled(txId: string, sender: string, refuse: 'MAIL' | 'RCPT') {
    const jobIds = await failedTransaction(txId, sender, 1);
    const smarthost = await refusingSmarthost(refuse);
    const metrics = createMetrics();
    const queue = new TaskQueue<FollowupData>({ redisUrl: REDIS_URL, prefix, name: `followups-${txId}`, concurrency: 1, attempts: 3, backoff: { initialMs: 20, maxMs: 40 } });
    const transport = smtpDsnTransport({ host: '127.0.0.1', port: smarthost.port, name: 'relay.test', timeoutMs: 2_000 });
    const followups = createFollowups(queue, silentLogger(), metrics);
    const refusing = new BounceNotifier(store, storeRedis, followups.scheduleDsn, transport, silentLogger(), {
      reportingMta: 'relay.test', from: 'MAILER-DAEMON@relay.test', aggregateMs: 0, validityMs: 3_600_000, claimLeaseMs: 3_600_000, metrics,
    }, prefix);
    const dsnCounts = async () => (await metrics.registry.getSingleMetricAsString('smtp2sms_dsn_total')).split('\n').filter((l) => l.startsWith('smtp2sms_dsn_total{'));
    const abandoned = async () => (await metrics.registry.getSingleMetricAsString('smtp2sms_followups_abandoned_total')).split('\n').filter((l) => l.startsWith('smtp2sms_followups_abandoned_total{'));
    try {
      followups.start(refusing);
      await followups.scheduleDsn({ txId, kind: 'failed', jobIds }, `dsn-${txId}-failed-1`, 0);
      // Settled: refused once, or given up after every try.
      for (let i = 0; i < 200 && (await dsnCounts()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 200 && refuse === 'MAIL' && (await abandoned()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      // Time for a retry that should not come.
      await new Promise((r) => setTimeout(r, 500));
      return { tries: smarthost.tries(), dsns: await dsnCounts(), abandoned: await abandoned(), marked: (await store.getRecipient(jobIds[0]!))?.dsn.failed !== undefined };
    } finally {
      await queue.close();
      transport.close();
      await smarthost.close();
    }
  }

  it('with a 5xx to RCPT is not retried: the refusal would answer every try (as a double bounce)', async () => {
    expect(await runUntilSettled('txrefused', 'refused@example.com', 'RCPT')).toEqual({
      tries: 1, dsns: ['smtp2sms_dsn_total{kind="failed",result="refused"} 1'], abandoned: [], marked: true,
    });
  });

  it('with a 5xx to MAIL FROM:<> is retried: that is the smarthost refusing the relay, not this bounce', async () => {
    expect(await runUntilSettled('txnullrefused', 'ops@example.com', 'MAIL')).toEqual({
      tries: 3, dsns: ['smtp2sms_dsn_total{kind="failed",result="error"} 3'], abandoned: ['smtp2sms_followups_abandoned_total{task="dsn"} 1'], marked: false,
    });
  });
});

describe('a bounce returning the whole mail (RET=FULL)', () => {
  it('goes with the headers only when the smarthost finds it too big (552 to DATA), once', async () => {
    const received: string[] = [];
    const tries: number[] = [];
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('latin1');
          tries.push(raw.length);
          if (raw.length > 20_000) return callback(Object.assign(new Error('message too big for this mailbox'), { responseCode: 552 }));
          received.push(raw);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = smtpDsnTransport({ host: '127.0.0.1', port: (server.server.address() as AddressInfo).port, name: 'relay.test', timeoutMs: 2_000 });
    const small = new BounceNotifier(store, storeRedis, async () => undefined, transport, silentLogger(), {
      reportingMta: 'relay.test', from: 'MAILER-DAEMON@relay.test', aggregateMs: 0, validityMs: 3_600_000, claimLeaseMs: 3_600_000,
    }, prefix);
    try {
      const jobIds = ['txbig-1'];
      const raw = `Subject: big report\r\nMessage-ID: <txbig@example.com>\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(800)}`;
      await store.recordAccepted(
        { txId: 'txbig', messageId: 'txbig@example.com', sender: 'big@example.com', receivedAt: Date.now(), recipients: jobIds, ret: 'FULL', raw, headers: 'Subject: big report\r\nMessage-ID: <txbig@example.com>\r\n' },
        [{ jobId: 'txbig-1', txId: 'txbig', recipient: '+15555550100@sms.localhost', number: '+15555550100', notify: ['FAILURE'] }],
      );
      await store.finalize('txbig-1', 'failed', { code: 'ESME_RINVDSTADR', dsnStatus: '5.1.1', reason: 'bad number' });
      await small.send({ id: 'dsn-txbig-failed-1', data: { txId: 'txbig', kind: 'failed', jobIds }, saveData: async () => undefined });
      // The whole mail first (60 KB, refused), then the headers.
      expect(tries.map((bytes) => bytes > 20_000)).toEqual([true, false]);
      expect(received).toHaveLength(1);
      const dsn = parseDsn(received[0]!);
      expect(dsn.parts.map((p) => p.headers['content-type']?.split(';')[0])).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
      expect(dsn.perRecipient[0]).toMatchObject({ action: 'failed', status: '5.1.1' });
      expect((await store.getRecipient('txbig-1'))!.dsn.failed).toBeGreaterThan(0);
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
