/**
 * Delivery receipts as SMSCs really send them. SMPP 3.4 Appendix B describes the text
 * `id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:...`
 * but calls it vendor specific, and vendors vary: lowercase or capitalised keys, keys in another
 * order, 12-digit dates with seconds, `submit_date`, a missing text field. The TLVs
 * receipted_message_id and message_state are unambiguous, so they win over the text.
 *
 * Pure: no I/O, so it is tested as a table.
 */
import { statOfMessageState } from '../../delivery/receipt-stats.js';

export interface ReceiptFields {
  /** receipted_message_id TLV, already stripped of padding. */
  receiptedMessageId?: string;
  /** message_state TLV (SMPP 3.4 §5.3.2.35). */
  messageState?: number;
  /** short_message (or message_payload) decoded to text. */
  text: string;
}

export interface ParsedReceipt {
  id: string;
  /**
   * The id came from the receipted_message_id TLV, which SMPP 3.4 (5.3.2.12) defines as the id
   * exactly as submit_sm_resp gave it, whatever form the receipt text uses.
   */
  idIsSubmitId?: true;
  /** Receipt stat word, upper case: DELIVRD, UNDELIV, EXPIRED, REJECTD, ... */
  stat: string;
  err?: string;
  submitDate?: string;
  doneDate?: string;
}

// A key starts the text or follows a separator, so "sub:" inside "xsub:" is not a key.
const KEY = /(?<=^|[\s,;])(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)\s*:/gi;

/** Returns null when neither the TLVs nor the text give both a message id and a stat. */
export function parseReceipt(fields: ReceiptFields): ParsedReceipt | null {
  const text = parseReceiptText(fields.text);
  const tlvId = clean(fields.receiptedMessageId);
  const id = tlvId ?? text.id;
  const state = fields.messageState !== undefined ? statOfMessageState(fields.messageState) : undefined;
  const stat = state ?? text.stat?.toUpperCase();
  if (!id || !stat) return null;
  const receipt: ParsedReceipt = { id, stat };
  if (tlvId !== undefined) receipt.idIsSubmitId = true;
  if (text.err) receipt.err = text.err;
  if (text.submitDate) receipt.submitDate = text.submitDate;
  if (text.doneDate) receipt.doneDate = text.doneDate;
  return receipt;
}

interface TextFields {
  id?: string;
  stat?: string;
  err?: string;
  submitDate?: string;
  doneDate?: string;
}

export function parseReceiptText(text: string): TextFields {
  const found: TextFields = {};
  const matches = [...text.matchAll(KEY)];
  for (let i = 0; i < matches.length; i++) {
    const match = matches[i]!;
    const key = match[1]!.toLowerCase().replace(/[ _]/, '');
    const start = match.index! + match[0].length;
    // The text field quotes the message, which may itself contain "stat:" or "id:"; once id and
    // stat are known everything after "text:" is the quote, not more keys.
    if (key === 'text' && found.id && found.stat) break;
    const end = i + 1 < matches.length ? matches[i + 1]!.index! : text.length;
    const value = text.slice(start, end).trim().split(/\s+/)[0] ?? '';
    if (!value) continue;
    switch (key) {
      case 'id': found.id ??= value; break;
      case 'stat': found.stat ??= value; break;
      case 'err': found.err ??= value; break;
      case 'submitdate': if (/^\d{10}(\d{2})?$/.test(value)) found.submitDate ??= value; break;
      case 'donedate': if (/^\d{10}(\d{2})?$/.test(value)) found.doneDate ??= value; break;
      default: break;
    }
  }
  return found;
}

/** Receipt bodies are ASCII in practice; UCS-2 ones exist (data_coding 8). */
export function decodeReceiptBody(body: Buffer, dataCoding: number): string {
  if (dataCoding === 0x08) return swapUtf16(body);
  return body.toString('latin1');
}

/** For logs: the text when it is printable, otherwise hex, so a binary body is still visible. */
export function describeBody(body: Buffer): string {
  return /^[\x20-\x7e\r\n\t]*$/.test(body.toString('latin1')) ? body.toString('latin1') : `hex:${body.toString('hex')}`;
}

function swapUtf16(body: Buffer): string {
  const copy = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
  return copy.swap16().toString('utf16le');
}

/** The cstring TLV reader runs to the next NUL, so a missing terminator drags in later TLV bytes. */
function clean(value: string | undefined): string | undefined {
  const match = value === undefined ? null : /^[\x21-\x7e]+/.exec(value);
  return match ? match[0] : undefined;
}
