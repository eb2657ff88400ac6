/**
 * How the SMPP client behaves towards an SMSC in trouble: one that accepts every bind and drops
 * the connection at once (the reconnect backoff must still grow), one that throttles a window it
 * answered in one read (one pause, not one doubling per answer sent in the same millisecond), and
 * one that stops counting the session as bound (ESME_RINVBNDSTS: bind again, the part not lost),
 * and one that delivers a PDU longer than the smpp package's 16 KB default (legal: message_payload
 * may hold 64 KB), which ended the session and, resent after every bind, looped for ever.
 */
import type { PDU, Session } from 'smpp';
import { afterEach, expect, it } from 'vitest';
import { FakeSmsc, STATUS } from '../helpers/fake-smsc.js';
import { Harness, outbound } from '../helpers/fake-smsc-harness.js';

const h = new Harness();
afterEach(() => h.cleanup());

/** Answers bind_resp OK, then drops the connection 20 ms later, every time. */
class BindThenDropSmsc extends FakeSmsc {
  protected override onBind(session: Session, pdu: PDU): void {
    super.onBind(session, pdu);
    setTimeout(() => session.destroy(), 20);
  }
}

it('backs off exponentially from an SMSC that drops every session right after binding it', async () => {
  const { smsc, port } = await h.fake(new BindThenDropSmsc());
  await h.started(port, { reconnect: { initialMs: 100, maxMs: 5_000 } });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // Ceilings 100, 200, 400, 800, 1600 ms with full jitter allow about 6 binds in 3 s; a backoff
  // reset by each bind makes ~40.
  expect(smsc.binds.length).toBeLessThanOrEqual(15);
});

/**
 * Holds the first `batch` submit_sm, then answers them in one go: the first `ok` accepted, the rest
 * ESME_RTHROTTLED. Then throttles the next `more` (those sent on the OK answers, before the client
 * had read the throttled ones) and accepts everything after.
 */
class BatchThrottleSmsc extends FakeSmsc {
  private held: [Session, PDU][] = [];
  private released = false;
  constructor(private readonly batch: number, private readonly ok: number, private more: number) {
    super();
  }

  protected override onSubmit(session: Session, pdu: PDU): void {
    if (!this.released) {
      this.held.push([session, pdu]);
      if (this.held.length < this.batch) return;
      this.released = true;
      this.held.forEach(([s, p], i) => this.answerSubmit(s, p, i < this.ok ? STATUS.ESME_ROK : STATUS.ESME_RTHROTTLED));
      return;
    }
    if (this.more > 0) {
      this.more--;
      this.answerSubmit(session, pdu, STATUS.ESME_RTHROTTLED);
      return;
    }
    this.answerSubmit(session, pdu, STATUS.ESME_ROK);
  }
}

it('pauses once for a throttled window: answers to parts sent before the pause began do not lengthen it', async () => {
  for (let run = 0; run < 3; run++) {
    const { port } = await h.fake(new BatchThrottleSmsc(10, 3, 3));
    const carrier = await h.started(port, { window: 10 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => carrier.submit(outbound(`m${i}`))));
    const pauses = h.logs.events().filter((e) => e.msg === 'SMSC throttling, pausing submissions').map((e) => e.pauseMs);
    expect(pauses).toEqual([40]);
    await h.cleanup();
    h.logs.raw.length = 0;
  }
});

/** The first session's bind is "forgotten" by the SMSC: its submits get ESME_RINVBNDSTS. */
class ForgotBindSmsc extends FakeSmsc {
  private first: Session | undefined;
  protected override onBind(session: Session, pdu: PDU): void {
    this.first ??= session;
    super.onBind(session, pdu);
  }
  protected override onSubmit(session: Session, pdu: PDU): void {
    this.answerSubmit(session, pdu, session === this.first ? 0x04 : 0);
  }
}

it('binds again after ESME_RINVBNDSTS, and the part that got it goes out on the new session', async () => {
  const { smsc, port } = await h.fake(new ForgotBindSmsc());
  const carrier = await h.started(port);
  const outcomes: string[] = [];
  for (let i = 0; i < 3; i++) outcomes.push(await carrier.submit(outbound(`m${i}`)).then(() => 'ok', (e: { code: string }) => e.code));
  expect({ binds: smsc.binds.length, outcomes }).toEqual({ binds: 2, outcomes: ['ok', 'ok', 'ok'] });
  expect(smsc.submits.map((s) => s.short_message.toString())).toEqual(['m0', 'm0', 'm1', 'm2']);
});

/** A deliver_sm (an MO with a 20,000-octet message_payload), written as raw octets after every bind. */
function bigDeliverSm(sequence: number): Buffer {
  const cstr = (text: string) => Buffer.from(`${text}\0`, 'latin1');
  const payload = Buffer.alloc(20_000, 0x61);
  const body = Buffer.concat([
    cstr(''), Buffer.from([1, 1]), cstr('4915112345678'), Buffer.from([0, 0]), cstr('ALERTS'),
    Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from([0x04, 0x24, payload.length >> 8, payload.length & 0xff]), payload,
  ]);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + body.length, 0);
  header.writeUInt32BE(0x00000005, 4);
  header.writeUInt32BE(0, 8);
  header.writeUInt32BE(sequence, 12);
  return Buffer.concat([header, body]);
}

class BigDeliverSmsc extends FakeSmsc {
  protected override onBind(session: Session, pdu: PDU): void {
    super.onBind(session, pdu);
    setTimeout(() => (session as unknown as { socket: { write(b: Buffer): void } }).socket.write(bigDeliverSm(7_000 + this.binds.length)), 20);
  }
}

it('takes a deliver_sm over 16 KB and answers it, instead of dropping the session each time it comes', async () => {
  const { smsc, port } = await h.fake(new BigDeliverSmsc());
  await h.started(port, { reconnect: { initialMs: 50, maxMs: 200 } });
  await smsc.waitFor(() => smsc.esmeResponses.some((p) => p.command === 'deliver_sm_resp'), 3_000, 'the deliver_sm_resp');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect({ binds: smsc.binds.length, resp: smsc.esmeResponses.find((p) => p.command === 'deliver_sm_resp')?.command_status }).toEqual({ binds: 1, resp: 0 });
});
