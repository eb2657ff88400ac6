/**
 * The SMSC message ids this process was given recently, mapped to our message ids. Receipts
 * name the SMSC id, sometimes in another base than submit_sm_resp did (see messageIdVariants);
 * matching against what we were given recovers the form the status store was keyed with, and our
 * id for the log line. Bounded: the oldest entries go first, and a miss just keeps the id as is.
 */
import { messageIdVariants } from './receipt-parser.js';

export class RecentIds {
  private readonly ids = new Map<string, string>();

  constructor(private readonly capacity = 20_000) {}

  remember(smscId: string, ourId: string): void {
    if (!smscId) return;
    this.ids.delete(smscId);
    this.ids.set(smscId, ourId);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }

  /** The id in the form submit_sm_resp gave it, and our id when we still know it. */
  resolve(receiptId: string): { smscId: string; ourId?: string } {
    for (const variant of messageIdVariants(receiptId)) {
      const ourId = this.ids.get(variant);
      if (ourId !== undefined) return { smscId: variant, ourId };
    }
    return { smscId: receiptId };
  }
}
