/**
 * The parts of a long SMS that a carrier has taken are saved in the job while the rest are still
 * on their way, not only when a later part fails: a crash (SIGKILL, power) in between used to
 * leave nothing saved, and the retry sent part 1 again. Real SMTP in, a fake SMSC that takes part
 * 1 and throttles every part after it, the job read back from Redis as a restarted worker would.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { PDU, Session } from 'smpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { smsJobId } from '../../src/queue/job.js';
import { SMS_QUEUE_NAME } from '../../src/queue/sms-queue.js';
import { FakeSmsc, STATUS } from '../helpers/fake-smsc.js';
import { REDIS_URL, startTestRelay, testSmppCarrier, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

class FirstThenThrottle extends FakeSmsc {
  protected override onSubmit(session: Session, pdu: PDU): void {
    this.answerSubmit(session, pdu, this.accepted.length === 0 ? STATUS.ESME_ROK : STATUS.ESME_RTHROTTLED);
  }
}

const smsc = new FirstThenThrottle();
let relay: TestRelay;
let jobs: Queue;

beforeAll(async () => {
  const port = await smsc.start();
  relay = await startTestRelay('multipart-progress', { carriers: { primary: testSmppCarrier(port) } });
  jobs = new Queue(SMS_QUEUE_NAME, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: relay.config.redis.prefix });
});
afterAll(async () => {
  await relay?.stop();
  await jobs?.close();
  await smsc.close();
});

it('saves part 1 in the job while part 2 is still being throttled', async () => {
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO t');
  const reply = await session.send('ops@example.com', ['+4915112345678@sms.localhost'], mail({ Subject: '', 'Message-ID': '<multipart-progress@x>' }, 'x'.repeat(250)));
  await session.quit();
  expect(reply.data!.code).toBe(250);
  const txId = reply.data!.text.split(' ').pop()!;
  await smsc.waitFor(() => smsc.accepted.length === 1 && smsc.submits.length >= 2, 5_000, 'part 1 taken, part 2 throttled');
  const jobId = smsJobId(txId, '+4915112345678');
  let progress: unknown;
  for (let i = 0; i < 100 && progress === undefined; i++) {
    progress = (await jobs.getJob(jobId))?.data.progress;
    if (progress === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(progress).toEqual({ carrier: 'primary', partIds: [expect.stringMatching(/^[0-9a-f]+$/)] });
  expect(smsc.accepted).toHaveLength(1);
});
