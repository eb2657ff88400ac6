/**
 * The SMSC simulator over real TCP, driven by the bare `smpp` client: binds, what arrives and how
 * it is reassembled and decoded, and delivery receipts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/smsc/index.js';
import { concatUdh, connectEsme, ucs2, type TestEsme } from '../helpers/smpp-esme.js';

let smsc: SmscSimulator;
let port: number;
const clients: TestEsme[] = [];

async function bound(kind?: Parameters<TestEsme['bind']>[0]): Promise<TestEsme> {
  const esme = await connectEsme(port);
  clients.push(esme);
  const resp = await esme.bind(kind);
  expect(resp.command_status).toBe(0);
  return esme;
}

beforeEach(async () => {
  smsc = new SmscSimulator({ port: 0, systemId: 'test', password: 'secret', deliveryReceipts: { enabled: true, delayMs: 20 } });
  port = await smsc.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await smsc.stop();
});

describe('bind', () => {
  it('accepts the configured credentials and names itself', async () => {
    const esme = await connectEsme(port);
    clients.push(esme);
    const resp = await esme.bind('bind_transceiver', { system_id: 'test', password: 'secret' });
    expect(resp.command_status).toBe(0);
    expect(resp.system_id).toBe('smtp2sms-smsc');
    expect(smsc.sessionCount()).toBe(1);
  });

  it('refuses a wrong password with ESME_RINVPASWD and a wrong system_id with ESME_RINVSYSID', async () => {
    const esme = await connectEsme(port);
    clients.push(esme);
    expect((await esme.bind('bind_transceiver', { system_id: 'test', password: 'nope' })).command_status).toBe(0x0e);
    expect((await esme.bind('bind_transceiver', { system_id: 'other', password: 'secret' })).command_status).toBe(0x0f);
    expect(smsc.sessionCount()).toBe(0);
  });

  it('answers submit_sm before bind with ESME_RINVBNDSTS and a second bind with ESME_RALYBND', async () => {
    const esme = await connectEsme(port);
    clients.push(esme);
    expect((await esme.submit({ destination_addr: '15550001111', short_message: Buffer.from('x') })).command_status).toBe(0x04);
    expect((await esme.bind()).command_status).toBe(0);
    expect((await esme.bind('bind_transmitter')).command_status).toBe(0x05);
  });

  it('does not take submit_sm from a receiver', async () => {
    const esme = await bound('bind_receiver');
    expect((await esme.submit({ destination_addr: '15550001111', short_message: Buffer.from('x') })).command_status).toBe(0x04);
  });

  it('answers enquire_link, and unbind before closing the connection', async () => {
    const esme = await bound();
    expect((await esme.request('enquire_link')).command_status).toBe(0);
    expect((await esme.request('unbind')).command_id).toBe(0x80000006);
    await esme.closed();
    expect(smsc.sessionCount()).toBe(0);
  });

  it('emits bind events', async () => {
    const events: unknown[] = [];
    smsc.on('bind', (e) => events.push(e));
    await bound('bind_transmitter');
    expect(events).toEqual([expect.objectContaining({ systemId: 'test', mode: 'transmitter' })]);
  });
});

describe('messages', () => {
  it('records a single GSM-7 part and decodes its text, escapes included', async () => {
    const esme = await bound();
    // "Hi @ 5€": '@' is septet 0x00, '€' is the escape 0x1B then 0x65.
    const body = Buffer.from([0x48, 0x69, 0x20, 0x00, 0x20, 0x35, 0x1b, 0x65]);
    const resp = await esme.submit({
      source_addr: 'ALERTS',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '15551234567',
      data_coding: 0,
      short_message: body,
    });
    expect(resp.command_status).toBe(0);
    expect(resp.message_id).toMatch(/^[0-9a-f]{8}$/);
    const [message] = await smsc.waitForMessages(1);
    expect(message).toMatchObject({ destination: '15551234567', source: 'ALERTS', text: 'Hi @ 5€', dataCoding: 0 });
    expect(smsc.parts).toHaveLength(1);
    expect(smsc.parts[0]).toMatchObject({ systemId: 'test', messageId: resp.message_id, esmClass: 0 });
    expect(smsc.parts[0]!.shortMessage.equals(body)).toBe(true);
  });

  it('reassembles a 3-part UDH message sent out of order, and only when complete', async () => {
    const esme = await bound();
    const texts = ['first part, ', 'second part, ', 'third part'];
    const messages: unknown[] = [];
    smsc.on('message', (m) => messages.push(m));
    for (const seq of [3, 1, 2]) {
      const resp = await esme.submit({
        destination_addr: '15551234567',
        esm_class: 0x40,
        short_message: Buffer.concat([concatUdh(0x2a, 3, seq), Buffer.from(texts[seq - 1]!, 'latin1')]),
      });
      expect(resp.command_status).toBe(0);
      if (seq !== 2) expect(messages).toHaveLength(0);
    }
    const [message] = await smsc.waitForMessages(1);
    expect(message!.text).toBe('first part, second part, third part');
    expect(message!.parts.map((p) => p.udh?.toString('hex'))).toEqual(['00032a0301', '00032a0302', '00032a0303']);
    expect(smsc.parts).toHaveLength(3);
  });

  it('keeps 8-bit and 16-bit references and different destinations apart', async () => {
    const esme = await bound();
    const send = (dest: string, udh: Buffer, text: string) =>
      esme.submit({ destination_addr: dest, esm_class: 0x40, short_message: Buffer.concat([udh, Buffer.from(text, 'latin1')]) });
    await send('15550000001', concatUdh(7, 2, 1), 'A1');
    await send('15550000002', concatUdh(7, 2, 1), 'B1');
    await send('15550000001', concatUdh(7, 2, 1, 16), 'C1');
    await send('15550000001', concatUdh(7, 2, 2, 16), 'C2');
    await send('15550000002', concatUdh(7, 2, 2), 'B2');
    await send('15550000001', concatUdh(7, 2, 2), 'A2');
    const messages = await smsc.waitForMessages(3);
    expect(messages.map((m) => m.text)).toEqual(['C1C2', 'B1B2', 'A1A2']);
  });

  it('reassembles a SAR message', async () => {
    const esme = await bound();
    for (const [seq, text] of [[2, 'world'], [1, 'hello ']] as const) {
      const resp = await esme.submit({
        destination_addr: '15551234567',
        short_message: Buffer.from(text, 'latin1'),
        sar_msg_ref_num: 0x1234,
        sar_total_segments: 2,
        sar_segment_seqnum: seq,
      });
      expect(resp.command_status).toBe(0);
    }
    const [message] = await smsc.waitForMessages(1);
    expect(message!.text).toBe('hello world');
    expect(message!.parts.map((p) => p.sar)).toEqual([
      { ref: 0x1234, total: 2, seq: 1 },
      { ref: 0x1234, total: 2, seq: 2 },
    ]);
  });

  it('reads the text from message_payload when short_message is empty', async () => {
    const esme = await bound();
    const long = 'x'.repeat(300);
    const resp = await esme.submit({ destination_addr: '15551234567', message_payload: Buffer.from(long, 'latin1') });
    expect(resp.command_status).toBe(0);
    const [message] = await smsc.waitForMessages(1);
    expect(message!.text).toBe(long);
    expect(message!.parts[0]!.shortMessage).toHaveLength(0);
    expect(message!.parts[0]!.messagePayload?.length).toBe(300);
  });

  it('decodes UCS-2, surrogate pairs included, and latin1 and ASCII codings', async () => {
    const esme = await bound();
    await esme.submit({ destination_addr: '15551234567', data_coding: 8, short_message: ucs2('Привет 👋') });
    await esme.submit({ destination_addr: '15551234567', data_coding: 3, short_message: Buffer.from('café', 'latin1') });
    await esme.submit({ destination_addr: '15551234567', data_coding: 1, short_message: Buffer.from('ascii @$', 'ascii') });
    const messages = await smsc.waitForMessages(3);
    expect(messages.map((m) => [m.dataCoding, m.text])).toEqual([
      [8, 'Привет 👋'],
      [3, 'café'],
      [1, 'ascii @$'],
    ]);
  });

  it('uses decimal message ids when asked, increasing', async () => {
    const decimal = new SmscSimulator({ port: 0, messageIdFormat: 'decimal' });
    const decimalPort = await decimal.start();
    try {
      const esme = await connectEsme(decimalPort);
      clients.push(esme);
      await esme.bind();
      const a = await esme.submit({ destination_addr: '15551234567', short_message: Buffer.from('a') });
      const b = await esme.submit({ destination_addr: '15551234567', short_message: Buffer.from('b') });
      expect(a.message_id).toMatch(/^\d+$/);
      expect(Number(b.message_id)).toBe(Number(a.message_id) + 1);
    } finally {
      await decimal.stop();
    }
  });

  it('reset() forgets what arrived', async () => {
    const esme = await bound();
    await esme.submit({ destination_addr: '15551234567', short_message: Buffer.from('a') });
    await smsc.waitForMessages(1);
    smsc.reset();
    expect(smsc.parts).toHaveLength(0);
    expect(smsc.messages).toHaveLength(0);
    await expect(smsc.waitForMessages(1, 50)).rejects.toThrow(/0 arrived/);
  });
});

describe('delivery receipts', () => {
  const RECEIPT_TEXT =
    /^id:([0-9a-f]{8}) sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:(.*)$/;

  it('sends DELIVRD to the transceiver with receipted_message_id and message_state', async () => {
    const esme = await bound();
    const resp = await esme.submit({
      source_addr: 'ALERTS',
      destination_addr: '15551234567',
      registered_delivery: 1,
      short_message: Buffer.from('Disk full on db1, 98% used', 'latin1'),
    });
    const [receipt] = await esme.waitForDelivered(1);
    expect(receipt!.esm_class).toBe(0x04);
    expect(receipt!.source_addr).toBe('15551234567');
    expect(receipt!.destination_addr).toBe('ALERTS');
    expect(receipt!.receipted_message_id).toBe(resp.message_id);
    expect(receipt!.message_state).toBe(2);
    const text = (receipt!.short_message as Buffer).toString('ascii');
    expect(text).toMatch(RECEIPT_TEXT);
    expect(RECEIPT_TEXT.exec(text)![1]).toBe(resp.message_id);
    expect(RECEIPT_TEXT.exec(text)![2]).toBe('Disk full on db1, 98');
  });

  it('sends one receipt per part', async () => {
    const esme = await bound();
    for (const seq of [1, 2]) {
      await esme.submit({
        destination_addr: '15551234567',
        esm_class: 0x40,
        registered_delivery: 1,
        short_message: Buffer.concat([concatUdh(9, 2, seq), Buffer.from('part')]),
      });
    }
    const receipts = await esme.waitForDelivered(2);
    expect(new Set(receipts.map((r) => r.receipted_message_id)).size).toBe(2);
  });

  it('sends none unless registered_delivery asks for it', async () => {
    const esme = await bound();
    await esme.submit({ destination_addr: '15551234567', registered_delivery: 0, short_message: Buffer.from('a') });
    await esme.submit({ destination_addr: '15551234567', registered_delivery: 2, short_message: Buffer.from('b') });
    await new Promise((r) => setTimeout(r, 150));
    expect(esme.delivered).toHaveLength(0);
  });

  it('routes receipts for a transmitter to a receiver of the same system_id, holding them until it binds', async () => {
    const tx = await bound('bind_transmitter');
    const resp = await tx.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('a') });
    await new Promise((r) => setTimeout(r, 80)); // the receipt is due before any receiver exists
    const rx = await bound('bind_receiver');
    const [receipt] = await rx.waitForDelivered(1);
    expect(receipt!.receipted_message_id).toBe(resp.message_id);
    expect(tx.delivered).toHaveLength(0);
  });
});
