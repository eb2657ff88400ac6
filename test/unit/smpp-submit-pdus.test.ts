import { describe, expect, it } from 'vitest';
import type { OutboundSms } from '../../src/carriers/carrier.js';
import {
  buildSubmitParts,
  destinationAddress,
  LOCAL_STATUS,
  smppAbsoluteTime,
  sourceAddressType,
} from '../../src/carriers/smpp/submit-pdus.js';
import { buildSms, type ConcatMethod } from '../../src/sms/index.js';

const options = { concat: 'udh8' as ConcatMethod, gsmDataCoding: 0, sourceTon: undefined, sourceNpi: undefined };

function sms(text: string, concat: ConcatMethod = 'udh8', extra: Partial<OutboundSms> = {}): OutboundSms {
  return { id: 'm1', to: '+15551234567', from: 'ALERTS', sms: buildSms(text, { maxSegments: 5, concat }), wantReceipt: true, concatRef: 0x1ff, ...extra };
}

describe('sourceAddressType', () => {
  it.each([
    ['ALERTS', { ton: 5, npi: 0, addr: 'ALERTS' }],
    ['Acme 24', { ton: 5, npi: 0, addr: 'Acme 24' }],
    ['+4915112345678', { ton: 1, npi: 1, addr: '4915112345678' }],
    ['12345', { ton: 3, npi: 0, addr: '12345' }],
    ['15551234567', { ton: 1, npi: 1, addr: '15551234567' }],
  ])('%s', (from, expected) => {
    expect(sourceAddressType(from)).toEqual(expected);
  });
});

describe('destinationAddress', () => {
  it.each([
    ['+15551234567', '15551234567'],
    ['15551234567', '15551234567'],
    ['+1 555', null],
    ['', null],
    ['+123456789012345678901', null],
  ])('%s', (to, expected) => {
    expect(destinationAddress(to)).toBe(expected);
  });
});

describe('smppAbsoluteTime', () => {
  it('writes YYMMDDhhmmsstnnp in UTC', () => {
    expect(smppAbsoluteTime(Date.UTC(2031, 4, 6, 7, 8, 9, 345))).toBe('310506070809300+');
    expect(smppAbsoluteTime(Date.UTC(2000, 0, 1))).toBe('000101000000000+');
  });
});

describe('buildSubmitParts', () => {
  it('sets every field explicitly for a single part', () => {
    const built = buildSubmitParts(sms('hi', 'udh8', { wantReceipt: false }), options);
    expect(built).toEqual({
      ok: true,
      parts: [{
        seq: 1,
        params: {
          service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'ALERTS',
          dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '15551234567',
          esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '',
          registered_delivery: 0, replace_if_present_flag: 0, data_coding: 0, sm_default_msg_id: 0,
          short_message: Buffer.from('hi'),
        },
      }],
    });
  });

  it('lets configured TON/NPI override the guess', () => {
    const built = buildSubmitParts(sms('hi'), { ...options, sourceTon: 0, sourceNpi: 9 });
    expect(built.ok && built.parts[0]!.params).toMatchObject({ source_addr_ton: 0, source_addr_npi: 9 });
  });

  it('masks the concat reference to the header size', () => {
    const long = 'x'.repeat(200);
    const udh8 = buildSubmitParts(sms(long), options);
    const sar = buildSubmitParts(sms(long, 'sar'), { ...options, concat: 'sar' });
    expect(udh8.ok && (udh8.parts[0]!.params.short_message as Buffer)[3]).toBe(0xff);
    expect(sar.ok && sar.parts[1]!.params).toMatchObject({ sar_msg_ref_num: 0xff, sar_total_segments: 2, sar_segment_seqnum: 2 }); // 8-bit, like udh8's sizing
  });

  it('refuses what an SMSC would refuse, with its status', () => {
    expect(buildSubmitParts(sms('hi', 'udh8', { to: 'abc' }), options)).toMatchObject({ ok: false, commandStatus: LOCAL_STATUS.ESME_RINVDSTADR });
    expect(buildSubmitParts(sms('hi', 'udh8', { from: 'x'.repeat(21) }), options)).toMatchObject({ ok: false, commandStatus: LOCAL_STATUS.ESME_RINVSRCADR });
    const oversized = sms('hi');
    oversized.sms = { ...oversized.sms, segments: [{ text: '', body: Buffer.alloc(255) }] };
    expect(buildSubmitParts(oversized, options)).toMatchObject({ ok: false, commandStatus: LOCAL_STATUS.ESME_RINVMSGLEN });
    const empty = sms('hi');
    empty.sms = { ...empty.sms, segments: [] };
    expect(buildSubmitParts(empty, options)).toMatchObject({ ok: false, commandStatus: LOCAL_STATUS.ESME_RINVMSGLEN });
  });

  it('accepts a short_message of exactly 254 octets', () => {
    const full = sms('hi');
    full.sms = { ...full.sms, segments: [{ text: '', body: Buffer.alloc(254) }] };
    expect(buildSubmitParts(full, options).ok).toBe(true);
  });
});
