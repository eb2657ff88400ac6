/**
 * Every provider error rule of every preset, one row each, written by hand from the provider's
 * documented error codes: a change to a preset's table has to change this one too.
 */
import { describe, expect, it } from 'vitest';
import { httpCarrierSchema, resolveHttpSpec } from '../../src/carriers/http/index.js';
import { HttpReplyClassifier } from '../../src/delivery/classify-http.js';

const CONFIGS: Record<string, Record<string, unknown>> = {
  twilio: { accountSid: 'AC1', authToken: 't' },
  vonage: { apiKey: 'k', apiSecret: 's' },
  infobip: { baseUrl: 'https://x.api.infobip.com', apiKey: 'k' },
  plivo: { authId: 'MA1', authToken: 't' },
  telnyx: { apiKey: 'k' },
  sinch: { servicePlanId: 'p', apiToken: 't' },
  messagebird: { apiKey: 'k' },
  clicksend: { username: 'u', apiKey: 'k' },
  kannel: { username: 'u', password: 'p' },
};

function classifier(preset: string): HttpReplyClassifier {
  const spec = resolveHttpSpec(httpCarrierSchema.parse({ type: 'http', preset, ...CONFIGS[preset] }));
  return new HttpReplyClassifier(spec.response.errors, spec.response.reason);
}

const twilio = (code: number, status = 400) => [status, { code, message: 'm', status }] as const;
const vonage = (status: string) => [200, { 'message-count': '1', messages: [{ status, 'error-text': 'e' }] }] as const;
const infobip = (groupName: string, name: string) => [200, { messages: [{ to: '1', status: { groupName, name }, messageId: 'm' }] }] as const;
const telnyx = (code: string, status = 400) => [status, { errors: [{ code, title: 't' }] }] as const;
const mb = (code: number, parameter: string | null = null, status = 422) => [status, { errors: [{ code, description: 'd', parameter }] }] as const;
const cs = (status: string) => [200, { response_code: 'SUCCESS', data: { messages: [{ status }] } }] as const;
const kannel = (status: number, text: string) => [status, undefined, text] as const;

type Row = [preset: string, reply: readonly [number, unknown, string?], code: string, outcome: 'temporary' | 'permanent', subject: 'number' | 'message' | 'carrier', dsn: string];

