/**
 * The simulator's receipt behaviours that real SMSCs differ on, so the relay's delivery tracking
 * and bounces can be tested against each: how the receipt names the message, receipts without
 * TLVs, a receipt before submit_sm_resp, one receipt per multipart message, one failed part, and
 * per-rule receipt delays.
 */
import type { PDU } from 'smpp';
import { describe, expect, it } from 'vitest';
import { formatReceiptId, type SmscRule } from '../../src/smsc/index.js';
import { receiptOutcome } from '../../src/smsc/receipts.js';
import { concatUdh, type TestEsme } from '../helpers/smpp-esme.js';
import { smscHarness } from '../helpers/smsc-harness.js';

const { setup } = smscHarness();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts the whole receipt text; only the two dates are left open. */
function expectReceiptText(receipt: PDU, id: string, stat: string, err: string, text: string): void {
  const dlvrd = stat === 'DELIVRD' ? '001' : '000';
  expect((receipt.short_message as Buffer).toString('ascii')).toMatch(
    new RegExp(`^id:${id} sub:001 dlvrd:${dlvrd} submit date:\\d{10} done date:\\d{10} stat:${stat} err:${err} text:${text}$`),
  );
}

/** Submits the parts of one UDH-concatenated message in order; returns the message ids. */
async function submitParts(esme: TestEsme, texts: string[], registeredDelivery = 1): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, text] of texts.entries()) {
    const resp = await esme.submit({
      destination_addr: '15551234567',
      esm_class: 0x40,
      registered_delivery: registeredDelivery,
      short_message: Buffer.concat([concatUdh(0x33, texts.length, index + 1), Buffer.from(text, 'latin1')]),
    });
    expect(resp.command_status).toBe(0);
    ids.push(resp.message_id as string);
  }
  return ids;
}

describe('formatReceiptId / receiptOutcome', () => {
  it.each([
    ['1a2b3c4d', 'same', 'hex', '1a2b3c4d'],
    ['1a2b3c4d', 'decimal', 'hex', '0439041101'],
    ['ffffffff', 'decimal', 'hex', '4294967295'],
    ['00000001', 'decimal', 'hex', '0000000001'],
    ['439041101', 'decimal', 'decimal', '0439041101'],
    ['1a2b3c4d', 'padded-upper', 'hex', '000000001A2B3C4D'],
  ] as const)('%s as %s (ids %s) → %s', (id, format, idFormat, expected) => {
    expect(formatReceiptId(id, format, idFormat)).toBe(expected);
  });

  const failSecond: SmscRule = { match: '*', action: 'receipt', receiptStat: 'UNDELIV', receiptErr: '034', failPart: 2 };
  it.each([
    ['no rule', undefined, 2, 'all', { stat: 'DELIVRD', err: '000' }],
    ['failPart, another part', failSecond, 1, 'all', { stat: 'DELIVRD', err: '000' }],
    ['failPart, that part', failSecond, 2, 'all', { stat: 'UNDELIV', err: '034' }],
    ['receiptParts first, part 2', undefined, 2, 'first', undefined],
    ['receiptParts first, part 1', failSecond, 1, 'first', { stat: 'DELIVRD', err: '000' }],
  ] as const)('%s', (_name, rule, seq, parts, expected) => {
    expect(receiptOutcome(rule, seq, parts)).toEqual(expected);
  });
});

describe('receiptIdFormat', () => {
  it('same (the default) repeats the submit_sm_resp id in the text and the TLV', async () => {
    const { esme } = await setup();
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('hello') });
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, resp.message_id as string, 'DELIVRD', '000', 'hello');
    expect(receipt!.receipted_message_id).toBe(resp.message_id);
    expect(receipt!.message_state).toBe(2);
  });

  it('decimal turns a hex id into its 10-digit decimal value, in the text and the TLV', async () => {
    const { esme } = await setup({ receiptIdFormat: 'decimal' });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('hello') });
    const hexId = resp.message_id as string;
    expect(hexId).toMatch(/^[0-9a-f]{8}$/);
    const decimalId = String(Number.parseInt(hexId, 16)).padStart(10, '0');
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, decimalId, 'DELIVRD', '000', 'hello');
    expect(receipt!.receipted_message_id).toBe(decimalId);
    expect(receipt!.receipted_message_id).not.toBe(hexId);
  });

  it('decimal with decimal message ids zero-pads them to 10 digits', async () => {
    const { esme } = await setup({ messageIdFormat: 'decimal', receiptIdFormat: 'decimal' });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('hi') });
    const paddedId = (resp.message_id as string).padStart(10, '0');
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, paddedId, 'DELIVRD', '000', 'hi');
    expect(receipt!.receipted_message_id).toBe(paddedId);
  });

  it('padded-upper upper-cases the hex id and pads it to 16 characters', async () => {
    const { esme } = await setup({ receiptIdFormat: 'padded-upper' });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('hello') });
    const paddedId = `00000000${(resp.message_id as string).toUpperCase()}`;
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, paddedId, 'DELIVRD', '000', 'hello');
    expect(receipt!.receipted_message_id).toBe(paddedId);
  });
});

