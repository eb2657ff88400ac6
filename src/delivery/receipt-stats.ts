/**
 * The receipt stat words of SMPP 3.4 Appendix B, which HTTP webhooks are mapped onto too, in the
 * order of their message_state TLV values (§5.2.28: ENROUTE = 1 … REJECTD = 8). One list for the
 * SMPP receipt parser, the HTTP webhook spec and its config schema. (The SMSC simulator keeps its
 * own table on purpose: a test peer that shared ours could not catch a mistake in it.)
 */
export const RECEIPT_STATS = ['ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD'] as const;

export type ReceiptStat = (typeof RECEIPT_STATS)[number];

const KNOWN: ReadonlySet<string> = new Set(RECEIPT_STATS);

export function isReceiptStat(word: string): word is ReceiptStat {
  return KNOWN.has(word);
}

/** The stat word a message_state TLV value stands for, or undefined outside 1-8. */
export function statOfMessageState(state: number): ReceiptStat | undefined {
  return Number.isInteger(state) ? RECEIPT_STATS[state - 1] : undefined;
}
