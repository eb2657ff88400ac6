/**
 * SMPP carrier session life against fake SMSCs over real TCP: the window, throttling, bind
 * refusal, reconnects, enquire_link, receipts and a clean stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CarrierReceipt } from '../../src/carriers/carrier.js';
import { canonicalId, receiptIdCandidates } from '../../src/delivery/carrier-ids.js';
import {
  BindRefusedSmsc,
  DelayedResponseSmsc,
  DeliveryReceiptSmsc,
  HalfOpenUnbindSmsc,
  HappySmsc,
  NoEnquireLinkResponseSmsc,
  NoResponseOnSubmitSmsc,
  ThrottledSmsc,
} from '../helpers/fake-smsc-behaviours.js';
import { STATUS } from '../helpers/fake-smsc.js';
import { Harness, outbound, rejection } from '../helpers/fake-smsc-harness.js';

const h = new Harness();
afterEach(() => h.cleanup());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('window and throttling', () => {
  it('never has more than `window` submit_sm outstanding', async () => {
    const { smsc, port } = await h.fake(new DelayedResponseSmsc(60));
    const carrier = await h.started(port, { window: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => carrier.submit(outbound(`alert ${i}`))));
    expect(results).toHaveLength(6);
    expect(smsc.maxOutstanding).toBe(2);
    expect(smsc.accepted.map((p) => p.short_message.toString('latin1'))).toEqual([0, 1, 2, 3, 4, 5].map((i) => `alert ${i}`));
  });

  it('paces submit_sm at throughputPerSecond', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port, { throughputPerSecond: 20 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => carrier.submit(outbound(`alert ${i}`))));
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 50 - 5);
    expect(smsc.accepted).toHaveLength(5);
  });

  it('pauses on ESME_RTHROTTLED and resends in the original order', async () => {
    const { smsc, port } = await h.fake(new ThrottledSmsc(2));
    const carrier = await h.started(port);
    const first = carrier.submit(outbound('first'));
    const second = carrier.submit(outbound('second'));
    await Promise.all([first, second]);
    expect(smsc.submits).toHaveLength(4);
    expect(smsc.accepted.map((p) => p.short_message.toString('latin1'))).toEqual(['first', 'second']);
    expect(carrier.stats()).toMatchObject({ inFlight: 0, queued: 0, throttledUntil: 0 });
  });

  it('doubles the pause on repeated throttling of one part', async () => {
    const { smsc, port } = await h.fake(new ThrottledSmsc(3, STATUS.ESME_RMSGQFUL));
    const carrier = await h.started(port);
    const started = Date.now();
    await carrier.submit(outbound('hello'));
    expect(smsc.submits).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 + 80 + 160 - 10);
  });

  it('gives up on a part after maxThrottleRetries with a temporary error', async () => {
    const { smsc, port } = await h.fake(new ThrottledSmsc(10));
    const carrier = await h.started(port, { maxThrottleRetries: 2 });
    const err = await rejection(carrier.submit(outbound('hello')));
    expect([err.code, err.permanent, err.details.commandStatus]).toEqual(['ESME_RTHROTTLED', false, 0x58]);
    expect(smsc.submits).toHaveLength(3);
  });

  it('does not send a part whose validity ended while it waited out throttling: the message expires', async () => {
    const { smsc, port } = await h.fake(new ThrottledSmsc(10));
    const carrier = await h.started(port);
    const err = await rejection(carrier.submit(outbound('hello', { validUntil: Date.now() + 100 })));
    expect([err.code, err.permanent, err.details.dsnStatus, err.details.subject]).toEqual(['EXPIRED', true, '4.4.7', 'message']);
    // Throttled at 0, ~40 and ~120 ms: the retry due after 100 ms never went out.
    expect(smsc.submits.length).toBeGreaterThanOrEqual(1);
    expect(smsc.submits.length).toBeLessThan(4);
    expect(carrier.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });
});

describe('binding and reconnecting', () => {
  it('stops at a refused bind: health down, submissions temporary, no reconnect storm', async () => {
    const { smsc, port } = await h.fake(new BindRefusedSmsc());
    const carrier = await h.started(port);
    expect(carrier.health()).toEqual({ name: 'test-smpp', type: 'smpp', up: false, detail: 'bind refused: ESME_RINVPASWD' });
    const err = await rejection(carrier.submit(outbound('hello')));
    expect([err.code, err.permanent]).toEqual(['SMPP_UNAVAILABLE', false]);
    expect(err.message).toContain('ESME_RINVPASWD');
    await sleep(1_000);
    expect(smsc.binds).toHaveLength(1);
    const errors = h.logs.events().filter((e) => e.level === 50);
    expect(errors.map((e) => e.msg)).toEqual(['bind refused: check systemId/password for carrier test-smpp']);
  });

  it('keeps binding, with backoff, after ESME_RBINDFAIL when the operator made it temporary ("too many binds")', async () => {
    const { smsc, port } = await h.fake(new BindRefusedSmsc(STATUS.ESME_RBINDFAIL));
    const carrier = await h.started(port, {}, { ESME_RBINDFAIL: { outcome: 'temporary' } });
    await smsc.waitFor(() => smsc.binds.length >= 3, 3_000, 'binds after the first');
    expect(carrier.health().detail).not.toContain('bind refused');
    expect(h.logs.events().filter((e) => e.code === 'ESME_RBINDFAIL' && e.level === 50)).toEqual([]);
    // Its reconnect lines would answer the next test's wait for its own.
    await h.cleanup();
    h.logs.raw.length = 0;
  });

  it('binds with SMPP 3.4 and the configured credentials', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    await h.started(port, { bindMode: 'transmitter', systemType: 'alerts' });
    const bind = smsc.binds[0]!;
    expect([bind.command, bind.system_id, bind.system_type, bind.interface_version]).toEqual(['bind_transmitter', 'smtp2sms', 'alerts', 0x34]);
  });

  it('reconnects after the SMSC drops the connection, and a later submit succeeds', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    expect(carrier.health().detail).toBe(`bound (transceiver) to 127.0.0.1:${port}, 0 in flight`);
    smsc.killSessions();
    // Once the carrier has seen the drop, a submit waits for the new bind instead of failing.
    await smsc.waitFor(() => h.logs.events().some((e) => e.msg === 'session down, reconnecting'), 1_000, 'the drop');
    const result = await carrier.submit(outbound('after the drop'));
    expect(result.partIds).toHaveLength(1);
    expect(smsc.binds).toHaveLength(2);
    expect(carrier.health().up).toBe(true);
  });

  it('fails outstanding submits as temporary when the session drops', async () => {
    const { smsc, port } = await h.fake(new NoResponseOnSubmitSmsc());
    const carrier = await h.started(port, { responseTimeoutMs: 3_000 });
    const pending = rejection(carrier.submit(outbound('hello')));
    await smsc.waitFor(() => smsc.submits.length === 1);
    smsc.killSessions();
    const err = await pending;
    expect([err.code, err.permanent]).toEqual(['SMPP_UNAVAILABLE', false]);
    expect(err.message).toContain('session lost');
  });

  it('fails a submit when no bind comes within responseTimeoutMs', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    await smsc.close(); // nothing listens on the port any more
    const carrier = await h.started(port, { responseTimeoutMs: 300 });
    expect(carrier.health().detail).toMatch(/^reconnecting in \d+ s: ECONNREFUSED$/);
    const err = await rejection(carrier.submit(outbound('hello')));
    expect([err.code, err.permanent]).toEqual(['SMPP_UNAVAILABLE', false]);
    expect(err.message).toContain('not bound within 300 ms');
  });

  it('reconnects when enquire_link goes unanswered', async () => {
    const { smsc, port } = await h.fake(new NoEnquireLinkResponseSmsc());
    const carrier = await h.started(port, { enquireLinkMs: 100, responseTimeoutMs: 150 });
    await smsc.waitFor(() => smsc.binds.length >= 2, 10_000, 'a second bind');
    expect(smsc.enquireLinks.length).toBeGreaterThanOrEqual(1);
    await smsc.waitFor(() => carrier.health().up, 5_000, 'bound again');
  });

  it("answers the SMSC's enquire_link", async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    await h.started(port);
    smsc.sendToEsme('enquire_link', { sequence_number: 77 });
    await smsc.waitFor(() => smsc.esmeResponses.some((p) => p.command === 'enquire_link_resp' && p.sequence_number === 77));
  });

  it("answers the SMSC's unbind and binds again", async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    smsc.sendToEsme('unbind', { sequence_number: 9 });
    await smsc.waitFor(() => smsc.esmeResponses.some((p) => p.command === 'unbind_resp' && p.sequence_number === 9));
    await smsc.waitFor(() => smsc.binds.length === 2 && carrier.health().up, 2_000, 'a new bind');
  });

  it('binds again after an unbind from an SMSC that leaves its half of the socket open', async () => {
    const { smsc, port } = await h.fake(new HalfOpenUnbindSmsc());
    const carrier = await h.started(port, { enquireLinkMs: 200 });
    await smsc.waitFor(() => smsc.esmeResponses.some((p) => p.command === 'unbind_resp'), 2_000, 'unbind_resp');
    await smsc.waitFor(() => smsc.binds.length === 2 && carrier.health().up, 2_000, 'a new bind');
    expect((await carrier.submit(outbound('after the unbind'))).partIds).toHaveLength(1);
  });

  it('stop() sends unbind, then closes and reports stopped', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    await carrier.stop();
    expect(smsc.unbinds).toHaveLength(1);
    expect(carrier.health()).toMatchObject({ up: false, detail: 'stopped' });
    await smsc.waitFor(() => smsc.sessions.length === 0, 1_000, 'the connection to close');
    const err = await rejection(carrier.submit(outbound('late')));
    expect([err.code, err.permanent]).toEqual(['SMPP_UNAVAILABLE', false]);
  });
});

describe('deliver_sm', () => {
  it('emits a receipt with id, stat and err, and answers deliver_sm_resp', async () => {
    const { smsc, port } = await h.fake(new DeliveryReceiptSmsc());
    const carrier = await h.started(port);
    const receipts: CarrierReceipt[] = [];
    carrier.onReceipt((r) => receipts.push(r));
    const { partIds } = await carrier.submit(outbound('hello'));
    await smsc.waitFor(() => receipts.length === 1, 1_000, 'the receipt');
    expect(receipts[0]).toMatchObject({ carrier: 'test-smpp', carrierMessageId: partIds[0], stat: 'DELIVRD', err: '000' });
    await smsc.waitFor(() => smsc.esmeResponses.some((p) => p.command === 'deliver_sm_resp' && p.command_status === 0));
  });

  it('answers a receipt it could not store with a temporary error, so the SMSC sends it again', async () => {
    const { smsc, port } = await h.fake(new DeliveryReceiptSmsc());
    const carrier = await h.started(port);
    carrier.onReceipt(async () => {
      throw new Error('Redis is down');
    });
    await carrier.submit(outbound('hello'));
    await smsc.waitFor(() => smsc.esmeResponses.some((p) => p.command === 'deliver_sm_resp'), 1_000, 'the deliver_sm_resp');
    expect(smsc.esmeResponses.find((p) => p.command === 'deliver_sm_resp')!.command_status).toBe(0x64);
  });

  it('matches a receipt quoting the id in decimal to the hex id of submit_sm_resp (through the tracker\'s candidates)', async () => {
    const decimal = (id: string) => `id:${Number.parseInt(id, 16)} sub:001 dlvrd:000 submit date:250101120000 done date:250101120100 stat:UNDELIV err:001`;
    const { smsc, port } = await h.fake(new DeliveryReceiptSmsc(decimal));
    const carrier = await h.started(port);
    const receipts: CarrierReceipt[] = [];
    carrier.onReceipt((r) => receipts.push(r));
    const { partIds } = await carrier.submit(outbound('hello'));
    await smsc.waitFor(() => receipts.length === 1, 1_000, 'the receipt');
    // The carrier passes the id on as the SMSC wrote it; which submit it stands for is the
    // tracker's call (receiptIdCandidates), which knows the carrier's receiptIdFormat.
    expect(receipts[0]).toMatchObject({ carrierMessageId: String(Number.parseInt(partIds[0]!, 16)), stat: 'UNDELIV', err: '001' });
    expect(receiptIdCandidates(receipts[0]!.carrierMessageId, 'auto')).toContain(canonicalId(partIds[0]!));
    expect(receiptIdCandidates(receipts[0]!.carrierMessageId, 'decimal')).toEqual([canonicalId(partIds[0]!)]);
  });

  it('logs an unparseable receipt and an MO message, and answers both', async () => {
    const { smsc, port } = await h.fake(new HappySmsc());
    const carrier = await h.started(port);
    const receipts: CarrierReceipt[] = [];
    carrier.onReceipt((r) => receipts.push(r));
    smsc.sendToEsme('deliver_sm', { esm_class: 0x04, short_message: Buffer.from('garbled report text:secret') });
    smsc.sendToEsme('deliver_sm', { esm_class: 0, source_addr: '15550001111', short_message: Buffer.from('STOP') });
    await smsc.waitFor(() => smsc.esmeResponses.filter((p) => p.command === 'deliver_sm_resp').length === 2);
    expect(receipts).toHaveLength(0);
    const events = h.logs.events();
    const unparseable = events.find((e) => e.msg === 'unparseable delivery receipt');
    expect(unparseable).toMatchObject({ level: 40, raw: 'garbled report text:[redacted]' });
    expect(events.find((e) => e.msg.startsWith('mobile-originated'))).toMatchObject({ level: 30, from: '15550001111', octets: 4 });
  });
});