describe('receiptTlvs', () => {
  it('false sends the text alone, without receipted_message_id and message_state', async () => {
    const { esme } = await setup({ receiptTlvs: false, rules: [{ match: '*', action: 'receipt', receiptStat: 'UNDELIV', receiptErr: '001' }] });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('hello') });
    const [receipt] = await esme.waitForDelivered(1);
    expect(receipt!.esm_class).toBe(0x04);
    expectReceiptText(receipt!, resp.message_id as string, 'UNDELIV', '001', 'hello');
    expect(receipt!.receipted_message_id).toBeUndefined();
    expect(receipt!.message_state).toBeUndefined();
  });

  it('false combines with a decimal receipt id', async () => {
    const { esme } = await setup({ receiptTlvs: false, receiptIdFormat: 'decimal' });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('x') });
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, String(Number.parseInt(resp.message_id as string, 16)).padStart(10, '0'), 'DELIVRD', '000', 'x');
    expect(receipt!.receipted_message_id).toBeUndefined();
  });
});

describe('receipt-first', () => {
  /** Submits and records the order in which the receipt and the response arrive. */
  async function submitObservingOrder(esme: TestEsme, destination: string) {
    const order: string[] = [];
    esme.session.on('deliver_sm', () => order.push('deliver_sm'));
    const started = Date.now();
    const resp = await esme.submit({ destination_addr: destination, registered_delivery: 1, short_message: Buffer.from('early') });
    order.push('submit_sm_resp');
    return { order, resp, elapsed: Date.now() - started };
  }

  it('+15555550008 (default rule) sends DELIVRD before submit_sm_resp, which follows 300 ms later', async () => {
    const { esme } = await setup();
    const { order, resp, elapsed } = await submitObservingOrder(esme, '15555550008');
    expect(resp.command_status).toBe(0);
    expect(order).toEqual(['deliver_sm', 'submit_sm_resp']);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    const [receipt] = esme.delivered;
    expectReceiptText(receipt!, resp.message_id as string, 'DELIVRD', '000', 'early');
    expect(receipt!.receipted_message_id).toBe(resp.message_id);
    expect(receipt!.message_state).toBe(2);
  });

  it('a custom rule answers after its delayMs with its receiptStat', async () => {
    const { esme } = await setup({
      rules: [
        { match: '15551234567', action: 'receipt-first', receiptStat: 'REJECTD', receiptErr: '013', delayMs: 100 },
        { match: '15551234568', action: 'receipt-first', receiptStat: 'DELIVRD', delayMs: 600 },
      ],
    });
    // The longer delay, submitted first, answers last: each rule's own delay, not a common one
    // (compared with each other rather than with the clock, which a busy machine stretches).
    const answered: string[] = [];
    const slow = esme.submit({ destination_addr: '15551234568', registered_delivery: 1, short_message: Buffer.from('later') }).then(() => answered.push('600 ms'));
    const { order, resp, elapsed } = await submitObservingOrder(esme, '15551234567');
    answered.push('100 ms');
    await slow;
    expect(answered).toEqual(['100 ms', '600 ms']);
    expect(order[0]).toBe('deliver_sm');
    expect(order).toContain('submit_sm_resp');
    expect(elapsed).toBeGreaterThanOrEqual(90);
    const receipt = esme.delivered.find((pdu) => pdu.receipted_message_id === resp.message_id)!;
    expectReceiptText(receipt, resp.message_id as string, 'REJECTD', '013', 'early');
    expect(receipt.message_state).toBe(8);
  });

  it('still answers, without a receipt, when none was asked for', async () => {
    const { esme } = await setup();
    const resp = await esme.submit({ destination_addr: '15555550008', registered_delivery: 0, short_message: Buffer.from('x') });
    expect(resp.command_status).toBe(0);
    await sleep(50);
    expect(esme.delivered).toHaveLength(0);
  });
});

