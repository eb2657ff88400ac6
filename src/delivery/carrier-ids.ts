/**
 * Carriers disagree on how they write their own message ids: hex in submit_sm_resp and decimal in
 * the receipt, leading zeros, upper or lower case. Ids are stored under one canonical form and a
 * receipt's id is looked up under every form its carrier's `receiptIdFormat` allows.
 */
export type ReceiptIdFormat = 'auto' | 'hex' | 'decimal';

/** Lower case, no leading zeros: "00A1b2" and "a1b2" are one id. */
export function canonicalId(id: string): string {
  const lower = id.trim().toLowerCase();
  const stripped = lower.replace(/^0+(?=.)/, '');
  return stripped;
}

/**
 * The canonical forms of the submit id a receipt id may stand for.
 * - hex: the receipt repeats the submit id (possibly padded or in another case).
 * - decimal: the receipt carries the decimal value of a hex submit id (SMPP 3.4 Appendix B's
 *   10-digit id beside a hex submit_sm_resp).
 * - auto: both, the literal form first.
 * `isSubmitId`: the id is the submit id as given (SMPP's receipted_message_id TLV), so its literal
 * form comes first whatever the format, which describes the id in the receipt text.
 */
export function receiptIdCandidates(receiptId: string, format: ReceiptIdFormat, isSubmitId = false): string[] {
  const literal = canonicalId(receiptId);
  const candidates: string[] = [];
  if (format !== 'decimal' || isSubmitId) candidates.push(literal);
  if (format !== 'hex' && /^\d{1,30}$/.test(receiptId.trim())) {
    candidates.push(canonicalId(BigInt(receiptId.trim()).toString(16)));
  }
  if (format === 'auto' && /^[0-9a-f]{1,24}$/i.test(receiptId.trim())) {
    // The rarer mirror case: a decimal submit id reported in hex.
    candidates.push(canonicalId(BigInt(`0x${receiptId.trim()}`).toString(10)));
  }
  return [...new Set(candidates)];
}
