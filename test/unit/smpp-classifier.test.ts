import { describe, expect, it } from 'vitest';
import { SmppStatusClassifier, classifySmppTimeout, classifySmppUnavailable } from '../../src/delivery/classify-smpp.js';
import { SMPP_STATUS_RULES } from '../../src/delivery/rules/smpp-status.js';
import { ConfigError } from '../../src/errors.js';

type Expected = [status: number, code: string, outcome: 'temporary' | 'permanent', dsnStatus: string, subject: 'number' | 'message' | 'carrier', retryAfterMs?: number];

/**
 * What each submit_sm_resp command_status must mean, written out by hand: a change to the rule
 * table has to change this table too. The temporary rows are the ones a message survives.
 */
const EXPECTED: Expected[] = [
  [0x01, 'ESME_RINVMSGLEN', 'permanent', '5.6.0', 'message'],
  [0x02, 'ESME_RINVCMDLEN', 'permanent', '5.6.0', 'message'],
  [0x03, 'ESME_RINVCMDID', 'permanent', '5.3.5', 'carrier'],
  [0x04, 'ESME_RINVBNDSTS', 'temporary', '4.4.1', 'carrier'],
  [0x05, 'ESME_RALYBND', 'temporary', '4.4.1', 'carrier'],
  [0x06, 'ESME_RINVPRTFLG', 'permanent', '5.6.0', 'message'],
  [0x07, 'ESME_RINVREGDLVFLG', 'permanent', '5.6.0', 'message'],
  [0x08, 'ESME_RSYSERR', 'temporary', '4.3.0', 'carrier'],
  [0x0a, 'ESME_RINVSRCADR', 'permanent', '5.1.7', 'carrier'],
  [0x0b, 'ESME_RINVDSTADR', 'permanent', '5.1.1', 'number'],
  [0x0c, 'ESME_RINVMSGID', 'permanent', '5.6.0', 'message'],
  [0x0d, 'ESME_RBINDFAIL', 'permanent', '5.7.0', 'carrier'],
  [0x0e, 'ESME_RINVPASWD', 'permanent', '5.7.0', 'carrier'],
  [0x0f, 'ESME_RINVSYSID', 'permanent', '5.7.0', 'carrier'],
  [0x14, 'ESME_RMSGQFUL', 'temporary', '4.4.5', 'carrier', 5_000],
  [0x15, 'ESME_RINVSERTYP', 'permanent', '5.6.0', 'carrier'],
  [0x33, 'ESME_RINVNUMDESTS', 'permanent', '5.5.3', 'message'],
  [0x40, 'ESME_RINVDESTFLAG', 'permanent', '5.6.0', 'message'],
  [0x43, 'ESME_RINVESMCLASS', 'permanent', '5.6.0', 'message'],
  [0x45, 'ESME_RSUBMITFAIL', 'permanent', '5.0.0', 'carrier'],
  [0x48, 'ESME_RINVSRCTON', 'permanent', '5.1.7', 'carrier'],
  [0x49, 'ESME_RINVSRCNPI', 'permanent', '5.1.7', 'carrier'],
  [0x50, 'ESME_RINVDSTTON', 'permanent', '5.1.3', 'number'],
  [0x51, 'ESME_RINVDSTNPI', 'permanent', '5.1.3', 'number'],
  [0x53, 'ESME_RINVSYSTYP', 'permanent', '5.7.0', 'carrier'],
  [0x58, 'ESME_RTHROTTLED', 'temporary', '4.4.5', 'carrier', 1_000],
  [0x61, 'ESME_RINVSCHED', 'permanent', '5.6.0', 'message'],
  [0x62, 'ESME_RINVEXPIRY', 'permanent', '5.6.0', 'message'],
  [0x64, 'ESME_RX_T_APPN', 'temporary', '4.4.0', 'carrier'],
  [0x65, 'ESME_RX_P_APPN', 'permanent', '5.0.0', 'carrier'],
  [0x66, 'ESME_RX_R_APPN', 'permanent', '5.7.1', 'carrier'],
  [0xc0, 'ESME_RINVTLVSTREAM', 'permanent', '5.6.0', 'message'],
  [0xc1, 'ESME_RTLVNOTALLWD', 'permanent', '5.6.0', 'message'],
  [0xc2, 'ESME_RINVTLVLEN', 'permanent', '5.6.0', 'message'],
  [0xc3, 'ESME_RMISSINGTLV', 'permanent', '5.6.0', 'message'],
  [0xc4, 'ESME_RINVTLVVAL', 'permanent', '5.6.0', 'message'],
  [0xfe, 'ESME_RDELIVERYFAILURE', 'permanent', '5.0.0', 'number'],
  [0x100, 'ESME_RSERTYPUNAUTH', 'permanent', '5.7.1', 'carrier'],
  [0x101, 'ESME_RPROHIBITED', 'permanent', '5.7.1', 'carrier'],
  [0x102, 'ESME_RSERTYPUNAVAIL', 'permanent', '5.7.1', 'carrier'],
  [0x103, 'ESME_RSERTYPDENIED', 'permanent', '5.7.1', 'carrier'],
  [0x104, 'ESME_RINVDCS', 'permanent', '5.6.3', 'message'],
];

