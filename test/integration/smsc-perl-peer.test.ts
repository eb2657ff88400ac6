/**
 * Interoperability with an SMPP server that shares no code with the `smpp` npm package
 * (Net::SMPP, through test/helpers/perl-smsc.pl): the bytes our raw-body client puts on the wire
 * are read back by an independent decoder exactly as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPerlSmsc, type PerlSmsc } from '../helpers/perl-smsc.js';
import { concatUdh, connectEsme, ucs2 } from '../helpers/smpp-esme.js';

let perl: PerlSmsc | null = null;

beforeAll(async () => {
  perl = await startPerlSmsc();
  if (!perl) console.warn('skipping: perl Net::SMPP not installed (apt-get install -y libnet-smpp-perl)');
});

afterAll(async () => {
  await perl?.stop();
});

describe('perl Net::SMPP peer', () => {
  it('accepts a bind and submit_sm and reports the bodies byte for byte', async (ctx) => {
    if (!perl) return ctx.skip();
    const esme = await connectEsme(perl.port);
    try {
      expect((await esme.bind()).command_status).toBe(0);
      expect((await esme.request('enquire_link')).command_status).toBe(0);

      // Counted first: a submit_sm_resp can arrive before the script's stdout line does.
      const start = perl.submits.length;
      const gsm = Buffer.concat([concatUdh(0xab, 2, 1), Buffer.from([0x48, 0x00, 0x1b, 0x65, 0x7f])]);
      const first = await esme.submit({
        source_addr: 'ALERTS',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '15551234567',
        esm_class: 0x40,
        registered_delivery: 1,
        data_coding: 0,
        short_message: gsm,
      });
      const payload = ucs2('Привет 👋 '.repeat(20));
      const second = await esme.submit({
        source_addr: '15550000000',
        destination_addr: '447700900123',
        data_coding: 8,
        message_payload: payload,
      });
      expect(first.command_status).toBe(0);
      expect(Number(second.message_id)).toBe(Number(first.message_id) + 1);

      const submits = (await perl.waitForSubmits(start + 2)).slice(start);
      expect(submits).toEqual([
        {
          destination_addr: '15551234567',
          source_addr: 'ALERTS',
          data_coding: 0,
          esm_class: 0x40,
          registered_delivery: 1,
          short_message_hex: gsm.toString('hex'),
          message_payload_hex: null,
        },
        {
          destination_addr: '447700900123',
          source_addr: '15550000000',
          data_coding: 8,
          esm_class: 0,
          registered_delivery: 0,
          short_message_hex: '',
          message_payload_hex: payload.toString('hex'),
        },
      ]);
      expect((await esme.request('unbind')).command_status).toBe(0);
      await esme.closed();
    } finally {
      await esme.destroy();
    }
  });

  it('serves a later connection after the first one went away', async (ctx) => {
    if (!perl) return ctx.skip();
    for (let i = 0; i < 2; i++) {
      const esme = await connectEsme(perl.port);
      try {
        expect((await esme.bind('bind_transmitter')).command_status).toBe(0);
        const body = Buffer.from(`connection ${i}`, 'latin1');
        const before = perl.submits.length;
        expect((await esme.submit({ destination_addr: '15551234567', short_message: body })).command_status).toBe(0);
        const submits = await perl.waitForSubmits(before + 1);
        expect(submits.at(-1)!.short_message_hex).toBe(body.toString('hex'));
      } finally {
        await esme.destroy();
      }
    }
  });
});
