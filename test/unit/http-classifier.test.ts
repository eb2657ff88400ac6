/** The HTTP reply classifier: the status baseline row by row, rule matching, Retry-After. */
import { describe, expect, it } from 'vitest';
import { HttpReplyClassifier, classifyHttpTimeout, classifyHttpUnavailable, classifyTooManySegments, parseRetryAfter, type HttpReply } from '../../src/delivery/classify-http.js';
import { HTTP_STATUS_RULES, type HttpErrorRule } from '../../src/delivery/rules/http-status.js';

type Row = [status: number, code: string, outcome: 'temporary' | 'permanent', dsnStatus: string, subject: 'number' | 'message' | 'carrier', retryAfterMs?: number];

/** Written out by hand: changing the baseline means changing this table. */
const BASELINE: Row[] = [
  [400, 'HTTP_400_BAD_REQUEST', 'permanent', '5.0.0', 'carrier'],
  [401, 'HTTP_401_UNAUTHORIZED', 'permanent', '5.7.0', 'carrier'],
  [402, 'HTTP_402_PAYMENT_REQUIRED', 'permanent', '5.7.0', 'carrier'],
  [403, 'HTTP_403_FORBIDDEN', 'permanent', '5.7.1', 'carrier'],
  [404, 'HTTP_404_NOT_FOUND', 'permanent', '5.0.0', 'carrier'],
  [405, 'HTTP_405_METHOD_NOT_ALLOWED', 'permanent', '5.0.0', 'carrier'],
  [408, 'HTTP_408_REQUEST_TIMEOUT', 'temporary', '4.4.1', 'carrier'],
  [409, 'HTTP_409_CONFLICT', 'temporary', '4.0.0', 'carrier'],
  [413, 'HTTP_413_PAYLOAD_TOO_LARGE', 'permanent', '5.3.4', 'message'],
  [415, 'HTTP_415_UNSUPPORTED_MEDIA_TYPE', 'permanent', '5.0.0', 'carrier'],
  [422, 'HTTP_422_UNPROCESSABLE_ENTITY', 'permanent', '5.0.0', 'carrier'],
  [425, 'HTTP_425_TOO_EARLY', 'temporary', '4.4.5', 'carrier', 1_000],
  [429, 'HTTP_429_TOO_MANY_REQUESTS', 'temporary', '4.4.5', 'carrier', 1_000],
  [500, 'HTTP_500_INTERNAL_SERVER_ERROR', 'temporary', '4.3.0', 'carrier'],
  [502, 'HTTP_502_BAD_GATEWAY', 'temporary', '4.4.1', 'carrier'],
  [503, 'HTTP_503_SERVICE_UNAVAILABLE', 'temporary', '4.3.0', 'carrier', 1_000],
  [504, 'HTTP_504_GATEWAY_TIMEOUT', 'temporary', '4.4.1', 'carrier'],
  // By class, for statuses without a row of their own.
  [418, 'HTTP_418_CLIENT_ERROR', 'permanent', '5.0.0', 'carrier'],
  [451, 'HTTP_451_CLIENT_ERROR', 'permanent', '5.0.0', 'carrier'],
  [507, 'HTTP_507_SERVER_ERROR', 'temporary', '4.3.0', 'carrier'],
  [302, 'HTTP_302_UNRECOGNISED_REPLY', 'temporary', '4.0.0', 'carrier'],
  [200, 'HTTP_200_UNRECOGNISED_REPLY', 'temporary', '4.0.0', 'carrier'],
];

const reply = (status: number, doc?: unknown, text = '', headers: HttpReply['headers'] = {}): HttpReply => ({ status, doc, text, headers });

