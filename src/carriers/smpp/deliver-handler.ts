/**
 * What the carrier does with a deliver_sm / data_sm (the session has already queued its answer):
 * receipts become CarrierReceipts for the listeners; mobile-originated messages are logged and
 * dropped, because smtp2sms does not route MO. A receipt that cannot be parsed is logged with its
 * body, never dropped silently: it is the only trace of a lost delivery report.
 */
import type { Logger } from 'pino';
import type { PDU } from 'smpp';
import type { CarrierReceipt, ReceiptListener } from '../carrier.js';
import { ReceiptListeners } from '../receipt-listeners.js';
import type { RecentIds } from './recent-ids.js';
import { decodeReceiptBody, describeBody, parseReceipt } from './receipt-parser.js';

/** esm_class bits 2-5 (message type) = 0001: SMSC delivery receipt. */
const ESM_TYPE_MASK = 0x3c;
const ESM_TYPE_RECEIPT = 0x04;

export class DeliverHandler {
  private readonly listeners = new ReceiptListeners();

  constructor(
    private readonly carrier: string,
    private readonly recentIds: RecentIds,
    private readonly log: Logger,
  ) {}

  onReceipt(listener: ReceiptListener): void {
    this.listeners.add(listener);
  }

  /** Resolves false when a receipt could not be stored, so the SMSC is asked to send it again. */
  async handle(pdu: PDU): Promise<boolean> {
    const body = messageBody(pdu);
    const receiptedId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined;
    const isReceipt = ((pdu.esm_class ?? 0) & ESM_TYPE_MASK) === ESM_TYPE_RECEIPT || receiptedId !== undefined;
    if (!isReceipt) {
      this.log.info(
        { command: pdu.command, from: pdu.source_addr, to: pdu.destination_addr, dataCoding: pdu.data_coding, octets: body.length },
        'mobile-originated message ignored (MO is not routed)',
      );
      return true;
    }
    const text = decodeReceiptBody(body, pdu.data_coding ?? 0);
    const messageState = typeof pdu.message_state === 'number' ? pdu.message_state : undefined;
    const parsed = parseReceipt({ receiptedMessageId: receiptedId, messageState, text });
    if (!parsed) {
      this.log.warn({ command: pdu.command, receiptedId, messageState, raw: redactQuote(describeBody(body)) }, 'unparseable delivery receipt');
      return true;
    }
    const smscId = parsed.id;
    const ourId = this.recentIds.ourIdOf(smscId);
    const receipt: CarrierReceipt = {
      carrier: this.carrier,
      carrierMessageId: smscId,
      stat: parsed.stat,
      raw: text,
      receivedAt: Date.now(),
    };
    if (parsed.err !== undefined) receipt.err = parsed.err;
    if (parsed.idIsSubmitId) receipt.idIsSubmitId = true;
    this.log.info({ id: ourId, smscId, stat: receipt.stat, err: receipt.err }, 'delivery receipt');
    return this.listeners.deliver(receipt, this.log.child({ id: ourId }));
  }
}

/** Receipts may carry the body in message_payload when short_message is empty. */
function messageBody(pdu: PDU): Buffer {
  if (Buffer.isBuffer(pdu.short_message) && pdu.short_message.length > 0) return pdu.short_message;
  if (Buffer.isBuffer(pdu.message_payload)) return pdu.message_payload;
  return Buffer.alloc(0);
}

/** The receipt's text field quotes the start of the SMS; message text is never logged. */
function redactQuote(raw: string): string {
  // Binary or UCS-2 bodies cannot be searched for the quote: only their size is logged.
  if (raw.startsWith('hex:')) return `${Math.floor((raw.length - 4) / 2)} octets (not text)`;
  return raw.replace(/(\btext\s*:).*$/is, '$1[redacted]');
}
