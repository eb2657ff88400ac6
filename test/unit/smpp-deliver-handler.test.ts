import { pino } from 'pino';
import type { PDU } from 'smpp';
import { describe, expect, it } from 'vitest';
import type { CarrierReceipt } from '../../src/carriers/carrier.js';
import { DeliverHandler } from '../../src/carriers/smpp/deliver-handler.js';
import { RecentIds } from '../../src/carriers/smpp/recent-ids.js';

const receipt = (id: string): PDU => ({
  command: 'deliver_sm',
  esm_class: 0x04,
  data_coding: 0,
  short_message: Buffer.from(`id:${id} sub:001 dlvrd:001 submit date:2611231200 done date:2611231201 stat:DELIVRD err:000 text:x`),
}) as unknown as PDU;

describe('SMPP receipts on their way to the tracker', () => {
  it('keep their own id, even when it is the hex or decimal form of another id this process remembers', async () => {
    const recent = new RecentIds();
    recent.remember('10', 'job-A'); // hex 0x10 = 16
    const handler = new DeliverHandler('primary', recent, pino({ level: 'silent' }));
    const seen: CarrierReceipt[] = [];
    handler.onReceipt(async (r) => void seen.push(r));
    expect(await handler.handle(receipt('16'))).toBe(true);
    expect(await handler.handle(receipt('10'))).toBe(true);
    expect(seen.map((r) => r.carrierMessageId)).toEqual(['16', '10']);
    expect(recent.ourIdOf('10')).toBe('job-A');
    expect(recent.ourIdOf('16')).toBeUndefined();
  });
});