describe('+15555550007 (default rule)', () => {
  it('is accepted, then gets REJECTD err 013', async () => {
    const { esme } = await setup();
    const resp = await esme.submit({ destination_addr: '15555550007', registered_delivery: 1, short_message: Buffer.from('no') });
    expect(resp.command_status).toBe(0);
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, resp.message_id as string, 'REJECTD', '013', 'no');
    expect(receipt!.message_state).toBe(8);
  });
});

describe('receiptParts', () => {
  it('first sends one receipt for a multipart message, for its part 1', async () => {
    const { esme } = await setup({ receiptParts: 'first' });
    const ids = await submitParts(esme, ['one ', 'two ', 'three']);
    const [receipt] = await esme.waitForDelivered(1);
    expectReceiptText(receipt!, ids[0]!, 'DELIVRD', '000', 'one ');
    expect(receipt!.receipted_message_id).toBe(ids[0]);
    await sleep(100); // the other parts' receipts would have been due after 10 ms
    expect(esme.delivered).toHaveLength(1);
  });

  it('first still sends a receipt for a single-part message', async () => {
    const { esme } = await setup({ receiptParts: 'first' });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('x') });
    expect((await esme.waitForDelivered(1))[0]!.receipted_message_id).toBe(resp.message_id);
  });

  it('all (the default) sends one receipt per part', async () => {
    const { esme } = await setup();
    const ids = await submitParts(esme, ['one ', 'two ', 'three']);
    const receipts = await esme.waitForDelivered(3);
    expect(receipts.map((r) => r.receipted_message_id).sort()).toEqual([...ids].sort());
  });
});

describe('failPart', () => {
  const rules: SmscRule[] = [{ match: '*', action: 'receipt', receiptStat: 'UNDELIV', receiptErr: '034', failPart: 2 }];

  it('fails only that part; the others are DELIVRD', async () => {
    const { esme } = await setup({ rules });
    const ids = await submitParts(esme, ['one ', 'two ', 'three']);
    const receipts = await esme.waitForDelivered(3);
    const byId = new Map(receipts.map((r) => [r.receipted_message_id as string, r]));
    expectReceiptText(byId.get(ids[0]!)!, ids[0]!, 'DELIVRD', '000', 'one ');
    expectReceiptText(byId.get(ids[1]!)!, ids[1]!, 'UNDELIV', '034', 'two ');
    expectReceiptText(byId.get(ids[2]!)!, ids[2]!, 'DELIVRD', '000', 'three');
    expect(ids.map((id) => byId.get(id)!.message_state)).toEqual([2, 5, 2]);
  });

  it('with registered_delivery 2 (failures only) the message gets exactly one receipt', async () => {
    const { esme } = await setup({ rules });
    const ids = await submitParts(esme, ['one ', 'two ', 'three'], 2);
    const [receipt] = await esme.waitForDelivered(1);
    expect(receipt!.receipted_message_id).toBe(ids[1]);
    await sleep(100);
    expect(esme.delivered).toHaveLength(1);
  });
});

describe('receipt delay per rule', () => {
  it("a 'receipt' rule's delayMs replaces deliveryReceipts.delayMs for its numbers only", async () => {
    const { esme } = await setup({
      rules: [{ match: '+1555000*', action: 'receipt', receiptStat: 'DELIVRD', delayMs: 300 }],
    });
    const arrivals = new Map<string, number>();
    esme.session.on('deliver_sm', (pdu: PDU) => arrivals.set(pdu.receipted_message_id as string, Date.now()));
    const started = Date.now();
    const slow = await esme.submit({ destination_addr: '15550001234', registered_delivery: 1, short_message: Buffer.from('a') });
    const fast = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('b') });
    await esme.waitForDelivered(2);
    expect(arrivals.get(fast.message_id as string)!).toBeLessThan(arrivals.get(slow.message_id as string)!);
    expect(arrivals.get(slow.message_id as string)! - started).toBeGreaterThanOrEqual(290);
  });

  it('delayMs 0 sends the receipt right after the answer', async () => {
    const { esme } = await setup({
      deliveryReceipts: { enabled: true, delayMs: 5000 },
      rules: [{ match: '*', action: 'receipt', receiptStat: 'EXPIRED', delayMs: 0 }],
    });
    const resp = await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('x') });
    // Well before the default 5 s delay, so only the rule's delayMs 0 can have sent it.
    const [receipt] = await esme.waitForDelivered(1, 3_000);
    expectReceiptText(receipt!, resp.message_id as string, 'EXPIRED', '000', 'x');
  });
});
