/**
 * A small SMSC on a real TCP port for carrier tests, built on the `smpp` package's server with
 * raw message bodies. The base class is the happy path (binds, answers every submit_sm with a
 * message id, answers enquire_link and unbind) and records what it saw; each failure mode is a
 * subclass overriding one hook (fake-smsc-behaviours.ts), as Jasmin's test SMSCs do.
 *
 * Not the built-in simulator (src/smsc): these fakes exist to misbehave on purpose.
 */
import type { AddressInfo } from 'node:net';
import type { PDU, Server, Session } from 'smpp';
import { useRawMessageBodies } from '../../src/carriers/smpp/raw-pdus.js';

export const STATUS = {
  ESME_ROK: 0x00,
  ESME_RSYSERR: 0x08,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RMSGQFUL: 0x14,
  ESME_RTHROTTLED: 0x58,
} as const;

export class FakeSmsc {
  /** Every submit_sm received, in arrival order. */
  readonly submits: PDU[] = [];
  /** submit_sm answered with ESME_ROK, in the order they were answered. */
  readonly accepted: PDU[] = [];
  readonly binds: PDU[] = [];
  readonly unbinds: PDU[] = [];
  readonly enquireLinks: PDU[] = [];
  /** Responses the ESME sent to our requests (deliver_sm_resp, enquire_link_resp, ...). */
  readonly esmeResponses: PDU[] = [];
  /** Most submit_sm outstanding (received, not yet answered) at any one time. */
  maxOutstanding = 0;
  private outstanding = 0;
  private nextId = 0x4d2;
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  get sessions(): Session[] {
    return this.server?.sessions ?? [];
  }

  async start(): Promise<number> {
    const smpp = useRawMessageBodies();
    const server = smpp.createServer(this.serverOptions(), (session) => {
      // The package's Session re-emits socket errors; a reset by the client must not crash us.
      session.on('error', () => session.destroy());
      session.on('pdu', (pdu: PDU) => this.onPdu(session, pdu));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    const server = this.server;
    if (!server) return;
    this.killSessions();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every client connection without a word, like a crashed SMSC or a cut cable. */
  killSessions(): void {
    for (const session of [...this.sessions]) session.destroy();
  }

  /**
   * Waits until `check` is true (polling), failing the test after timeoutMs, but never sooner than
   * 10 s: the wait ends as soon as the condition holds, so a short timeout only measures how busy
   * the machine is (1 s failed on a loaded CI box). No test relies on this timing out.
   */
  async waitFor(check: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + Math.max(timeoutMs, 10_000);
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`fake SMSC: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends a request to the ESME (a deliver_sm, say) on the first session. */
  sendToEsme(command: string, params: Record<string, unknown>): void {
    const session = this.sessions[0];
    if (!session) throw new Error('fake SMSC: no session to send on');
    const smpp = useRawMessageBodies();
    session.send(new smpp.PDU(command, params));
  }

  protected onPdu(session: Session, pdu: PDU): void {
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.binds.push(pdu);
        this.onBind(session, pdu);
        return;
      case 'submit_sm':
        this.submits.push(pdu);
        this.outstanding++;
        this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
        this.onSubmit(session, pdu);
        return;
      case 'enquire_link':
        this.enquireLinks.push(pdu);
        this.onEnquireLink(session, pdu);
        return;
      case 'unbind':
        this.unbinds.push(pdu);
        session.send(pdu.response());
        return;
      default:
        if (pdu.isResponse()) this.esmeResponses.push(pdu);
        return;
    }
  }

  /** net.Server options of the SMSC's listener. */
  protected serverOptions(): Record<string, unknown> {
    return {};
  }

  protected onBind(session: Session, pdu: PDU): void {
    session.send(pdu.response({ system_id: 'fake-smsc' }));
  }

  protected onSubmit(session: Session, pdu: PDU): void {
    this.answerSubmit(session, pdu, STATUS.ESME_ROK);
  }

  protected onEnquireLink(session: Session, pdu: PDU): void {
    session.send(pdu.response());
  }

  /** Answers a submit_sm; returns the message id given (empty for an error status). */
  protected answerSubmit(session: Session, pdu: PDU, status: number): string {
    this.outstanding--;
    if (status !== STATUS.ESME_ROK) {
      session.send(pdu.response({ command_status: status }));
      return '';
    }
    const messageId = (this.nextId++).toString(16);
    this.accepted.push(pdu);
    session.send(pdu.response({ message_id: messageId }));
    this.onAccepted(session, pdu, messageId);
    return messageId;
  }

  protected onAccepted(_session: Session, _pdu: PDU, _messageId: string): void {}

  /** setTimeout that close() clears, so a test never leaves a timer behind. */
  protected later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}
