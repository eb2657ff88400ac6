/** Telnyx v2 messages (Bearer, `{data}` / `{errors}`) and Sinch XMS batches (Bearer, `{code, text}`). */
import { expect } from 'vitest';
import { scenarioOf } from './numbers.js';
import type { FakeReply } from './server.js';
import { atOrigin, json, type ProviderFake } from './types.js';

const TELNYX_KEY = 'KEY0123456789ABCDEF';

export const telnyx: ProviderFake = {
  preset: 'telnyx',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'telnyx', apiKey: TELNYX_KEY, publicKey: Buffer.alloc(32, 7).toString('base64'), webhook: { url: webhookUrl } }, origin),
  handler(req) {
    const errors = (status: number, code: string, title: string, detail: string, headers?: Record<string, string>): FakeReply => ({ status, ...(headers ? { headers } : {}), body: { errors: [{ code, title, detail }] } });
    if (req.method !== 'POST' || req.path !== '/v2/messages') return errors(404, '10005', 'Resource not found', 'The requested resource or URL could not be found.');
    if (req.headers.authorization !== `Bearer ${TELNYX_KEY}`) return errors(401, '10009', 'Authentication failed', 'The required authentication headers were either invalid or not included in the request.');
    const body = req.json as Record<string, unknown> | undefined;
    switch (scenarioOf(body?.to)) {
      case 'invalid': return errors(400, '40310', "Invalid 'to' address", "The 'to' address should be a single valid number.");
      case 'throttled': return errors(429, '10011', 'Too many requests', 'You have exceeded the maximum number of allowed requests.', { 'retry-after': '7' });
      case 'down': return errors(500, '10007', 'Unexpected error', 'An unexpected error occured.');
      default: return {
        status: 200,
        body: { data: { record_type: 'message', direction: 'outbound', id: '40385f64-5717-4562-b3fc-2c963f66afa6', type: 'SMS', from: { phone_number: body?.from }, to: [{ phone_number: body?.to, status: 'queued' }], text: body?.text, parts: 1 } },
      };
    }
  },
  expectRequest(req, sent) {
    expect(json(req)).toEqual({ from: sent.from, to: sent.to, text: sent.text, webhook_url: sent.webhookUrl });
  },
  ids: ['40385f64-5717-4562-b3fc-2c963f66afa6'],
  failures: {
    invalid: { code: 'TELNYX_INVALID_NUMBER', permanent: true, subject: 'number' },
    throttled: { code: 'TELNYX_TOO_MANY_REQUESTS', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'TELNYX_UNEXPECTED', permanent: false, subject: 'carrier' },
  },
};

const PLAN = 'jd63jf88477ll123ab4567cd89012ef3';
const SINCH_TOKEN = 'sinch-api-token-0123456789';

export const sinch: ProviderFake = {
  preset: 'sinch',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'sinch', servicePlanId: PLAN, apiToken: SINCH_TOKEN, region: 'eu', webhook: { url: webhookUrl, token: 'sinch-webhook-token-0123' } }, origin),
  handler(req) {
    const error = (status: number, code: string, text: string, headers?: Record<string, string>): FakeReply => ({ status, ...(headers ? { headers } : {}), body: { code, text } });
    if (req.method !== 'POST' || req.path !== `/xms/v1/${PLAN}/batches`) return error(404, 'not_found', 'Not found');
    if (req.headers.authorization !== `Bearer ${SINCH_TOKEN}`) return error(401, 'unauthorized', 'Unauthorized');
    const body = req.json as Record<string, unknown> | undefined;
    switch (scenarioOf(body?.to)) {
      case 'invalid': return error(400, 'syntax_invalid_parameter_format', 'Invalid phone number in to');
      case 'throttled': return error(429, 'too_many_requests', 'Too many requests', { 'retry-after': '7' });
      case 'down': return error(503, 'service_unavailable', 'Service unavailable');
      default: return { status: 201, body: { id: '01FC66621XXXXX119Z8PMV1QPQ', to: body?.to, from: body?.from, canceled: false, body: body?.body, type: 'mt_text', delivery_report: body?.delivery_report } };
    }
  },
  expectRequest(req, sent) {
    expect(json(req)).toEqual({ from: sent.from, to: [sent.to], body: sent.text, delivery_report: 'per_recipient', callback_url: `${sent.webhookUrl}?token=sinch-webhook-token-0123`, client_reference: sent.id });
  },
  ids: ['01FC66621XXXXX119Z8PMV1QPQ'],
  failures: {
    invalid: { code: 'HTTP_400_BAD_REQUEST', permanent: true, subject: 'carrier' },
    throttled: { code: 'HTTP_429_TOO_MANY_REQUESTS', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'HTTP_503_SERVICE_UNAVAILABLE', permanent: false, subject: 'carrier', retryAfterMs: 1_000 },
  },
};
