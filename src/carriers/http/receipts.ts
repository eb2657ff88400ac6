/**
 * A verified webhook payload → CarrierReceipts, as the webhook spec says: where the id, status and
 * error are, which status words mean which receipt stat. Pure. `raw` is a short summary of the
 * fields read, never the payload: providers echo the message text in theirs.
 */
import { isReceiptStat } from '../../delivery/receipt-stats.js';
import { parseReceipt } from '../smpp/receipt-parser.js';
import type { CarrierReceipt } from '../carrier.js';
import { getAll, getText, isRecord } from './json-path.js';
import type { WebhookSpec } from './spec.js';

export interface ReceiptParse {
  receipts: CarrierReceipt[];
  /** Items skipped, with why (unknown status word, no id): logged by the caller. */
  skipped: { id?: string; status?: string; why: string }[];
}

export function parseReceipts(spec: WebhookSpec, doc: unknown, carrier: string, now: number): ReceiptParse {
  const result: ReceiptParse = { receipts: [], skipped: [] };
  const items = spec.items === undefined ? [doc] : getAll(doc, spec.items).flatMap((v) => (Array.isArray(v) ? v : [v]));
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (spec.filter) {
      const value = getText(item, spec.filter.field);
      if (value === undefined || !spec.filter.equals.includes(value)) {
        result.skipped.push({ why: `${spec.filter.field}=${value ?? '(none)'} is not a delivery status` });
        continue;
      }
    }
    const id = getText(item, spec.id);
    const word = getText(item, spec.status);
    if (!id || !word) {
      result.skipped.push({ ...(id ? { id } : {}), ...(word ? { status: word } : {}), why: `no ${id ? spec.status : spec.id}` });
      continue;
    }
    let stat: string | undefined = statusFor(spec.statuses, word.toLowerCase());
    let err = spec.err !== undefined ? getText(item, spec.err) : undefined;
    // A provider's own error field, unless an SMSC's receipt text below gives the err instead.
    let providerCode = err !== undefined;
    const summary = [`${spec.status}=${word}`];
    if (spec.receiptText !== undefined) {
      const refined = refine(getText(item, spec.receiptText));
      if (refined.stat && isReceiptStat(refined.stat) && stat !== undefined) stat = refined.stat;
      if (refined.err) {
        err = refined.err;
        providerCode = false;
      }
    }
    if (stat === undefined) {
      result.skipped.push({ id, status: word, why: `status "${word}" is not mapped to a receipt stat` });
      continue;
    }
    if (err !== undefined && err !== '') summary.push(`${spec.err ?? 'err'}=${err}`);
    const receipt: CarrierReceipt = { carrier, carrierMessageId: id, stat, raw: summary.join(' '), receivedAt: now };
    if (err !== undefined && err !== '') receipt.err = err;
    if (receipt.err !== undefined && providerCode) receipt.errIsProviderCode = true;
    result.receipts.push(receipt);
  }
  return result;
}

/**
 * Kannel's `%A`: the SMSC's receipt text (`id:.. stat:EXPIRED err:027 ..`) or its reply to the
 * submit (`NACK/0x0000000b/Invalid Destination Address`). Its stat and err are more precise than
 * the DLR type; the quoted message text is never kept.
 */
function refine(text: string | undefined): { stat?: string; err?: string } {
  if (!text) return {};
  const nack = /^NACK\/(0x[0-9a-f]+)/i.exec(text);
  if (nack) return { err: nack[1]!.toLowerCase() };
  const parsed = parseReceipt({ text });
  if (!parsed) return {};
  return { stat: parsed.stat, ...(parsed.err !== undefined ? { err: parsed.err } : {}) };
}

/**
 * The stat for a provider's status word: an exact key first, else the longest `prefix*` key that
 * matches (Infobip names its statuses GROUP_DETAIL: `rejected_*` covers every rejection).
 */
function statusFor(statuses: Readonly<Record<string, string>>, word: string): string | undefined {
  const exact = statuses[word];
  if (exact !== undefined) return exact;
  let best: { length: number; stat: string } | undefined;
  for (const [key, stat] of Object.entries(statuses)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (word.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = { length: prefix.length, stat };
  }
  return best?.stat;
}
