import { describe, expect, it } from 'vitest';
import { toE164, type NumberValidation } from '../../src/smtp/phone-number.js';
import { splitAddress } from '../../src/smtp/policy.js';

type Row = [localPart: string, defaultRegion: string, validation: NumberValidation, expected: string | undefined];

const accepted: Row[] = [
  // E.164 with '+'
  ['+4915112345678', 'US', 'possible', '+4915112345678'],
  ['+447911123456', 'DE', 'possible', '+447911123456'],
  ['+12125551234', 'DE', 'possible', '+12125551234'],
  // '00' international prefix
  ['004915112345678', 'US', 'possible', '+4915112345678'],
  ['0015551234567', 'DE', 'possible', '+15551234567'],
  // national numbers in the default region
  ['2125551234', 'US', 'possible', '+12125551234'],
  ['015112345678', 'DE', 'possible', '+4915112345678'],
  ['030123456', 'DE', 'possible', '+4930123456'],
  ['015112345678', 'de', 'possible', '+4915112345678'], // region is case-insensitive
  // separators
  ['212-555-1234', 'US', 'possible', '+12125551234'],
  ['212.555.1234', 'US', 'possible', '+12125551234'],
  ['+1-212-555-1234', 'DE', 'possible', '+12125551234'],
  ['+44-7911-123456', 'US', 'possible', '+447911123456'],
  ['0049-151-12345678', 'US', 'possible', '+4915112345678'],
  ['0151.1234.5678', 'DE', 'possible', '+4915112345678'],
  // not a number of the default region: tried as international without the '+'
  ['4915112345678', 'US', 'possible', '+4915112345678'],
  ['447911123456', 'US', 'possible', '+447911123456'],
  // surrounding blanks are trimmed
  [' +4915112345678 ', 'US', 'possible', '+4915112345678'],
];

const refused: Row[] = [
  // garbage
  ['alice', 'US', 'possible', undefined],
  ['', 'US', 'possible', undefined],
  ['+1555abc0000', 'US', 'possible', undefined],
  ['++4915112345678', 'US', 'possible', undefined],
  ['+1 212 555 1234', 'US', 'possible', undefined], // blanks are not separators
  ['+49(151)12345678', 'US', 'possible', undefined],
  // too short
  ['12', 'US', 'possible', undefined],
  ['+49', 'US', 'possible', undefined],
  ['+123', 'US', 'possible', undefined],
  ['0049151', 'US', 'possible', undefined],
  ['1234567', 'US', 'possible', undefined],
  // national number of another region: not a possible US number, nor +0151...
  ['015112345678', 'US', 'possible', undefined],
  // too long
  ['+12125551234567', 'US', 'possible', undefined],
  ['999999999999999999999', 'US', 'possible', undefined],
  ['00491511234567890123', 'US', 'possible', undefined],
  // E.164 allows at most 15 digits, even where a country's metadata allows longer national numbers
  ['+49151123456789012', 'US', 'possible', undefined],
  ['+4915112345678901', 'US', 'possible', undefined],
  ['4915112345678901', 'US', 'possible', undefined],
  ['004915112345678901', 'US', 'possible', undefined],
  // no such country code
  ['+999123456789', 'US', 'possible', undefined],
];

const strictness: Row[] = [
  // 555-0100..0199 is a fictional range: right length, never allocated
  ['+15555550001', 'US', 'possible', '+15555550001'],
  ['+15555550001', 'US', 'strict', undefined],
  ['5555550001', 'US', 'strict', undefined],
  ['+4915112345678', 'US', 'strict', '+4915112345678'],
  ['+12125551234', 'US', 'strict', '+12125551234'],
  ['2015550123', 'US', 'strict', '+12015550123'],
  ['015112345678', 'DE', 'strict', '+4915112345678'],
  ['4915112345678', 'US', 'strict', '+4915112345678'],
  ['+442012345678', 'US', 'strict', '+442012345678'],
  // possible lengths for DE, but no allocated range (0199 ...; 151 mobiles have 11 digits)
  ['+4919912345678', 'US', 'possible', '+4919912345678'],
  ['+4919912345678', 'US', 'strict', undefined],
  ['+491511234567', 'US', 'possible', '+491511234567'],
  ['+491511234567', 'US', 'strict', undefined],
];

describe('toE164', () => {
  it.each(accepted)('%j in %s (%s) → %s', (local, region, validation, expected) => {
    expect(toE164(local, region, validation)).toBe(expected);
  });

  it.each(refused)('%j in %s (%s) is refused', (local, region, validation, expected) => {
    expect(toE164(local, region, validation)).toBe(expected);
  });

  it.each(strictness)('%j in %s (%s) → %s', (local, region, validation, expected) => {
    expect(toE164(local, region, validation)).toBe(expected);
  });

  it('always yields "+" and digits only', () => {
    for (const [local, region, validation] of [...accepted, ...strictness]) {
      const result = toE164(local, region, validation);
      if (result !== undefined) expect(result).toMatch(/^\+[1-9]\d{6,14}$/);
    }
  });
});

describe('splitAddress then toE164 (the RCPT TO path)', () => {
  const rows: [address: string, expected: { local: string; domain: string } | undefined, number: string | undefined][] = [
    ['+4915112345678@sms.localhost', { local: '+4915112345678', domain: 'sms.localhost' }, '+4915112345678'],
    // a quoted local part is the same mailbox
    ['"+4915112345678"@sms.localhost', { local: '+4915112345678', domain: 'sms.localhost' }, '+4915112345678'],
    ['"0049-151-12345678"@SMS.LocalHost', { local: '0049-151-12345678', domain: 'sms.localhost' }, '+4915112345678'],
    // quoting does not turn blanks into separators
    ['"+49 151 12345678"@sms.localhost', { local: '+49 151 12345678', domain: 'sms.localhost' }, undefined],
    // backslash escapes inside quotes are undone
    ['"\\+4915112345678"@sms.localhost', { local: '+4915112345678', domain: 'sms.localhost' }, '+4915112345678'],
    // domain lower-cased, trailing dot dropped
    ['2125551234@SMS.LOCALHOST.', { local: '2125551234', domain: 'sms.localhost' }, '+12125551234'],
    // the last '@' separates
    ['"a@b"@sms.localhost', { local: 'a@b', domain: 'sms.localhost' }, undefined],
    ['@sms.localhost', undefined, undefined],
    ['+4915112345678@', undefined, undefined],
    ['no-at-sign', undefined, undefined],
  ];

  it.each(rows)('%s', (address, expected, number) => {
    const parts = splitAddress(address);
    expect(parts).toEqual(expected);
    expect(parts ? toE164(parts.local, 'US', 'possible') : undefined).toBe(number);
  });
});
