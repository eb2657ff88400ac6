/**
 * SMPP carrier against fake SMSCs over real TCP: what arrives on the wire, and how SMSC answers
 * become CarrierErrors. Session life (window, throttling, reconnects, receipts) is in
 * smpp-carrier-session.test.ts.
 */
import type { PDU, Session } from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/errors.js';
import { ErrorOnSubmitSmsc, HappySmsc, NoResponseOnSubmitSmsc } from '../helpers/fake-smsc-behaviours.js';
import { FakeSmsc, STATUS } from '../helpers/fake-smsc.js';
import { Harness, PASSWORD, outbound, rejection } from '../helpers/fake-smsc-harness.js';

const LONG_GSM = 'Disk /var on db-01 is 97% full. '.repeat(12); // 384 chars: 3 parts of 153
const h = new Harness();
afterEach(() => h.cleanup());

/** Accepts the first submit_sm, refuses the second with ESME_RSYSERR, then accepts again. */
class FailSecondSmsc extends FakeSmsc {
  protected override onSubmit(session: Session, pdu: PDU): void {
    this.answerSubmit(session, pdu, this.submits.length === 2 ? STATUS.ESME_RSYSERR : STATUS.ESME_ROK);
  }
}

describe('submit_sm on the wire', () => {
  it('sends a single GSM part with explicit fields', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    const validUntil = Date.UTC(2031, 4, 6, 7, 8, 9);
    const sms = outbound('Server down: web-01 [critical] €5', { validUntil });
    const result = await carrier.submit(sms);

    expect(smsc.submits).toHaveLength(1);
    const pdu = smsc.submits[0]!;
    expect(pdu.short_message).toEqual(sms.sms.segments[0]!.body);
    expect(pdu.short_message.includes(0x1b)).toBe(true); // € and [ ] travel as GSM escapes
    expect(pdu.data_coding).toBe(0);
    expect(pdu.esm_class).toBe(0);
    expect([pdu.dest_addr_ton, pdu.dest_addr_npi, pdu.destination_addr]).toEqual([1, 1, '15551234567']);
    expect([pdu.source_addr_ton, pdu.source_addr_npi, pdu.source_addr]).toEqual([5, 0, 'ALERTS']);
    expect(pdu.registered_delivery).toBe(1);
    expect((pdu.validity_period as Date).getTime()).toBe(validUntil);
    expect(result).toEqual({ carrier: 'test-smpp', partIds: [expect.any(String)] });
    expect(result.partIds[0]).not.toBe('');
  });

  it('uses the configured GSM data_coding, numeric sources and no receipt request', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port, { gsmDataCoding: 0xf0 });
    await carrier.submit(outbound('hello', { from: '+4915112345678', wantReceipt: false }));
    await carrier.submit(outbound('hello', { from: '12345' }));
    const [international, short] = smsc.submits;
    expect(international!.data_coding).toBe(0xf0);
    expect([international!.source_addr_ton, international!.source_addr_npi, international!.source_addr]).toEqual([1, 1, '4915112345678']);
    expect(international!.registered_delivery).toBe(0);
    expect(international!.validity_period).toBeFalsy();
    expect([short!.source_addr_ton, short!.source_addr_npi, short!.source_addr]).toEqual([3, 0, '12345']);
  });

  it('sends UCS-2 with data_coding 8 whatever gsmDataCoding says', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port, { gsmDataCoding: 1 });
    const sms = outbound('Сервер недоступен 🔥');
    await carrier.submit(sms);
    expect(sms.sms.encoding).toBe('ucs2');
    expect(smsc.submits[0]!.data_coding).toBe(8);
    expect(smsc.submits[0]!.short_message).toEqual(Buffer.from('Сервер недоступен 🔥', 'utf16le').swap16());
  });

  it('sends a 3-part udh8 message in order with UDH and esm_class 0x40', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    const sms = outbound(LONG_GSM);
    const result = await carrier.submit(sms);
    expect(sms.sms.segments).toHaveLength(3);
    expect(result.partIds).toHaveLength(3);
    smsc.submits.forEach((pdu, i) => {
      expect(pdu.esm_class).toBe(0x40);
      const body: Buffer = pdu.short_message;
      expect([...body.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 0x2a, 3, i + 1]);
      expect(body.subarray(6)).toEqual(sms.sms.segments[i]!.body);
    });
  });

  it('sends udh16 headers with a 16-bit reference', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port, { concat: 'udh16' });
    expect(carrier.concat).toBe('udh16');
    await carrier.submit(outbound(LONG_GSM, { concat: 'udh16', concatRef: 0x1234 }));
    expect(smsc.submits.map((p) => [...(p.short_message as Buffer).subarray(0, 7)])).toEqual(
      [1, 2, 3].map((seq) => [0x06, 0x08, 0x04, 0x12, 0x34, 3, seq]),
    );
  });

  it('sends sar TLVs and bare bodies in sar mode', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port, { concat: 'sar' });
    const sms = outbound(LONG_GSM, { concat: 'sar' });
    await carrier.submit(sms);
    expect(smsc.submits.map((p) => [p.sar_msg_ref_num, p.sar_total_segments, p.sar_segment_seqnum, p.esm_class])).toEqual(
      [1, 2, 3].map((seq) => [0x2a, 3, seq, 0]),
    );
    expect(smsc.submits.map((p) => p.short_message)).toEqual(sms.sms.segments.map((s) => s.body));
  });

  it('sends one submit_sm with message_payload in payload mode', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port, { concat: 'payload' });
    const sms = outbound(LONG_GSM, { concat: 'payload' });
    const result = await carrier.submit(sms);
    expect(smsc.submits).toHaveLength(1);
    expect(result.partIds).toHaveLength(1);
    expect(smsc.submits[0]!.short_message).toHaveLength(0);
    expect(smsc.submits[0]!.message_payload).toEqual(Buffer.from(LONG_GSM, 'latin1'));
  });
});