describe('status baseline', () => {
  const classifier = new HttpReplyClassifier();
  it.each(BASELINE)('%i → %s', (status, code, outcome, dsnStatus, subject, retryAfterMs) => {
    const c = classifier.classify(reply(status));
    expect({ code: c.code, outcome: c.outcome, dsnStatus: c.dsnStatus, subject: c.subject, retryAfterMs: c.retryAfterMs }).toEqual({ code, outcome, dsnStatus, subject, retryAfterMs });
  });

  it('has a table row for every rule', () => {
    for (const rule of HTTP_STATUS_RULES) expect(BASELINE.some((row) => row[0] === rule.status)).toBe(true);
  });

  it('says what failed in the provider words when it has them', () => {
    expect(new HttpReplyClassifier([], ['error.message', '$body']).classify(reply(400, { error: { message: ' bad\n  "to"\u0000 ' } })).reason).toBe('HTTP 400: bad "to"');
    expect(new HttpReplyClassifier([], ['$body']).classify(reply(503, undefined, 'x'.repeat(500))).reason).toHaveLength('HTTP 503: '.length + 200);
    expect(classifier.classify(reply(404)).reason).toBe('HTTP 404 not found');
  });
});

describe('rules come before the baseline, first match wins', () => {
  const rules: HttpErrorRule[] = [
    { status: [400], field: 'code', equals: ['21211'], outcome: 'permanent', code: 'BAD_TO', dsnStatus: '5.1.1', subject: 'number' },
    { field: 'messages[*].status', equals: ['1'], outcome: 'temporary', code: 'THROTTLED', dsnStatus: '4.4.5', subject: 'carrier', retryAfterMs: 2_000 },
    { status: [403], field: '$body', contains: 'not routable', outcome: 'permanent', code: 'NO_ROUTE', dsnStatus: '5.4.4', subject: 'carrier' },
    { field: 'state', equals: ['Rejected'], outcome: 'permanent', code: 'REJECTED', dsnStatus: '5.7.1', subject: 'carrier' },
  ];
  const classifier = new HttpReplyClassifier(rules);
  it.each([
    ['a code on its status', reply(400, { code: 21211 }), 'BAD_TO'],
    ['the same code on another status', reply(500, { code: 21211 }), 'HTTP_500_INTERNAL_SERVER_ERROR'],
    ['any element of a [*] path', reply(200, { messages: [{ status: '0' }, { status: '1' }] }), 'THROTTLED'],
    ['text of the body, case-insensitive', reply(403, undefined, 'Not routable. Do not try again.'), 'NO_ROUTE'],
    ['equals, case-insensitive', reply(200, { state: 'REJECTED' }), 'REJECTED'],
    ['no match: the baseline', reply(403, undefined, 'Authorization failed'), 'HTTP_403_FORBIDDEN'],
  ])('%s', (_what, r, code) => {
    expect(classifier.classify(r).code).toBe(code);
  });

  it("takes a rule's pause unless the reply says Retry-After", () => {
    expect(classifier.classify(reply(200, { messages: [{ status: '1' }] })).retryAfterMs).toBe(2_000);
    expect(classifier.classify(reply(200, { messages: [{ status: '1' }] }, '', { 'retry-after': '9' })).retryAfterMs).toBe(9_000);
  });

  it('never gives a permanent failure a pause', () => {
    expect(classifier.classify(reply(400, { code: 21211 }, '', { 'retry-after': '9' })).retryAfterMs).toBeUndefined();
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2015-10-21T07:28:00Z');
  it.each([
    ['7', 7_000],
    ['0', 0],
    ['  120 ', 120_000],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['999999', 3_600_000],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('failures without a reply', () => {
  it.each([
    [classifyHttpTimeout(10_000), 'HTTP_TIMEOUT', 'temporary', '4.4.1', 'carrier'],
    [classifyHttpUnavailable('ECONNREFUSED'), 'HTTP_UNAVAILABLE', 'temporary', '4.4.1', 'carrier'],
    [classifyTooManySegments(12, 10), 'HTTP_TOO_MANY_SEGMENTS', 'permanent', '5.3.4', 'carrier'],
  ])('%o', (c, code, outcome, dsnStatus, subject) => {
    expect({ code: c.code, outcome: c.outcome, dsnStatus: c.dsnStatus, subject: c.subject }).toEqual({ code, outcome, dsnStatus, subject });
  });
});
