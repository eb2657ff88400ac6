/**
 * The simulator's pure parts as tables: rule matching, receipt formatting, the token bucket and
 * UDH parsing. (Kept beside the simulator's socket tests; nothing here opens a socket.)
 */
import { describe, expect, it } from 'vitest';
import { parseSubmit, parseUdh } from '../../src/smsc/parts.js';
import { receiptDate, receiptText, wantsReceipt } from '../../src/smsc/receipts.js';
import { DEFAULT_SMSC_RULES, findRule, ruleMatches } from '../../src/smsc/rules.js';
import { TokenBucket } from '../../src/smsc/throttle.js';

describe('ruleMatches', () => {
  it.each([
    ['*', '15551234567', true],
    ['+15555550001', '15555550001', true],
    ['15555550001', '+15555550001', true],
    ['+15555550001', '155555500012', false],
    ['+44*', '447700900123', true],
    ['+44*', '+447700900123', true],
    ['+44*', '14470090012', false],
    ['447*', '44', false],
  ])('%s vs %s → %s', (match, destination, expected) => {
    expect(ruleMatches(match, destination)).toBe(expected);
  });

  it('finds the first matching default rule, and none for ordinary numbers', () => {
    expect(findRule(DEFAULT_SMSC_RULES, '15555550004')?.action).toBe('ignore');
    expect(findRule(DEFAULT_SMSC_RULES, '15555550009')).toBeUndefined();
  });
});

describe('receipts', () => {
  it('formats dates as YYMMDDhhmm in UTC', () => {
    expect(receiptDate(Date.UTC(2024, 0, 2, 3, 4, 59))).toBe('2401020304');
  });

  it('quotes 20 characters and masks those GSM and ASCII disagree on', () => {
    const text = receiptText({
      messageId: '0000abcd',
      stat: 'DELIVRD',
      err: '000',
      submittedAt: Date.UTC(2024, 0, 2, 3, 4),
      doneAt: Date.UTC(2024, 0, 2, 3, 5),
      text: 'a@b$c_d{é}€ 12345678901234',
    });
    expect(text).toBe(
      'id:0000abcd sub:001 dlvrd:001 submit date:2401020304 done date:2401020305 stat:DELIVRD err:000 text:a?b?c?d???? 12345678',
    );
  });

  it.each([
    [0, 'DELIVRD', false],
    [1, 'DELIVRD', true],
    [1, 'UNDELIV', true],
    [2, 'DELIVRD', false],
    [2, 'EXPIRED', true],
    [3, 'UNDELIV', false],
    [0x11, 'DELIVRD', true],
  ] as const)('registered_delivery %i, %s → %s', (registeredDelivery, stat, expected) => {
    expect(wantsReceipt(registeredDelivery, stat)).toBe(expected);
  });
});

describe('TokenBucket', () => {
  it('allows a one-second burst, then the rate', () => {
    const bucket = new TokenBucket(2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false]);
    expect(bucket.take(400)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(10_000)).toBe(false); // refill is capped at one second's worth
  });
});

describe('parseUdh / parseSubmit', () => {
  it('skips IEs it does not interpret and finds the concat IE after them', () => {
    // Port addressing IE (0x05, 4 octets), then 8-bit concat.
    const parsed = parseUdh(Buffer.from([0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, 0x01, 0x02, 0x02, 0x41]));
    expect(parsed?.concat).toEqual({ kind: 'udh8', ref: 1, total: 2, seq: 2 });
    expect(parsed?.rest).toEqual(Buffer.from([0x41]));
  });

  it.each([
    ['empty', []],
    ['UDHL past the end', [0x06, 0x00, 0x03, 1]],
    ['IE length past the UDH', [0x03, 0x00, 0x05, 1]],
    ['IE header cut', [0x01, 0x00]],
  ])('rejects a UDH that is %s', (_name, bytes) => {
    expect(parseUdh(Buffer.from(bytes))).toBeNull();
  });

  it('refuses UDH concat and SAR in one PDU', () => {
    const result = parseSubmit({
      esm_class: 0x40,
      short_message: Buffer.from([0x05, 0x00, 0x03, 1, 2, 1, 0x41]),
      sar_msg_ref_num: 1,
      sar_total_segments: 2,
      sar_segment_seqnum: 1,
    });
    expect(result).toMatchObject({ ok: false, commandStatus: 0xc4 });
  });

  it('treats a missing short_message as empty rather than failing', () => {
    expect(parseSubmit({ destination_addr: '1555' })).toMatchObject({ ok: true, part: { body: Buffer.alloc(0) } });
  });
});