describe('SMSC answers', () => {
  it('turns a missing submit_sm_resp into a temporary SMPP_TIMEOUT', async () => {
    const { port } = await h.fake(new NoResponseOnSubmitSmsc());
    const carrier = await h.started(port, { responseTimeoutMs: 300 });
    const started = Date.now();
    const err = await rejection(carrier.submit(outbound('hello')));
    expect(err).toBeInstanceOf(CarrierError);
    expect([err.code, err.permanent, err.details.carrier]).toEqual(['SMPP_TIMEOUT', false, 'test-smpp']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(carrier.stats().inFlight).toBe(0);
  });

  it('turns ESME_RINVDSTADR into a permanent error', async () => {
    const { port } = await h.fake(new ErrorOnSubmitSmsc(STATUS.ESME_RINVDSTADR));
    const carrier = await h.started(port);
    const err = await rejection(carrier.submit(outbound('hello')));
    expect([err.code, err.permanent, err.details.commandStatus, err.details.carrier]).toEqual(['ESME_RINVDSTADR', true, 0x0b, 'test-smpp']);
  });

  it('turns ESME_RSYSERR into a temporary error', async () => {
    const { port } = await h.fake(new ErrorOnSubmitSmsc(STATUS.ESME_RSYSERR));
    const carrier = await h.started(port);
    const err = await rejection(carrier.submit(outbound('hello')));
    expect([err.code, err.permanent, err.details.commandStatus]).toEqual(['ESME_RSYSERR', false, 0x08]);
  });

  it('reports accepted parts on a failure and resumes after them on retry', async () => {
    const { smsc, port } = await h.fake(new FailSecondSmsc());
    const carrier = await h.started(port);
    const sms = outbound(LONG_GSM);
    const err = await rejection(carrier.submit(sms));
    expect([err.code, err.permanent]).toEqual(['ESME_RSYSERR', false]);
    expect(err.details.acceptedPartIds).toHaveLength(1);
    expect(smsc.submits).toHaveLength(2); // part 3 is never sent after part 2 failed

    const retry = await carrier.submit({ ...sms, acceptedPartIds: err.details.acceptedPartIds });
    expect(retry.partIds).toHaveLength(3);
    expect(retry.partIds[0]).toBe(err.details.acceptedPartIds[0]);
    const seqs = smsc.accepted.map((p) => (p.short_message as Buffer)[5]);
    expect(seqs).toEqual([1, 2, 3]); // no duplicate of part 1
  });

  it('refuses a destination that is not a number without sending, as permanent', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    const err = await rejection(carrier.submit(outbound('hello', { to: 'not-a-number' })));
    expect([err.code, err.permanent]).toEqual(['ESME_RINVDSTADR', true]);
    expect(smsc.submits).toHaveLength(0);
  });

  it('never logs the password or the message text', async () => {
    const { port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    await carrier.submit(outbound('TOP-SECRET-CONTENT'));
    await carrier.stop();
    const all = h.logs.raw.join('\n');
    expect(all).toContain('"id":"msg-');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('TOP-SECRET-CONTENT');
  });
});
