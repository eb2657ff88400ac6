import type { Logger } from 'pino';
import type { CarrierReceipt, ReceiptListener } from './carrier.js';

/** The listeners of a carrier's receipts, shared by the SMPP and HTTP carriers. */
export class ReceiptListeners {
  private readonly listeners: ReceiptListener[] = [];

  add(listener: ReceiptListener): void {
    this.listeners.push(listener);
  }

  /**
   * Hands a receipt to every listener; false when one of them could not store it, so that the
   * carrier asks its sender to deliver the receipt again instead of acknowledging it.
   */
  async deliver(receipt: CarrierReceipt, log: Logger): Promise<boolean> {
    let stored = true;
    for (const listener of this.listeners) {
      try {
        await listener(receipt);
      } catch (err) {
        stored = false;
        log.error({ err: (err as Error).message, carrierMessageId: receipt.carrierMessageId }, 'could not store a receipt; asking the carrier to send it again');
      }
    }
    return stored;
  }
}
