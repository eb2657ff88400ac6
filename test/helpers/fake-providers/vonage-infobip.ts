/** Vonage SMS API (always 200, status per message) and Infobip SMS v2 (App key, status groups). */
import { expect } from 'vitest';
import { scenarioOf } from './numbers.js';
import type { FakeReply } from './server.js';
import { atOrigin, form, json, type ProviderFake } from './types.js';

const KEY = 'abcd1234';
const SECRET = 'vonage-api-secret-0123';

export const vonage: ProviderFake = {
  preset: 'vonage',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'vonage', apiKey: KEY, apiSecret: SECRET, signatureSecret: 'vonage-signature-secret-0123456789', webhook: { url: webhookUrl } }, origin),
  handler(req): FakeReply {
    if (req.method !== 'POST' || req.path !== '/sms/json') return { status: 404, body: 'Not Found' };
    const f = req.form;
    if (!f) return { status: 200, body: { 'message-count': '1', messages: [{ status: '2', 'error-text': 'Missing api_key' }] } };
    if (f.get('api_key') !== KEY || f.get('api_secret') !== SECRET) return { status: 200, body: { 'message-count': '1', messages: [{ status: '4', 'error-text': 'Bad Credentials' }] } };
    const to = f.get('to');
    const fail = (status: string, text: string) => ({ status: 200, body: { 'message-count': '1', messages: [{ to, status, 'error-text': text }] } });
    switch (scenarioOf(to)) {
      case 'invalid': return fail('6', 'Unroutable message - rejected');
      case 'throttled': return fail('1', 'Throughput Rate Exceeded - please wait [ 30 ] and retry');
      case 'down': return fail('5', 'Internal Error');
      default: return {
        status: 200,
        body: {
          'message-count': '2',
          messages: [
            { to, 'message-id': '0A0000000123ABCD1', status: '0', 'remaining-balance': '3.14159265', 'message-price': '0.03330000', network: '23410' },
            { to, 'message-id': '0A0000000123ABCD2', status: '0', 'remaining-balance': '3.10829265', 'message-price': '0.03330000', network: '23410' },
          ],
        },
      };
    }
  },
  expectRequest(req, sent) {
    expect(form(req)).toEqual({
      api_key: KEY, api_secret: SECRET, from: sent.from, to: sent.to.slice(1), text: sent.text, type: 'text',
      'status-report-req': '1', callback: sent.webhookUrl, 'client-ref': sent.id,
    });
  },
  ids: ['0A0000000123ABCD1', '0A0000000123ABCD2'],
  failures: {
    invalid: { code: 'VONAGE_INVALID_MESSAGE', permanent: true, subject: 'number' },
    throttled: { code: 'VONAGE_THROTTLED', permanent: false, subject: 'carrier', retryAfterMs: 1_000 },
    down: { code: 'VONAGE_INTERNAL_ERROR', permanent: false, subject: 'carrier' },
  },
};

const IB_KEY = 'infobip-api-key-0123456789';

export const infobip: ProviderFake = {
  preset: 'infobip',
  config: (origin, webhookUrl) => ({ type: 'http', preset: 'infobip', baseUrl: origin, apiKey: IB_KEY, webhook: { url: webhookUrl, token: 'infobip-webhook-token-0123' } }),
  handler(req) {
    const error = (status: number, messageId: string, text: string, headers?: Record<string, string>): FakeReply => ({ status, ...(headers ? { headers } : {}), body: { requestError: { serviceException: { messageId, text } } } });
    if (req.method !== 'POST' || req.path !== '/sms/2/text/advanced') return error(404, 'NOT_FOUND', 'Not found');
    if (req.headers.authorization !== `App ${IB_KEY}`) return error(401, 'UNAUTHORIZED', 'Invalid login details');
    const message = ((req.json as { messages?: { destinations?: { to?: string }[] }[] } | undefined)?.messages ?? [])[0];
    const to = message?.destinations?.[0]?.to;
    if (!to) return error(400, 'BAD_REQUEST', 'Bad request');
    const accepted = (group: string, groupId: number, name: string, description: string): FakeReply => ({
      status: 200,
      body: { bulkId: '2034072219640523072', messages: [{ to, status: { groupId, groupName: group, id: 26, name, description }, messageId: '2250be2d4219-3af1-78856-aabe-1362af1edfd2' }] },
    });
    switch (scenarioOf(to)) {
      case 'invalid': return accepted('REJECTED', 5, 'REJECTED_DESTINATION', 'Invalid destination address.');
      case 'throttled': return error(429, 'TOO_MANY_REQUESTS', 'Too many requests', { 'retry-after': '7' });
      case 'down': return error(500, 'GENERAL_ERROR', 'Something went wrong. Please contact support.');
      default: return accepted('PENDING', 1, 'PENDING_ACCEPTED', 'Message sent to next instance');
    }
  },
  expectRequest(req, sent) {
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(json(req)).toEqual({
      messages: [{ destinations: [{ to: sent.to.slice(1) }], from: sent.from, text: sent.text, notifyUrl: `${sent.webhookUrl}?token=infobip-webhook-token-0123`, notifyContentType: 'application/json', callbackData: sent.id }],
    });
  },
  ids: ['2250be2d4219-3af1-78856-aabe-1362af1edfd2'],
  failures: {
    invalid: { code: 'INFOBIP_INVALID_DESTINATION', permanent: true, subject: 'number' },
    throttled: { code: 'HTTP_429_TOO_MANY_REQUESTS', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'HTTP_500_INTERNAL_SERVER_ERROR', permanent: false, subject: 'carrier' },
  },
};
