import { z } from 'zod';

/**
 * Options every carrier type has: how its delivery receipts are read and how fast it may be
 * used across relay processes. Spread into each carrier schema.
 */
export const carrierDeliveryOptions = {
  /** How the carrier writes its message id in receipts, relative to its submit answer. */
  receiptIdFormat: z.enum(['auto', 'hex', 'decimal']).default('auto'),
  /** For carriers that send a receipt for the first part of a long message only. */
  receiptFirstPartOnly: z.boolean().default(false),
  /**
   * Whether final receipts come back. Without them a submitted message is not expired at the end
   * of its validity (there is nothing to wait for). Default: a transceiver bind (SMPP) or a
   * configured webhook (HTTP).
   */
  receipts: z.boolean().optional(),
  /** SMS parts per second across every relay process sharing this Redis (0 = no limit). */
  maxPartsPerSecond: z.number().min(0).default(0),
};
