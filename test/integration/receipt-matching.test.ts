/**
 * Receipts find the message they report, in three cases that each made a delivered SMS end as
 * "expired" (with a false 4.4.7 bounce): a part taken in an earlier attempt whose receipt comes
 * while the retry waits, an SMSC that gives every part of a long message the same id, and a
 * receipt whose TLV carries the submit id while its text uses the decimal form.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusStore } from '../../src/delivery/status-store.js';
import { DeliveryTracker, type FinalEvent } from '../../src/delivery/tracker.js';
import { silentLogger } from '../../src/observability/logger.js';
import { HappySmsc } from '../helpers/fake-smsc-behaviours.js';
import { Harness, outbound } from '../helpers/fake-smsc-harness.js';
import { REDIS_URL, startTestRelay, testSmppCarrier, uniquePrefix, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('receipt-matching');
const store = new StatusStore(redis, prefix);
const harness = new Harness();

afterAll(async () => {
  await harness.cleanup();
  redis.disconnect();
});

function trackerInto(finals: FinalEvent[], format: 'auto' | 'hex' | 'decimal' = 'auto'): DeliveryTracker {
  return new DeliveryTracker(store, async (event) => void finals.push(event), silentLogger(), {
    receiptIdFormat: () => format, diagnosticType: () => 'smpp', holdUnmatchedMs: 60_000, retryEveryMs: 50, receiptErrors: {},
  });
}

async function accepted(jobId: string): Promise<void> {
  const txId = jobId.split('-')[0]!;
  await store.recordAccepted({ txId, messageId: `${txId}@x`, sender: 'ops@example.com', receivedAt: Date.now(), recipients: [jobId] },
    [{ jobId, txId, recipient: '+15555550100@sms.localhost', number: '+15555550100' }]);
}

const delivered = (carrierMessageId: string) => ({ carrier: 'c1', carrierMessageId, stat: 'DELIVRD', err: '000', raw: '', receivedAt: Date.now() });

describe('a multipart message whose parts a carrier answered with one id', () => {
  it('is delivered by that id\'s receipt when only the first part is reported (receiptFirstPartOnly)', async () => {
    await accepted('same1-1');
    await store.recordSubmitted('same1-1', { route: '*', carrier: 'c1', partIds: ['5e1f', '5e1f', '5e1f'], attempts: 1, expectedParts: 1 });
    const finals: FinalEvent[] = [];
    await trackerInto(finals).handleReceipt(delivered('5e1f'));
    expect(finals).toEqual([expect.objectContaining({ jobId: 'same1-1', outcome: 'delivered' })]);
    expect((await store.getRecipient('same1-1'))!.parts.map((p) => p.state)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('is delivered when every part is expected and each receipt carries the same id', async () => {
    await accepted('same2-1');
    await store.recordSubmitted('same2-1', { route: '*', carrier: 'c1', partIds: ['6e1f', '6e1f', '7e1f'], attempts: 1, expectedParts: 3 });
    const finals: FinalEvent[] = [];
    const tracker = trackerInto(finals);
    await tracker.handleReceipt(delivered('6e1f'));
    expect(finals).toEqual([]); // the part with its own id is still out
    await tracker.handleReceipt(delivered('7e1f'));
    expect(finals).toEqual([expect.objectContaining({ jobId: 'same2-1', outcome: 'delivered' })]);
  });
});

describe('a receipt with the receipted_message_id TLV and a decimal id in its text', () => {
  for (const format of ['auto', 'decimal'] as const) {
    it(`matches with receiptIdFormat ${format}`, async () => {
      const { smsc, port } = await harness.fake(new HappySmsc());
      const carrier = await harness.started(port);
      const finals: FinalEvent[] = [];
      const tracker = trackerInto(finals, format);
      carrier.onReceipt((receipt) => tracker.handleReceipt({ ...receipt, carrier: 'c1' }));
      const jobId = `tlv${format}-1`;
      await accepted(jobId);
      const { partIds } = await carrier.submit({ ...outbound('hello'), id: jobId });
      await store.recordSubmitted(jobId, { route: '*', carrier: 'c1', partIds, attempts: 1, expectedParts: 1 });
      const submitId = partIds[0]!;
      // SMPP 3.4: the TLV repeats submit_sm_resp's id; Appendix B's text gives it in decimal.
      const decimal = BigInt(`0x${submitId}`).toString().padStart(10, '0');
      smsc.sendToEsme('deliver_sm', {
        source_addr: '15551234567', destination_addr: 'ALERTS', esm_class: 0x04, data_coding: 0,
        short_message: Buffer.from(`id:${decimal} sub:001 dlvrd:001 submit date:2611231200 done date:2611231201 stat:DELIVRD err:000 text:hello`),
        receipted_message_id: submitId, message_state: 2,
      });
      for (let i = 0; i < 100 && finals.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(finals).toEqual([expect.objectContaining({ jobId, outcome: 'delivered' })]);
    });
  }
});

describe('a part taken in an earlier attempt', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    // The SMSC takes one submit_sm per second and the carrier gives up on a throttled part at
    // once; the retry's backoff (at least 1.5 s) outlasts the unmatched-receipt hold (100 ms, given
    // up at the tracker's next round, 500 ms), as the defaults do (up to 10 min against 1 min).
    relay = await startTestRelay('receipt-matching-partial', (port) => ({
      carriers: { primary: testSmppCarrier(port, { maxThrottleRetries: 0 }) },
      queue: { backoff: { initial: 3000, max: 4000 } },
      delivery: { validity: '10s', receiptGrace: '1s', unmatchedReceiptHold: 100 },
    }), { maxThroughputPerSecond: 1, deliveryReceipts: { enabled: true, delayMs: 20 } });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it('has its receipt counted: the message ends delivered once the retry sends the rest', async () => {
    const { session } = await SmtpSession.open(relay.app.smtpPort);
    await session.command('EHLO client.test');
    const body = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '); // two parts
    const reply = await session.send('ops@example.com', ['+15555550123@sms.localhost'], mail({ From: 'ops@example.com', Subject: 'x', 'Message-ID': `<partial-${Date.now()}@x>` }, body));
    await session.quit();
    expect(reply.data!.code).toBe(250);
    const id = reply.data!.text.split(' ').pop()!;
    let recipient: { finalState?: string; reason?: string } = {};
    for (let i = 0; i < 300 && !recipient.finalState; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recipient = ((await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: (typeof recipient)[] }).recipients[0]!;
    }
    expect(relay.smsc.parts).toHaveLength(2);
    // Two attempts: the second part went out with the retry, after the first part's receipt came.
    expect(relay.smsc.parts[1]!.receivedAt - relay.smsc.parts[0]!.receivedAt).toBeGreaterThan(1_000);
    expect(recipient.finalState).toBe('delivered');
  }, 40_000);
});
