/**
 * Delivery receipts as SMSCs send them: a deliver_sm with esm_class 0x04 whose text follows the
 * de-facto format of SMPP 3.4 Appendix B, plus the receipted_message_id and message_state TLVs,
 * so a client can be tested against both ways carriers report outcomes.
 */
import { decodeText } from './reassembly.js';
import type { ReceiptIdFormat, ReceiptStat, ReceivedPart, SmscOptions, SmscRule } from './types.js';

/** esm_class 0x04: "SMSC Delivery Receipt" (SMPP 3.4 §5.2.12). */
export const ESM_DELIVERY_RECEIPT = 0x04;

/** message_state TLV values (SMPP 3.4 §5.2.28) for each receipt stat. */
export const MESSAGE_STATE: Readonly<Record<ReceiptStat, number>> = {
  DELIVRD: 2,
  EXPIRED: 3,
  UNDELIV: 5,
  REJECTD: 8,
};

/**
 * registered_delivery bits 0-1 (SMPP 3.4 §5.2.17): 1 = a receipt on success or failure,
 * 2 = a receipt on failure only, 0 or 3 = none.
 */
export function wantsReceipt(registeredDelivery: number, stat: ReceiptStat): boolean {
  const mode = registeredDelivery & 0x03;
  return mode === 1 || (mode === 2 && stat !== 'DELIVRD');
}

/** YYMMDDhhmm in UTC, the receipt's date format; UTC so tests do not depend on the host zone. */
export function receiptDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes())
  );
}

/**
 * Receipts are sent with data_coding 0 but read by clients as either GSM-7 or ASCII. Only these
 * characters sit at the same code in both, so anything else in the quoted text becomes '?'.
 */
const SAME_IN_GSM_AND_ASCII = /[^ -#%-?A-Za-z]/g;

export interface ReceiptFields {
  messageId: string;
  stat: ReceiptStat;
  err: string;
  submittedAt: number;
  doneAt: number;
  /** The part's text; the receipt quotes its first 20 characters. */
  text: string;
}

export function receiptText(fields: ReceiptFields): string {
  const quoted = Array.from(fields.text).slice(0, 20).join('').replace(SAME_IN_GSM_AND_ASCII, '?');
  const delivered = fields.stat === 'DELIVRD' ? '001' : '000';
  return (
    `id:${fields.messageId} sub:001 dlvrd:${delivered} submit date:${receiptDate(fields.submittedAt)}` +
    ` done date:${receiptDate(fields.doneAt)} stat:${fields.stat} err:${fields.err} text:${quoted}`
  );
}

/**
 * The id as a receipt names it; see ReceiptIdFormat. `messageIdFormat` says how to read the id
 * for `decimal`. BigInt, so that an id of any length converts without losing digits.
 */
export function formatReceiptId(
  messageId: string,
  format: ReceiptIdFormat = 'same',
  messageIdFormat: SmscOptions['messageIdFormat'] = 'hex',
): string {
  switch (format) {
    case 'same':
      return messageId;
    case 'decimal':
      return BigInt(messageIdFormat === 'hex' ? `0x${messageId}` : messageId).toString().padStart(10, '0');
    case 'padded-upper':
      return messageId.toUpperCase().padStart(16, '0');
  }
}

/**
 * The stat and err one part's receipt reports, or undefined when that part gets no receipt.
 * `seq` is the part's 1-based place in its concatenated message (1 for a single-part one).
 */
export function receiptOutcome(
  rule: SmscRule | undefined,
  seq: number,
  parts: SmscOptions['receiptParts'] = 'all',
): { stat: ReceiptStat; err: string } | undefined {
  if (parts === 'first' && seq !== 1) return undefined;
  const fromRule = rule?.action === 'receipt' || rule?.action === 'receipt-first';
  if (!fromRule || (rule.failPart !== undefined && rule.failPart !== seq)) return { stat: 'DELIVRD', err: '000' };
  return { stat: rule.receiptStat ?? 'DELIVRD', err: rule.receiptErr ?? '000' };
}

/** How receipts name the message and whether they carry TLVs; defaults are the SMPP 3.4 way. */
export interface ReceiptStyle {
  idFormat?: ReceiptIdFormat;
  messageIdFormat?: SmscOptions['messageIdFormat'];
  tlvs?: boolean;
}

/** ton/npi for an address: international ISDN for digits, alphanumeric otherwise. */
function addressType(address: string): { ton: number; npi: number } {
  return /^\+?\d+$/.test(address) ? { ton: 1, npi: 1 } : { ton: 5, npi: 0 };
}

/** deliver_sm fields (for the `smpp` package) reporting `part`'s outcome back to its sender. */
export function receiptPdu(
  part: ReceivedPart,
  stat: ReceiptStat,
  err: string,
  doneAt: number,
  style: ReceiptStyle = {},
): Record<string, unknown> {
  const from = addressType(part.destination);
  const to = addressType(part.source);
  const messageId = formatReceiptId(part.messageId, style.idFormat, style.messageIdFormat);
  const text = receiptText({
    messageId,
    stat,
    err,
    submittedAt: part.receivedAt,
    doneAt,
    text: decodeText(part.dataCoding, part.body),
  });
  const fields: Record<string, unknown> = {
    // The handset "answers", so the addresses are swapped.
    source_addr_ton: from.ton,
    source_addr_npi: from.npi,
    source_addr: part.destination,
    dest_addr_ton: to.ton,
    dest_addr_npi: to.npi,
    destination_addr: part.source,
    esm_class: ESM_DELIVERY_RECEIPT,
    data_coding: 0,
    short_message: Buffer.from(text, 'ascii'),
  };
  if (style.tlvs === false) return fields;
  return { ...fields, receipted_message_id: messageId, message_state: MESSAGE_STATE[stat] };
}
