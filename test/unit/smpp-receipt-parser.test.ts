import { statOfMessageState } from '../../src/delivery/receipt-stats.js';
import { describe, expect, it } from 'vitest';
import {
  decodeReceiptBody,
  describeBody,
  parseReceipt,
  type ParsedReceipt,
  type ReceiptFields,
} from '../../src/carriers/smpp/receipt-parser.js';

const rows: [string, ReceiptFields, ParsedReceipt | null][] = [
  [
    'SMPP 3.4 Appendix B text',
    { text: 'id:0123456789 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello world' },
    { id: '0123456789', stat: 'DELIVRD', err: '000', submitDate: '2501011200', doneDate: '2501011201' },
  ],
  [
    'upper-case keys and a lower-case stat',
    { text: 'ID:abc123 SUB:001 DLVRD:000 SUBMIT DATE:2501011200 DONE DATE:2501011201 STAT:undeliv ERR:021 TEXT:x' },
    { id: 'abc123', stat: 'UNDELIV', err: '021', submitDate: '2501011200', doneDate: '2501011201' },
  ],
  [
    'keys in another order, no text field',
    { text: 'stat:EXPIRED err:000 id:7f3a2 done date:2501011201 submit date:2501011200 sub:001 dlvrd:000' },
    { id: '7f3a2', stat: 'EXPIRED', err: '000', submitDate: '2501011200', doneDate: '2501011201' },
  ],
  [
    '12-digit dates with seconds',
    { text: 'id:42 sub:001 dlvrd:001 submit date:250101120059 done date:250101120130 stat:DELIVRD err:000 text:' },
    { id: '42', stat: 'DELIVRD', err: '000', submitDate: '250101120059', doneDate: '250101120130' },
  ],
  [
    'hex id with upper-case letters, Capitalised Text key',
    { text: 'id:1A2B3C4D sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 Text:hi' },
    { id: '1A2B3C4D', stat: 'DELIVRD', err: '000', submitDate: '2501011200', doneDate: '2501011201' },
  ],
  [
    'underscored date keys',
    { text: 'id:9 submit_date:2501011200 done_date:2501011201 stat:REJECTD err:0B' },
    { id: '9', stat: 'REJECTD', err: '0B', submitDate: '2501011200', doneDate: '2501011201' },
  ],
  [
    'a quoted message that itself contains keys',
    { text: 'id:1 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:stat:FAILED id:999' },
    { id: '1', stat: 'DELIVRD', err: '000', submitDate: '2501011200', doneDate: '2501011201' },
  ],
  [
    'a malformed date is left out, the rest kept',
    { text: 'id:5 submit date:25-01-01 stat:ACCEPTD' },
    { id: '5', stat: 'ACCEPTD' },
  ],
  [
    'TLVs win over the text',
    { receiptedMessageId: '1a2b', messageState: 5, text: 'id:6699 stat:DELIVRD err:000' },
    { id: '1a2b', idIsSubmitId: true, stat: 'UNDELIV', err: '000' },
  ],
  [
    'TLVs alone, empty body',
    { receiptedMessageId: 'abc', messageState: 2, text: '' },
    { id: 'abc', idIsSubmitId: true, stat: 'DELIVRD' },
  ],
  [
    'receipted_message_id read past a missing NUL',
    { receiptedMessageId: 'abc\u0004\u0027\u0001', messageState: 3, text: '' },
    { id: 'abc', idIsSubmitId: true, stat: 'EXPIRED' },
  ],
  ['no stat anywhere', { text: 'id:123 sub:001 dlvrd:001' }, null],
  ['no id anywhere', { text: 'stat:DELIVRD err:000' }, null],
  ['not a receipt at all', { text: 'Your code is 1234' }, null],
  ['an unknown message_state and no text stat', { receiptedMessageId: 'x1', messageState: 99, text: '' }, null],
];

describe('parseReceipt', () => {
  it.each(rows)('%s', (_name, fields, expected) => {
    expect(parseReceipt(fields)).toEqual(expected);
  });

  it('stays linear on a long hostile body', () => {
    const text = 'id: '.repeat(50_000) + 'stat:'.repeat(50_000);
    const started = performance.now();
    parseReceipt({ text });
    // A guard against catastrophic backtracking, which takes minutes on inputs like these: the
    // bound is far above a normal run even on a machine slowed tenfold (timings are not the point).
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});


describe('receipt bodies', () => {
  it('decodes UCS-2 receipts', () => {
    const body = Buffer.from('id:1 stat:DELIVRD', 'utf16le').swap16();
    expect(decodeReceiptBody(body, 8)).toBe('id:1 stat:DELIVRD');
    expect(decodeReceiptBody(Buffer.from('id:1'), 0)).toBe('id:1');
  });

  it('describes binary bodies as hex', () => {
    expect(describeBody(Buffer.from('stat:DELIVRD'))).toBe('stat:DELIVRD');
    expect(describeBody(Buffer.from([0x00, 0xff, 0x41]))).toBe('hex:00ff41');
  });
});

describe('message_state TLV values (SMPP 3.4 §5.2.28)', () => {
  it.each([
    [1, 'ENROUTE'], [2, 'DELIVRD'], [3, 'EXPIRED'], [4, 'DELETED'], [5, 'UNDELIV'], [6, 'ACCEPTD'], [7, 'UNKNOWN'], [8, 'REJECTD'],
    [0, undefined], [9, undefined], [1.5, undefined], [-1, undefined],
  ])('%s is %s', (state, stat) => {
    expect(statOfMessageState(state)).toBe(stat);
  });
});