const ROWS: Row[] = [
  ['twilio', twilio(21211), 'TWILIO_21211', 'permanent', 'number', '5.1.1'],
  ['twilio', twilio(21614), 'TWILIO_21614', 'permanent', 'number', '5.1.1'],
  ['twilio', twilio(21635), 'TWILIO_21635', 'permanent', 'number', '5.1.1'], // a landline
  ['twilio', twilio(21610), 'TWILIO_21610', 'permanent', 'number', '5.7.1'],
  ['twilio', twilio(21612), 'TWILIO_21612', 'permanent', 'carrier', '5.4.4'],
  ['twilio', twilio(21408), 'TWILIO_21408', 'permanent', 'carrier', '5.7.1'],
  ['twilio', twilio(21606), 'TWILIO_21606', 'permanent', 'carrier', '5.1.7'],
  ['twilio', twilio(21212), 'TWILIO_21212', 'permanent', 'carrier', '5.1.7'],
  ['twilio', twilio(21608), 'TWILIO_21608', 'permanent', 'carrier', '5.7.1'],
  ['twilio', twilio(20003, 401), 'TWILIO_20003', 'permanent', 'carrier', '5.7.0'],
  ['twilio', twilio(21602), 'TWILIO_21602', 'permanent', 'message', '5.6.0'],
  ['twilio', twilio(21617), 'TWILIO_21617', 'permanent', 'message', '5.3.4'],
  ['twilio', twilio(20429, 429), 'TWILIO_20429', 'temporary', 'carrier', '4.4.5'],
  ['twilio', twilio(30001), 'TWILIO_30001', 'temporary', 'carrier', '4.4.5'],
  ['vonage', vonage('1'), 'VONAGE_THROTTLED', 'temporary', 'carrier', '4.4.5'],
  ['vonage', vonage('2'), 'VONAGE_MISSING_PARAMS', 'permanent', 'carrier', '5.5.2'],
  ['vonage', vonage('3'), 'VONAGE_INVALID_PARAMS', 'permanent', 'carrier', '5.5.2'],
  ['vonage', vonage('4'), 'VONAGE_INVALID_CREDENTIALS', 'permanent', 'carrier', '5.7.0'],
  ['vonage', vonage('5'), 'VONAGE_INTERNAL_ERROR', 'temporary', 'carrier', '4.3.0'],
  ['vonage', vonage('6'), 'VONAGE_INVALID_MESSAGE', 'permanent', 'number', '5.1.1'],
  ['vonage', vonage('7'), 'VONAGE_NUMBER_BARRED', 'permanent', 'number', '5.7.1'],
  ['vonage', vonage('8'), 'VONAGE_ACCOUNT_BARRED', 'permanent', 'carrier', '5.7.0'],
  ['vonage', vonage('9'), 'VONAGE_QUOTA_EXCEEDED', 'permanent', 'carrier', '5.7.0'],
  ['vonage', vonage('10'), 'VONAGE_TOO_MANY_BINDS', 'temporary', 'carrier', '4.4.5'],
  ['vonage', vonage('11'), 'VONAGE_ACCOUNT_NOT_ENABLED', 'permanent', 'carrier', '5.7.0'],
  ['vonage', vonage('12'), 'VONAGE_MESSAGE_TOO_LONG', 'permanent', 'message', '5.3.4'],
  ['vonage', vonage('14'), 'VONAGE_INVALID_SIGNATURE', 'permanent', 'carrier', '5.7.0'],
  ['vonage', vonage('15'), 'VONAGE_INVALID_SENDER', 'permanent', 'carrier', '5.1.7'],
  ['vonage', vonage('22'), 'VONAGE_INVALID_NETWORK', 'permanent', 'carrier', '5.4.4'],
  ['vonage', vonage('23'), 'VONAGE_INVALID_CALLBACK', 'permanent', 'carrier', '5.0.0'],
  ['vonage', vonage('29'), 'VONAGE_NOT_WHITELISTED', 'permanent', 'carrier', '5.7.1'],
  ['vonage', vonage('32'), 'VONAGE_SIGNATURE_AND_SECRET', 'permanent', 'carrier', '5.7.0'],
  ['vonage', vonage('33'), 'VONAGE_NUMBER_DEACTIVATED', 'permanent', 'number', '5.1.1'],
  ['vonage', vonage('99'), 'HTTP_200_UNRECOGNISED_REPLY', 'temporary', 'carrier', '4.0.0'],
  ['infobip', infobip('REJECTED', 'REJECTED_NOT_ENOUGH_CREDITS'), 'INFOBIP_NOT_ENOUGH_CREDITS', 'permanent', 'carrier', '5.7.0'],
  ['infobip', infobip('REJECTED', 'REJECTED_DESTINATION'), 'INFOBIP_INVALID_DESTINATION', 'permanent', 'number', '5.1.1'],
  ['infobip', infobip('REJECTED', 'REJECTED_PREFIX_MISSING'), 'INFOBIP_INVALID_DESTINATION', 'permanent', 'number', '5.1.1'],
  ['infobip', infobip('REJECTED', 'REJECTED_DND'), 'INFOBIP_DND', 'permanent', 'number', '5.7.1'],
  ['infobip', infobip('REJECTED', 'REJECTED_SENDER'), 'INFOBIP_SENDER', 'permanent', 'carrier', '5.1.7'],
  ['infobip', infobip('REJECTED', 'REJECTED_ROUTE_NOT_AVAILABLE'), 'INFOBIP_ROUTE', 'permanent', 'carrier', '5.4.4'],
  ['infobip', infobip('REJECTED', 'REJECTED_SOMETHING_NEW'), 'INFOBIP_REJECTED', 'permanent', 'carrier', '5.7.1'],
  ['plivo', [400, { api_id: 'a', error: 'invalid dst parameter' }], 'PLIVO_INVALID_DST', 'permanent', 'number', '5.1.1'],
  ['plivo', [400, { api_id: 'a', error: 'invalid src parameter' }], 'HTTP_400_BAD_REQUEST', 'permanent', 'carrier', '5.0.0'],
  ['telnyx', telnyx('10002'), 'TELNYX_INVALID_NUMBER', 'permanent', 'number', '5.1.1'],
  ['telnyx', telnyx('40310'), 'TELNYX_INVALID_NUMBER', 'permanent', 'number', '5.1.1'],
  ['telnyx', telnyx('40001'), 'TELNYX_NOT_ROUTABLE', 'permanent', 'number', '5.1.1'],
  ['telnyx', telnyx('40300'), 'TELNYX_STOPPED', 'permanent', 'number', '5.7.1'],
  ['telnyx', telnyx('40305'), 'TELNYX_INVALID_FROM', 'permanent', 'carrier', '5.1.7'],
  ['telnyx', telnyx('10009', 401), 'TELNYX_AUTHENTICATION', 'permanent', 'carrier', '5.7.0'],
  ['telnyx', telnyx('10010', 403), 'TELNYX_AUTHORIZATION', 'permanent', 'carrier', '5.7.1'],
  ['telnyx', telnyx('10011', 429), 'TELNYX_TOO_MANY_REQUESTS', 'temporary', 'carrier', '4.4.5'],
  ['telnyx', telnyx('10007', 500), 'TELNYX_UNEXPECTED', 'temporary', 'carrier', '4.3.0'],
  ['sinch', [400, { code: 'syntax_invalid_parameter_format', text: 't' }], 'HTTP_400_BAD_REQUEST', 'permanent', 'carrier', '5.0.0'],
  ['messagebird', mb(9, 'recipients'), 'MESSAGEBIRD_RECIPIENTS', 'permanent', 'number', '5.1.1'],
  ['messagebird', mb(2, 'access_key', 401), 'MESSAGEBIRD_NOT_ALLOWED', 'permanent', 'carrier', '5.7.0'],
  ['messagebird', mb(25), 'MESSAGEBIRD_NO_BALANCE', 'permanent', 'carrier', '5.7.0'],
  ['messagebird', mb(99, null, 500), 'MESSAGEBIRD_INTERNAL_ERROR', 'temporary', 'carrier', '4.3.0'],
  ['clicksend', cs('INVALID_RECIPIENT'), 'CLICKSEND_INVALID_RECIPIENT', 'permanent', 'number', '5.1.1'],
  ['clicksend', cs('INSUFFICIENT_CREDIT'), 'CLICKSEND_INSUFFICIENT_CREDIT', 'permanent', 'carrier', '5.7.0'],
  ['clicksend', cs('COUNTRY_NOT_ENABLED'), 'CLICKSEND_COUNTRY_NOT_ENABLED', 'permanent', 'carrier', '5.7.1'],
  ['clicksend', cs('INVALID_SENDER_ID'), 'CLICKSEND_INVALID_SENDER', 'permanent', 'carrier', '5.1.7'],
  ['kannel', kannel(403, 'Authorization failed for sendsms'), 'KANNEL_AUTHORIZATION', 'permanent', 'carrier', '5.7.0'],
  ['kannel', kannel(403, 'Not routable. Do not try again.'), 'KANNEL_NOT_ROUTABLE', 'permanent', 'carrier', '5.4.4'],
  ['kannel', kannel(400, 'Number(s) has/have been denied by white- and/or black-lists.'), 'KANNEL_DENIED', 'permanent', 'carrier', '5.7.1'],
  ['kannel', kannel(400, 'Charset or body misformed, rejected'), 'KANNEL_CHARSET', 'permanent', 'message', '5.6.0'],
  ['kannel', kannel(503, 'Temporal failure, try again later.'), 'KANNEL_TEMPORARY', 'temporary', 'carrier', '4.4.1'],
  ['kannel', kannel(500, 'Sending failed.'), 'HTTP_500_INTERNAL_SERVER_ERROR', 'temporary', 'carrier', '4.3.0'],
];

describe.each(Object.keys(CONFIGS))('%s error rules', (preset) => {
  const rows = ROWS.filter((row) => row[0] === preset);
  it.each(rows)('%s %j → %s', (_preset, [status, doc, text], code, outcome, subject, dsn) => {
    const c = classifier(preset).classify({ status, doc, text: text ?? JSON.stringify(doc ?? ''), headers: {} });
    expect({ code: c.code, outcome: c.outcome, subject: c.subject, dsn: c.dsnStatus }).toEqual({ code, outcome, subject, dsn });
  });

  it('has a row for every rule of the preset', () => {
    const spec = resolveHttpSpec(httpCarrierSchema.parse({ type: 'http', preset, ...CONFIGS[preset] }));
    for (const rule of spec.response.errors) expect(rows.map((r) => r[2])).toContain(rule.code);
  });
});
