/**
 * Error injection by destination number, so an operator can try each failure from swaks or
 * `mail` without a carrier account, and each integration test can pick one failure mode (the
 * approach of Jasmin's one-fake-SMSC-per-failure test servers, chosen by number instead of class).
 */
import { SmppStatus } from './status.js';
import type { SmscRule } from './types.js';

/**
 * The built-in rules, active unless `rules` is given. Numbers are fictional US "555" numbers that
 * libphonenumber-js accepts as possible, so they pass the relay's own recipient validation.
 *
 * | destination   | behaviour                                                     |
 * | ------------- | ------------------------------------------------------------- |
 * | +15555550001  | submit_sm_resp ESME_RINVDSTADR (0x0B): permanent, bad number  |
 * | +15555550002  | submit_sm_resp ESME_RSUBMITFAIL (0x45)                        |
 * | +15555550003  | submit_sm_resp ESME_RTHROTTLED (0x58): slow down and retry    |
 * | +15555550004  | no submit_sm_resp at all: the client's response timeout fires |
 * | +15555550005  | accepted, then receipt stat:UNDELIV err:001                   |
 * | +15555550006  | accepted, then receipt stat:EXPIRED err:000                   |
 * | +15555550007  | accepted, then receipt stat:REJECTD err:013                   |
 * | +15555550008  | receipt stat:DELIVRD first, submit_sm_resp 300 ms later       |
 * | anything else | accepted, then receipt stat:DELIVRD (when one was asked for)  |
 */
export const DEFAULT_SMSC_RULES: readonly SmscRule[] = Object.freeze([
  { match: '+15555550001', action: 'reject', commandStatus: SmppStatus.ESME_RINVDSTADR },
  { match: '+15555550002', action: 'reject', commandStatus: SmppStatus.ESME_RSUBMITFAIL },
  { match: '+15555550003', action: 'reject', commandStatus: SmppStatus.ESME_RTHROTTLED },
  { match: '+15555550004', action: 'ignore' },
  { match: '+15555550005', action: 'receipt', receiptStat: 'UNDELIV', receiptErr: '001' },
  { match: '+15555550006', action: 'receipt', receiptStat: 'EXPIRED', receiptErr: '000' },
  { match: '+15555550007', action: 'receipt', receiptStat: 'REJECTD', receiptErr: '013' },
  { match: '+15555550008', action: 'receipt-first', receiptStat: 'DELIVRD' },
]);

function stripPlus(number: string): string {
  return number.startsWith('+') ? number.slice(1) : number;
}

/** True when `rule.match` covers `destination`; see SmscRule for the match syntax. */
export function ruleMatches(match: string, destination: string): boolean {
  if (match === '*') return true;
  const wanted = stripPlus(match);
  const actual = stripPlus(destination);
  if (wanted.endsWith('*')) return actual.startsWith(wanted.slice(0, -1));
  return actual === wanted;
}

/** The first rule that covers `destination`, or undefined for normal acceptance. */
export function findRule(rules: readonly SmscRule[], destination: string): SmscRule | undefined {
  return rules.find((rule) => ruleMatches(rule.match, destination));
}
