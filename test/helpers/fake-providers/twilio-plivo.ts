/** Twilio and Plivo as their docs describe them: Basic auth, Twilio form / Plivo JSON. */
import { expect } from 'vitest';
import { scenarioOf } from './numbers.js';
import { basicAuth, type FakeReply, type RecordedRequest } from './server.js';
import { atOrigin, form, json, type ProviderFake } from './types.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-0123456789';

export const twilio: ProviderFake = {
  preset: 'twilio',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'twilio', accountSid: SID, authToken: TOKEN, webhook: { url: webhookUrl } }, origin),
  handler(req: RecordedRequest): FakeReply {
    if (req.method !== 'POST' || req.path !== `/2010-04-01/Accounts/${SID}/Messages.json`) return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    if (req.headers.authorization !== basicAuth(SID, TOKEN)) return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    const f = req.form;
    if (!f?.get('To') || !f.get('Body') || !(f.get('From') || f.get('MessagingServiceSid'))) return { status: 400, body: { code: 21604, message: "A 'To' phone number is required.", status: 400 } };
    const to = f.get('To');
    switch (scenarioOf(to)) {
      case 'invalid': return { status: 400, body: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } };
      case 'throttled': return { status: 429, headers: { 'retry-after': '7' }, body: { code: 20429, message: 'Too Many Requests', status: 429 } };
      case 'down': return { status: 503, body: { code: 20503, message: 'Service Unavailable', status: 503 } };
      default: return { status: 201, body: { sid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'queued', to, from: f.get('From'), body: f.get('Body'), num_segments: '1', error_code: null } };
    }
  },
  expectRequest(req, sent) {
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(form(req)).toEqual({ To: sent.to, From: sent.from, Body: sent.text, StatusCallback: sent.webhookUrl });
  },
  ids: ['SM1f0e8ae6ade43cb3c0ce4525424e404f'],
  failures: {
    invalid: { code: 'TWILIO_21211', permanent: true, subject: 'number' },
    throttled: { code: 'TWILIO_20429', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'HTTP_503_SERVICE_UNAVAILABLE', permanent: false, subject: 'carrier', retryAfterMs: 1_000 },
  },
};

const AUTH_ID = 'MAXXXXXXXXXXXXXXXXXX';
const AUTH_TOKEN = 'plivo-auth-token-0123456789';

export const plivo: ProviderFake = {
  preset: 'plivo',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'plivo', authId: AUTH_ID, authToken: AUTH_TOKEN, webhook: { url: webhookUrl } }, origin),
  handler(req) {
    const api_id = 'b4f2c9e4-1f7a-11ee-9d7e-0242ac110003';
    if (req.method !== 'POST' || req.path !== `/v1/Account/${AUTH_ID}/Message/`) return { status: 404, body: { api_id, error: 'not found' } };
    if (req.headers.authorization !== basicAuth(AUTH_ID, AUTH_TOKEN)) return { status: 401, body: { api_id, error: 'authentication failed' } };
    const body = req.json as Record<string, unknown> | undefined;
    if (!body?.src || !body.dst || !body.text) return { status: 400, body: { api_id, error: 'src, dst and text are required' } };
    switch (scenarioOf(body.dst)) {
      case 'invalid': return { status: 400, body: { api_id, error: 'invalid dst parameter' } };
      case 'throttled': return { status: 429, headers: { 'retry-after': '7' }, body: { api_id, error: 'too many requests' } };
      case 'down': return { status: 500, body: { api_id, error: 'internal server error' } };
      default: return { status: 202, body: { api_id, message: 'message(s) queued', message_uuid: ['db3ce55a-7f1d-11e1-8ea7-1231380bc196'] } };
    }
  },
  expectRequest(req, sent) {
    expect(json(req)).toEqual({ src: sent.from, dst: sent.to.slice(1), text: sent.text, type: 'sms', url: sent.webhookUrl, method: 'POST' });
  },
  ids: ['db3ce55a-7f1d-11e1-8ea7-1231380bc196'],
  failures: {
    invalid: { code: 'PLIVO_INVALID_DST', permanent: true, subject: 'number' },
    throttled: { code: 'HTTP_429_TOO_MANY_REQUESTS', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'HTTP_500_INTERNAL_SERVER_ERROR', permanent: false, subject: 'carrier' },
  },
};
