/**
 * The simulator's failure modes, one per number or option (as Jasmin keeps one fake SMSC per
 * failure), hostile input, and a clean shutdown.
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SMSC_RULES, SmscSimulator } from '../../src/smsc/index.js';
import { TimeoutError } from '../helpers/smpp-esme.js';
import { smscHarness } from '../helpers/smsc-harness.js';

const { setup, track } = smscHarness();

describe('default rules', () => {
  it.each([
    ['+15555550001', 0x0b],
    ['+15555550002', 0x45],
    ['+15555550003', 0x58],
  ])('%s is refused with status %i', async (number, status) => {
    const { smsc, esme } = await setup();
    const rejected: unknown[] = [];
    smsc.on('rejected', (e) => rejected.push(e));
    // On the wire without '+', as our client sends E.164 with ton=1/npi=1.
    const resp = await esme.submit({ destination_addr: number.slice(1), dest_addr_ton: 1, dest_addr_npi: 1, short_message: Buffer.from('x') });
    expect(resp.command_status).toBe(status);
    expect(smsc.parts).toHaveLength(0);
    expect(rejected).toEqual([expect.objectContaining({ commandStatus: status, reason: 'rule' })]);
  });

  it('+15555550004 never answers submit_sm, but the session stays usable', async () => {
    const { esme } = await setup();
    await expect(esme.submit({ destination_addr: '15555550004', short_message: Buffer.from('x') }, 300)).rejects.toBeInstanceOf(TimeoutError);
    expect((await esme.request('enquire_link')).command_status).toBe(0);
  });

  it.each([
    ['15555550005', 'UNDELIV', '001', 5],
    ['15555550006', 'EXPIRED', '000', 3],
    ['15555550007', 'REJECTD', '013', 8],
  ])('%s is accepted, then gets receipt %s err %s', async (number, stat, err, state) => {
    const { esme } = await setup();
    const resp = await esme.submit({ destination_addr: number, registered_delivery: 1, short_message: Buffer.from('hello') });
    expect(resp.command_status).toBe(0);
    const [receipt] = await esme.waitForDelivered(1);
    expect(receipt!.esm_class).toBe(0x04);
    expect(receipt!.receipted_message_id).toBe(resp.message_id);
    expect(receipt!.message_state).toBe(state);
    expect((receipt!.short_message as Buffer).toString('ascii')).toMatch(
      new RegExp(`^id:${resp.message_id} sub:001 dlvrd:000 submit date:\\d{10} done date:\\d{10} stat:${stat} err:${err} text:hello$`),
    );
  });

  it('a failure receipt also goes out for registered_delivery 2 (failure only)', async () => {
    const { esme } = await setup();
    await esme.submit({ destination_addr: '15555550005', registered_delivery: 2, short_message: Buffer.from('x') });
    expect((await esme.waitForDelivered(1))[0]!.message_state).toBe(5);
  });

  it('other numbers are accepted; the rule table is exported', async () => {
    const { esme } = await setup();
    expect((await esme.submit({ destination_addr: '15555550009', short_message: Buffer.from('x') })).command_status).toBe(0);
    expect(DEFAULT_SMSC_RULES.map((r) => r.match)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `+1555555000${n}`));
  });
});

describe('custom rules', () => {
  it('matches by prefix and wildcard, first match wins, and replaces the defaults', async () => {
    const { esme } = await setup({
      rules: [
        { match: '+44*', action: 'reject', commandStatus: 0x0b },
        { match: '4420*', action: 'reject', commandStatus: 0x45 },
        { match: '*', action: 'receipt', receiptStat: 'REJECTD', receiptErr: '042' },
      ],
    });
    expect((await esme.submit({ destination_addr: '442071234567', short_message: Buffer.from('x') })).command_status).toBe(0x0b);
    const resp = await esme.submit({ destination_addr: '15555550001', registered_delivery: 1, short_message: Buffer.from('x') });
    expect(resp.command_status).toBe(0);
    const [receipt] = await esme.waitForDelivered(1);
    expect(receipt!.message_state).toBe(8);
    expect((receipt!.short_message as Buffer).toString('ascii')).toContain('stat:REJECTD err:042');
  });

  it('delay answers after delayMs', async () => {
    const { esme } = await setup({ rules: [{ match: '*', action: 'delay', delayMs: 150 }] });
    const started = Date.now();
    expect((await esme.submit({ destination_addr: '15551234567', short_message: Buffer.from('x') })).command_status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('throughput cap', () => {
  it('answers ESME_RTHROTTLED above maxThroughputPerSecond, then recovers', async () => {
    // A low rate leaves 500 ms for the burst to arrive before a token comes back, even on a slow CI.
    const { smsc, esme } = await setup({ maxThroughputPerSecond: 2 });
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => esme.submit({ destination_addr: '15551234567', short_message: Buffer.from('x') })),
    );
    const statuses = responses.map((r) => r.command_status);
    expect(statuses.filter((s) => s === 0)).toHaveLength(2);
    expect(statuses.filter((s) => s === 0x58)).toHaveLength(10);
    expect(smsc.parts).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 550)); // one token back after 500 ms at 2/s
    expect((await esme.submit({ destination_addr: '15551234567', short_message: Buffer.from('x') })).command_status).toBe(0);
  });
});

describe('hostile input', () => {
  /** Writes raw bytes on a fresh connection; resolves when the server closes it. */
  function sendRaw(port: number, bytes: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', () => {});
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      setTimeout(() => socket.destroy(), 2000).unref();
    });
  }

  function header(length: number, commandId: number, seq = 1): Buffer {
    const b = Buffer.alloc(16);
    b.writeUInt32BE(length, 0);
    b.writeUInt32BE(commandId, 4);
    b.writeUInt32BE(seq, 12);
    return b;
  }

  it.each([
    ['a command_length shorter than a header', Buffer.from([0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8])],
    ['a command_length above the maximum', header(0x7fffffff, 4)],
    ['a command_length of 12, inside the header', header(12, 9).subarray(0, 12)],
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    // 17 octets of empty mandatory fields, then a TLV header whose value is missing.
    ['a TLV that runs past the PDU', Buffer.concat([header(37, 4), Buffer.alloc(17), Buffer.from([0x02, 0x0e, 0x00, 0x01])])],
  ])('closes the session on %s and keeps serving others', async (_name, bytes) => {
    const { smsc, port, esme } = await setup();
    const warnings: string[] = [];
    const logged = new SmscSimulator({ port: 0, logger: { info() {}, warn: (_o, msg) => warnings.push(msg ?? '') } });
    track(logged);
    await sendRaw(await logged.start(), bytes);
    expect(warnings.some((w) => w.includes('protocol error'))).toBe(true);
    await sendRaw(port, bytes);
    expect((await esme.request('enquire_link')).command_status).toBe(0);
    expect(smsc.sessionCount()).toBe(1);
  });

  it('answers an unknown command id with generic_nack ESME_RINVCMDID', async () => {
    const { port } = await setup();
    const reply = await new Promise<Buffer>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(header(16, 0x0000_0abc, 77)));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d);
      });
    });
    expect(reply.readUInt32BE(4)).toBe(0x8000_0000);
    expect(reply.readUInt32BE(8)).toBe(0x03);
    expect(reply.readUInt32BE(12)).toBe(77);
  });

  it.each([
    ['a UDH longer than the message', 0x40, Buffer.from([0x20, 0x00, 0x03, 1, 2, 1]), {}, 0x43],
    ['a concat seq above its total', 0x40, Buffer.from([0x05, 0x00, 0x03, 1, 2, 3, 0x41]), {}, 0x43],
    ['SAR TLVs without the total', 0, Buffer.from('x'), { sar_msg_ref_num: 1, sar_segment_seqnum: 1 }, 0xc4],
  ])('refuses %s', async (_name, esmClass, shortMessage, tlvs, status) => {
    const { smsc, esme } = await setup();
    const resp = await esme.submit({ destination_addr: '15551234567', esm_class: esmClass, short_message: shortMessage, ...tlvs });
    expect(resp.command_status).toBe(status);
    expect(smsc.parts).toHaveLength(0);
  });
});

describe('lifecycle', () => {
  it('dropAllSessions cuts every connection', async () => {
    const { smsc, esme } = await setup();
    smsc.dropAllSessions();
    expect(smsc.sessionCount()).toBe(0);
    await esme.closed();
  });

  it('stop() rejects pending waits and can run twice', async () => {
    const { smsc } = await setup();
    const waiting = smsc.waitForMessages(1, 10_000);
    await smsc.stop();
    await expect(waiting).rejects.toThrow(/stopped/);
    await smsc.stop();
  });

  it('start() fails cleanly on a port in use', async () => {
    const { port } = await setup();
    await expect(new SmscSimulator({ port }).start()).rejects.toThrow(/EADDRINUSE/);
  });

  it('stop() leaves no handles: a process that used it exits by itself', () => {
    const script = fileURLToPath(new URL('../helpers/smsc-lifecycle.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout.trim().split('\n').pop()!)).toEqual({ ok: true, handles: [] });
  });
});
