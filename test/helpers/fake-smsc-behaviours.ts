/**
 * One fake SMSC per failure mode, each overriding one hook of FakeSmsc (the happy path).
 */
import type { PDU, Session } from 'smpp';
import { useRawMessageBodies } from '../../src/carriers/smpp/raw-pdus.js';
import { FakeSmsc, STATUS } from './fake-smsc.js';

export class HappySmsc extends FakeSmsc {}

/** Answers every submit_sm after `delayMs`, so requests pile up in the window. */
export class DelayedResponseSmsc extends FakeSmsc {
  constructor(private readonly delayMs: number) {
    super();
  }

  protected override onSubmit(session: Session, pdu: PDU): void {
    this.later(this.delayMs, () => this.answerSubmit(session, pdu, STATUS.ESME_ROK));
  }
}

/** Answers every submit_sm with the given command_status. */
export class ErrorOnSubmitSmsc extends FakeSmsc {
  constructor(private readonly status: number) {
    super();
  }

  protected override onSubmit(session: Session, pdu: PDU): void {
    this.answerSubmit(session, pdu, this.status);
  }
}

/** Takes submit_sm and never answers. */
export class NoResponseOnSubmitSmsc extends FakeSmsc {
  protected override onSubmit(): void {}
}

/** Answers the first `times` submit_sm with `status` (ESME_RTHROTTLED by default), then accepts. */
export class ThrottledSmsc extends FakeSmsc {
  private remaining: number;

  constructor(times: number, private readonly status: number = STATUS.ESME_RTHROTTLED) {
    super();
    this.remaining = times;
  }

  protected override onSubmit(session: Session, pdu: PDU): void {
    if (this.remaining > 0) {
      this.remaining--;
      this.answerSubmit(session, pdu, this.status);
    } else {
      this.answerSubmit(session, pdu, STATUS.ESME_ROK);
    }
  }
}

/** Refuses every bind with the given status (ESME_RINVPASWD by default). */
export class BindRefusedSmsc extends FakeSmsc {
  constructor(private readonly status: number = STATUS.ESME_RINVPASWD) {
    super();
  }

  protected override onBind(session: Session, pdu: PDU): void {
    session.send(pdu.response({ command_status: this.status }));
  }
}

/** Binds and accepts submits but never answers enquire_link: a half-dead link. */
export class NoEnquireLinkResponseSmsc extends FakeSmsc {
  protected override onEnquireLink(): void {}
}

/** Accepts each submit_sm and, `delayMs` later, sends a receipt deliver_sm for it. */
export class DeliveryReceiptSmsc extends FakeSmsc {
  constructor(
    private readonly receiptText: (messageId: string) => string = (id) =>
      `id:${id} sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:hello`,
    private readonly delayMs = 20,
  ) {
    super();
  }

  protected override onAccepted(session: Session, pdu: PDU, messageId: string): void {
    this.later(this.delayMs, () => {
      const smpp = useRawMessageBodies();
      session.send(new smpp.PDU('deliver_sm', {
        source_addr_ton: pdu.dest_addr_ton,
        source_addr_npi: pdu.dest_addr_npi,
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        data_coding: 0,
        short_message: Buffer.from(this.receiptText(messageId), 'latin1'),
      }));
    });
  }
}

/**
 * Unbinds the first session and then keeps its half of the socket open, closing nothing: some
 * SMSCs leave the close to the ESME. An ESME waiting for the SMSC's close stays "bound" to nothing.
 */
export class HalfOpenUnbindSmsc extends FakeSmsc {
  protected override serverOptions(): Record<string, unknown> {
    return { allowHalfOpen: true };
  }

  protected override onBind(session: Session, pdu: PDU): void {
    super.onBind(session, pdu);
    if (this.binds.length === 1) setTimeout(() => this.sendToEsme('unbind', { sequence_number: 9 }), 50);
  }
}