const hex = (status: number) => `0x${status.toString(16).padStart(8, '0').toUpperCase()}`;

describe('SMPP command_status baseline', () => {
  const classifier = new SmppStatusClassifier();

  it.each(EXPECTED)('status %i is %s, %s, DSN %s, blames the %s', (status, code, outcome, dsnStatus, subject, retryAfterMs) => {
    const result = classifier.classify(status);
    expect(result).toEqual({
      outcome,
      code,
      dsnStatus,
      subject,
      reason: `${hex(status)} ${code}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  });

  it('has exactly one expected row per rule in the table, and no rule twice', () => {
    const statuses = SMPP_STATUS_RULES.map((r) => r.status);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect([...statuses].sort((a, b) => a - b)).toEqual(EXPECTED.map((row) => row[0]));
  });

  // The rows the brief singles out, spelled as an operator would read them.
  it.each([
    [0x08, 'temporary', '4.3.0'],
    [0x14, 'temporary', '4.4.5'],
    [0x58, 'temporary', '4.4.5'],
    [0x64, 'temporary', '4.4.0'],
    [0x0b, 'permanent', '5.1.1'],
    [0x45, 'permanent', '5.0.0'],
  ] as const)('status %i is %s (%s)', (status, outcome, dsnStatus) => {
    expect(classifier.classify(status)).toMatchObject({ outcome, dsnStatus });
  });

  it('blames the number for ESME_RINVDSTADR, so failover to another carrier is pointless', () => {
    expect(classifier.classify(0x0b)).toMatchObject({ outcome: 'permanent', dsnStatus: '5.1.1', subject: 'number' });
  });

  it('asks for a pause on throttling and a full queue', () => {
    expect(classifier.classify(0x58).retryAfterMs).toBe(1_000);
    expect(classifier.classify(0x14).retryAfterMs).toBe(5_000);
    expect(classifier.classify(0x08).retryAfterMs).toBeUndefined();
  });

  it('accepts status 0', () => {
    expect(classifier.classify(0)).toEqual({ outcome: 'accepted', code: 'ESME_ROK', dsnStatus: '2.0.0', subject: 'carrier', reason: 'accepted by SMSC' });
  });

  it.each([0x400, 0x09, 0x11, 0xff, 0x1234abcd])('treats the unknown status %i as temporary', (status) => {
    expect(classifier.classify(status)).toEqual({
      outcome: 'temporary',
      code: `SMPP_${hex(status)}`,
      dsnStatus: '4.0.0',
      subject: 'carrier',
      reason: `${hex(status)} unknown SMPP status`,
    });
  });

  it('gives 0x400 the code SMPP_0x00000400', () => {
    expect(classifier.classify(0x400).code).toBe('SMPP_0x00000400');
  });
});

describe('operator overrides (delivery.smppStatus)', () => {
  it('overrides a row by name, keeping what the override does not say', () => {
    const classifier = new SmppStatusClassifier({ ESME_RSYSERR: { outcome: 'temporary', retryAfterMs: 30_000 } });
    expect(classifier.classify(0x08)).toEqual({
      outcome: 'temporary', code: 'ESME_RSYSERR', dsnStatus: '4.3.0', subject: 'carrier', reason: '0x00000008 ESME_RSYSERR', retryAfterMs: 30_000,
    });
  });

  it('accepts a name in lower case', () => {
    const classifier = new SmppStatusClassifier({ esme_rsubmitfail: { outcome: 'temporary', dsnStatus: '4.0.0' } });
    expect(classifier.classify(0x45)).toMatchObject({ outcome: 'temporary', code: 'ESME_RSUBMITFAIL', dsnStatus: '4.0.0' });
  });

  it('overrides a row by hex, in either case', () => {
    const lower = new SmppStatusClassifier({ '0x45': { outcome: 'temporary', dsnStatus: '4.0.0' } });
    const upper = new SmppStatusClassifier({ '0X45': { outcome: 'temporary', dsnStatus: '4.0.0' } });
    expect(lower.classify(0x45)).toMatchObject({ outcome: 'temporary', code: 'ESME_RSUBMITFAIL', dsnStatus: '4.0.0' });
    expect(upper.classify(0x45)).toMatchObject({ outcome: 'temporary', code: 'ESME_RSUBMITFAIL', dsnStatus: '4.0.0' });
  });

  it('overrides a row by decimal number', () => {
    const classifier = new SmppStatusClassifier({ 11: { outcome: 'temporary', dsnStatus: '4.4.0' } });
    expect(classifier.classify(0x0b)).toMatchObject({ outcome: 'temporary', code: 'ESME_RINVDSTADR', dsnStatus: '4.4.0', subject: 'number' });
  });

  it('makes a vendor status that is not in the table permanent', () => {
    const classifier = new SmppStatusClassifier({ '0x400': { outcome: 'permanent', dsnStatus: '5.1.1', subject: 'number' } });
    expect(classifier.classify(0x400)).toMatchObject({ outcome: 'permanent', dsnStatus: '5.1.1', subject: 'number', reason: expect.stringMatching(/^0x00000400 /) });
    // other unknown statuses stay temporary
    expect(classifier.classify(0x401).outcome).toBe('temporary');
  });

  it('gives a vendor status a default DSN code matching its outcome', () => {
    const classifier = new SmppStatusClassifier({ '0x400': { outcome: 'permanent' }, '0x401': { outcome: 'temporary' } });
    expect(classifier.classify(0x400)).toMatchObject({ outcome: 'permanent', dsnStatus: '5.0.0', subject: 'carrier' });
    expect(classifier.classify(0x401)).toMatchObject({ outcome: 'temporary', dsnStatus: '4.0.0', subject: 'carrier' });
  });

  it('leaves other rows and the baseline alone', () => {
    const overridden = new SmppStatusClassifier({ ESME_RSUBMITFAIL: { outcome: 'temporary', dsnStatus: '4.0.0' } });
    expect(overridden.classify(0x0b).outcome).toBe('permanent');
    expect(new SmppStatusClassifier().classify(0x45).outcome).toBe('permanent');
  });

  it.each(['ESME_NOSUCH', 'RSUBMITFAIL', '0x', '0xZZ', 'ESME_RSUBMITFAIL '])('refuses the unknown key %j with a ConfigError naming it', (key) => {
    let error: unknown;
    try {
      new SmppStatusClassifier({ [key]: { outcome: 'temporary' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SMPP_STATUS', permanent: true });
    expect((error as Error).message).toContain(`delivery.smppStatus: unknown SMPP status "${key}"`);
  });

  it('flipping a row\'s outcome takes that outcome\'s default status and drops the pause', () => {
    expect(new SmppStatusClassifier({ ESME_RSUBMITFAIL: { outcome: 'temporary' } }).classify(0x45)).toMatchObject({ outcome: 'temporary', dsnStatus: '4.0.0' });
    const flipped = new SmppStatusClassifier({ ESME_RTHROTTLED: { outcome: 'permanent' } }).classify(0x58);
    expect(flipped).toMatchObject({ outcome: 'permanent', dsnStatus: '5.0.0' });
    expect(flipped.retryAfterMs).toBeUndefined();
    expect(new SmppStatusClassifier({ ESME_RSUBMITFAIL: { outcome: 'temporary', dsnStatus: '4.3.2' } }).classify(0x45).dsnStatus).toBe('4.3.2');
  });

  it('names a status outside the table the same way with or without an override', () => {
    expect(new SmppStatusClassifier({ '0x4ab': { outcome: 'permanent' } }).classify(0x4ab).code).toBe(new SmppStatusClassifier().classify(0x4ab).code);
  });
});

describe('no answer from the SMSC', () => {
  it('classifies a submit_sm_resp timeout as temporary: the SMSC may have the message', () => {
    expect(classifySmppTimeout(10_000)).toEqual({
      outcome: 'temporary', code: 'SMPP_TIMEOUT', dsnStatus: '4.4.1', subject: 'carrier', reason: 'no submit_sm_resp within 10000 ms',
    });
  });

  it('classifies an unreachable SMSC as temporary', () => {
    expect(classifySmppUnavailable('connect ECONNREFUSED 127.0.0.1:2775')).toEqual({
      outcome: 'temporary', code: 'SMPP_UNAVAILABLE', dsnStatus: '4.4.1', subject: 'carrier', reason: 'connect ECONNREFUSED 127.0.0.1:2775',
    });
  });
});
