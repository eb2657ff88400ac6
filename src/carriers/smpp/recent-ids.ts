/**
 * The SMSC message ids this process was given recently, mapped to our message ids, for the log
 * line of a receipt. Only an exact match counts: the receipt keeps its own id, and the tracker
 * decides which submit id it stands for (delivery/carrier-ids.ts, per `receiptIdFormat`). Guessing
 * here among hex and decimal forms could credit a receipt to another message whose id this
 * process happens to remember. Bounded: the oldest entries go first.
 */
export class RecentIds {
  private readonly ids = new Map<string, string>();

  constructor(private readonly capacity = 20_000) {}

  remember(smscId: string, ourId: string): void {
    if (!smscId) return;
    this.ids.delete(smscId);
    this.ids.set(smscId, ourId);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }

  /** Our id for this SMSC id, when this process submitted it recently. */
  ourIdOf(smscId: string): string | undefined {
    return this.ids.get(smscId);
  }
}
