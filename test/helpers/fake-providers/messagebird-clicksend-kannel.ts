/** MessageBird (AccessKey), ClickSend (Basic, per-message status) and Kannel's sendsms (GET, text replies). */
import { expect } from 'vitest';
import { scenarioOf } from './numbers.js';
import { basicAuth, type FakeReply } from './server.js';
import { atOrigin, json, type ProviderFake } from './types.js';

const MB_KEY = 'live_messagebird_key_0123';

export const messagebird: ProviderFake = {
  preset: 'messagebird',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'messagebird', apiKey: MB_KEY, signingSecret: 'messagebird-signing-key-0123', webhook: { url: webhookUrl } }, origin),
  handler(req) {
    const errors = (status: number, code: number, description: string, parameter: string | null, headers?: Record<string, string>): FakeReply => ({ status, ...(headers ? { headers } : {}), body: { errors: [{ code, description, parameter }] } });
    if (req.method !== 'POST' || req.path !== '/messages') return errors(404, 20, 'message not found', null);
    if (req.headers.authorization !== `AccessKey ${MB_KEY}`) return errors(401, 2, 'Request not allowed (incorrect access_key)', 'access_key');
    const body = req.json as Record<string, unknown> | undefined;
    switch (scenarioOf(body?.recipients)) {
      case 'invalid': return errors(422, 9, 'no (correct) recipients found', 'recipients');
      case 'throttled': return errors(429, 98, 'Too many requests', null, { 'retry-after': '7' });
      case 'down': return errors(500, 99, 'Internal error', null);
      default: return {
        status: 201,
        body: { id: 'e8077d803532c0b5937c639b60216938', direction: 'mt', type: 'sms', originator: body?.originator, body: body?.body, reference: body?.reference, datacoding: 'plain', recipients: { totalCount: 1, totalSentCount: 1, items: [{ recipient: Number(String((body?.recipients as string[])[0])), status: 'sent' }] } },
      };
    }
  },
  expectRequest(req, sent) {
    const body = json(req);
    expect(body).toEqual({ originator: sent.from, recipients: [sent.to.slice(1)], body: sent.text, reference: sent.id, reportUrl: sent.webhookUrl, datacoding: 'plain', validity: expect.any(Number) });
    expect(body.validity).toBeGreaterThan(3500);
  },
  ids: ['e8077d803532c0b5937c639b60216938'],
  failures: {
    invalid: { code: 'MESSAGEBIRD_RECIPIENTS', permanent: true, subject: 'number' },
    throttled: { code: 'HTTP_429_TOO_MANY_REQUESTS', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'MESSAGEBIRD_INTERNAL_ERROR', permanent: false, subject: 'carrier' },
  },
};

export const clicksend: ProviderFake = {
  preset: 'clicksend',
  config: (origin, webhookUrl) => atOrigin({ type: 'http', preset: 'clicksend', username: 'alerts@example.com', apiKey: 'CLICKSEND-API-KEY-0123', webhook: { url: webhookUrl, token: 'clicksend-webhook-token-0' } }, origin),
  handler(req) {
    const top = (status: number, code: string, msg: string, headers?: Record<string, string>): FakeReply => ({ status, ...(headers ? { headers } : {}), body: { http_code: status, response_code: code, response_msg: msg, data: null } });
    if (req.method !== 'POST' || req.path !== '/v3/sms/send') return top(404, 'NOT_FOUND', 'Not found');
    if (req.headers.authorization !== basicAuth('alerts@example.com', 'CLICKSEND-API-KEY-0123')) return top(401, 'UNAUTHORIZED', 'Invalid credentials');
    const message = ((req.json as { messages?: Record<string, unknown>[] } | undefined)?.messages ?? [])[0];
    const queued = (status: string): FakeReply => ({
      status: 200,
      body: { http_code: 200, response_code: 'SUCCESS', response_msg: 'Messages queued for delivery.', data: { total_count: 1, queued_count: status === 'SUCCESS' ? 1 : 0, messages: [{ direction: 'out', to: message?.to, body: message?.body, from: message?.from, message_id: 'BF7AD270-0DE2-418B-B606-71D527D9C1AE', message_parts: 1, custom_string: message?.custom_string, status }] } },
    });
    switch (scenarioOf(message?.to)) {
      case 'invalid': return queued('INVALID_RECIPIENT');
      case 'throttled': return top(429, 'TOO_MANY_REQUESTS', 'Too many requests', { 'retry-after': '7' });
      case 'down': return top(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      default: return queued('SUCCESS');
    }
  },
  expectRequest(req, sent) {
    expect(json(req)).toEqual({ messages: [{ source: 'smtp2sms', from: sent.from, body: sent.text, to: sent.to, custom_string: sent.id }] });
  },
  ids: ['BF7AD270-0DE2-418B-B606-71D527D9C1AE'],
  failures: {
    invalid: { code: 'CLICKSEND_INVALID_RECIPIENT', permanent: true, subject: 'number' },
    throttled: { code: 'HTTP_429_TOO_MANY_REQUESTS', permanent: false, subject: 'carrier', retryAfterMs: 7_000 },
    down: { code: 'HTTP_500_INTERNAL_SERVER_ERROR', permanent: false, subject: 'carrier' },
  },
};

/** smsbox's sendsms: text answers, status codes from gw/smsbox.c. */
export const kannel: ProviderFake = {
  preset: 'kannel',
  config: (origin, webhookUrl) => ({ type: 'http', preset: 'kannel', baseUrl: origin, username: 'relay', password: 'kannel-pass', webhook: { url: webhookUrl, token: 'kannel-webhook-token-012' } }),
  handler(req) {
    if (req.path !== '/cgi-bin/sendsms') return { status: 404, body: 'Unknown request.' };
    if (req.query.get('username') !== 'relay' || req.query.get('password') !== 'kannel-pass') return { status: 403, body: 'Authorization failed for sendsms' };
    const to = req.query.get('to');
    if (!to) return { status: 400, body: 'Missing receiver number, rejected' };
    switch (scenarioOf(to)) {
      case 'invalid': return { status: 400, body: 'Number(s) has/have been denied by white- and/or black-lists.' };
      case 'throttled': return { status: 503, body: 'Temporal failure, try again later.' };
      case 'down': return { status: 500, body: 'Sending failed.' };
      default: return { status: 202, body: '0: Accepted for delivery' };
    }
  },
  expectRequest(req, sent) {
    expect(req.method).toBe('GET');
    expect(Object.fromEntries(req.query)).toEqual({
      username: 'relay', password: 'kannel-pass', from: sent.from, to: sent.to, text: sent.text, charset: 'UTF-8', coding: '0', 'dlr-mask': '27',
      'dlr-url': `${sent.webhookUrl}?token=kannel-webhook-token-012&id=${encodeURIComponent(sent.id)}&type=%d&reply=%A&smsc=%i`,
    });
  },
  ids: ['(ours)'],
  failures: {
    invalid: { code: 'KANNEL_DENIED', permanent: true, subject: 'carrier' },
    throttled: { code: 'KANNEL_TEMPORARY', permanent: false, subject: 'carrier' },
    down: { code: 'HTTP_500_INTERNAL_SERVER_ERROR', permanent: false, subject: 'carrier' },
  },
};
