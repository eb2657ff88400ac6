/** When each message of a set reached the simulator as a submit_sm, by its destination number. */
import { performance } from 'node:perf_hooks';
import type { ReceivedPart, SmscSimulator } from '../src/smsc/index.js';
import type { MessageSet } from './messages.js';

/** A relay run stops waiting for SMS when none arrived for this long. */
export const SMS_STALL_MS = 10_000;

export class SmsArrivals {
  /** performance.now() at the 'part' event, NaN until then. */
  readonly at: Float64Array;
  delivered = 0;
  first = 0;
  last = 0;
  private readonly index = new Map<string, number>();
  private expected: number;
  private onAll: (() => void) | undefined;
  private readonly listener = (part: ReceivedPart) => this.onPart(part);

  constructor(private readonly smsc: SmscSimulator, set: MessageSet, n: number) {
    this.at = new Float64Array(n).fill(NaN);
    this.expected = n;
    for (let i = 0; i < n; i++) this.index.set(set.digits(i), i);
    smsc.on('part', this.listener);
  }

  /** Resolves when `expected` SMS are in, or when none arrived for `stallMs`. */
  async wait(expected: number, stallMs: number): Promise<void> {
    this.expected = expected;
    while (this.delivered < expected) {
      const before = this.delivered;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, stallMs);
        this.onAll = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onAll = undefined;
      if (this.delivered === before) return;
    }
  }

  close(): void {
    this.smsc.off('part', this.listener);
  }

  private onPart(part: ReceivedPart): void {
    const i = this.index.get(part.destination);
    if (i === undefined || !Number.isNaN(this.at[i]!)) return;
    const now = performance.now();
    this.at[i] = now;
    if (this.delivered++ === 0) this.first = now;
    this.last = now;
    if (this.delivered >= this.expected) this.onAll?.();
  }
}
