import { describe, expect, it } from 'vitest';
import { canonicalId, receiptIdCandidates } from '../../src/delivery/carrier-ids.js';
import { classifyReceipt } from '../../src/delivery/classify-receipt.js';

describe('receipt stat/err classifier', () => {
  it.each([
    // stat, err, final, outcome, dsnStatus
    ['DELIVRD', '000', true, 'delivered', '2.0.0'],
    ['delivrd', undefined, true, 'delivered', '2.0.0'],
    ['EXPIRED', '000', true, 'permanent', '4.4.7'],
    ['EXPIRED', '027', true, 'permanent', '4.4.7'],
    ['UNDELIV', '000', true, 'permanent', '5.0.0'],
    ['UNDELIV', '001', true, 'permanent', '5.1.1'],
    ['UNDELIV', '1', true, 'permanent', '5.1.1'],
    ['UNDELIV', '013', true, 'permanent', '5.7.1'],
    ['UNDELIV', '999', true, 'permanent', '5.0.0'],
    ['REJECTD', '000', true, 'permanent', '5.7.1'],
    ['DELETED', undefined, true, 'permanent', '5.0.0'],
    ['UNKNOWN', undefined, true, 'permanent', '5.0.0'],
    ['ACCEPTD', undefined, false, 'accepted', '2.0.0'],
    ['ENROUTE', undefined, false, 'accepted', '2.0.0'],
    ['GARBAGE', undefined, false, 'accepted', '4.0.0'],
  ] as const)('stat:%s err:%s → final %s, %s, %s', (stat, err, final, outcome, dsnStatus) => {
    const c = classifyReceipt(stat, err);
    expect({ final: c.final, outcome: c.outcome, dsnStatus: c.dsnStatus }).toEqual({ final, outcome, dsnStatus });
  });

  it("reads err as a GSM MAP cause only for carriers whose err is one (an HTTP provider's 1 is its own code)", () => {
    expect(classifyReceipt('UNDELIV', '1')).toMatchObject({ dsnStatus: '5.1.1', subject: 'number' });
    expect(classifyReceipt('UNDELIV', '1', {}, false)).toMatchObject({ dsnStatus: classifyReceipt('UNDELIV', undefined).dsnStatus });
    expect(classifyReceipt('UNDELIV', '1', { '001': { dsnStatus: '5.7.1', description: 'spam' } }, false)).toMatchObject({ dsnStatus: '5.7.1' });
  });

  it('operator overrides refine err codes', () => {
    expect(classifyReceipt('UNDELIV', '034', { '034': { dsnStatus: '5.1.1', description: 'blacklisted' } })).toMatchObject({ dsnStatus: '5.1.1', reason: 'stat:UNDELIV err:034 (blacklisted)' });
  });
});

describe('carrier message ids', () => {
  it.each([
    ['00A1B2', 'a1b2'],
    ['a1b2', 'a1b2'],
    ['0', '0'],
    ['000', '0'],
    [' 12345 ', '12345'],
  ])('canonical form of %j is %j', (id, canonical) => expect(canonicalId(id)).toBe(canonical));

  it.each([
    // receipt id, format, candidates
    ['1a2b3c4d', 'hex', ['1a2b3c4d']],
    ['0439041101', 'decimal', ['1a2b3c4d']],
    ['0439041101', 'auto', ['439041101', '1a2b3c4d', '18136436993']],
    ['000000001A2B3C4D', 'auto', ['1a2b3c4d', '439041101']],
    ['msg-17', 'auto', ['msg-17']],
  ] as const)('receipt id %j with %s format is looked up as %j', (id, format, candidates) => {
    expect(receiptIdCandidates(id, format)).toEqual(candidates);
  });
});
