/**
 * Bytes of DATA held in memory across all sessions of this process. Each session may hold up to
 * smtp.maxMessageBytes until its final dot, and a slow client keeps it that long, so without a
 * common bound maxClients × maxMessageBytes (5 GB by default) could be held at once. A message
 * that does not fit is read to its end without being kept and answered 452 4.3.1: the sender
 * keeps it and tries again when the others have gone.
 */
export class DataBudget {
  private held = 0;

  constructor(private readonly limit: number) {}

  /** Takes `bytes` from the budget; false (nothing taken) when they do not fit. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
