/**
 * Webhooks of providers that do not sign (shared token in the URL) and how every payload shape
 * becomes receipts: Kannel's dlr-url round trip, Infobip's result arrays, Sinch's typed reports,
 * ClickSend's form posts; plus what is refused or skipped.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CarrierReceipt } from '../../src/carriers/carrier.js';
import { createHttpCarrier, httpCarrierSchema, resolveHttpSpec } from '../../src/carriers/http/index.js';
import { buildRequest, messageValues } from '../../src/carriers/http/request.js';
import { buildSms } from '../../src/sms/index.js';

const logger = pino({ level: 'silent' });
const TOKEN = 'shared-webhook-token-0123';

function carrierFor(config: Record<string, unknown>) {
  const carrier = createHttpCarrier('c', httpCarrierSchema.parse({ type: 'http', ...config }), { logger, now: () => 1_000 });
  const receipts: CarrierReceipt[] = [];
  carrier.onReceipt((r) => receipts.push(r));
  return { carrier, receipts };
}
const get = (url: string) => ({ method: 'GET', url, headers: {}, rawBody: Buffer.alloc(0) });
const post = (url: string, body: unknown, type = 'application/json') => ({
  method: 'POST', url, headers: { 'content-type': type }, rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('Kannel dlr-url', () => {
  const config = { preset: 'kannel', username: 'u', password: 'p', webhook: { url: 'https://relay.example.com/webhooks/kannel', token: TOKEN } };

  /** The dlr-url our sendsms request carries, with Kannel's escapes filled in as smsbox does. */
  function kannelCalls(type: number, reply: string): string {
    const spec = resolveHttpSpec(httpCarrierSchema.parse({ type: 'http', ...config }));
    const sms = { id: 'tx1-0', to: '+447700900001', from: 'ALERTS', sms: buildSms('Disk full', { maxSegments: 1, concat: 'payload' }), wantReceipt: true, concatRef: 1 };
    const dlrUrl = buildRequest(spec, messageValues(spec, sms, { parts: 1, now: 0 })).url.searchParams.get('dlr-url')!;
    const filled = dlrUrl.replace('%d', String(type)).replace('%A', encodeURIComponent(reply)).replace('%i', 'smsc1');
    const url = new URL(filled);
    return `/webhooks/kannel${url.search}`;
  }

  it.each([
    [1, 'id:0A1B sub:001 dlvrd:001 submit date:2603011200 done date:2603011201 stat:DELIVRD err:000 text:Disk full', 'DELIVRD', '000'],
    [2, 'id:0A1B sub:001 dlvrd:000 submit date:2603011200 done date:2603021200 stat:EXPIRED err:027 text:Disk full', 'EXPIRED', '027'],
    [2, 'id:0A1B sub:001 dlvrd:000 submit date:2603011200 done date:2603011201 stat:UNDELIV err:001 text:Disk', 'UNDELIV', '001'],
    [8, 'ACK/', 'ACCEPTD', undefined],
    [16, 'NACK/0x0000000b/Invalid Destination Address', 'REJECTD', '0x0000000b'],
    [4, '', 'ENROUTE', undefined],
  ])('type %i with reply "%s" → %s', async (type, reply, stat, err) => {
    const { carrier, receipts } = carrierFor(config);
    expect((await carrier.handleWebhook(get(kannelCalls(type, reply)))).status).toBe(200);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ carrierMessageId: 'tx1-0', stat, ...(err ? { err } : {}) });
    expect(receipts[0]!.raw).not.toContain('Disk');
    expect(receipts[0]!.errIsProviderCode).toBeUndefined(); // an SMSC's err: a GSM MAP cause
  });

  it('refuses a wrong or missing token with 401 and emits nothing', async () => {
    const { carrier, receipts } = carrierFor(config);
    const good = kannelCalls(1, 'ACK/');
    expect((await carrier.handleWebhook(get(good.replace(TOKEN, 'shared-webhook-token-0124')))).status).toBe(401);
    expect((await carrier.handleWebhook(get(good.replace(`token=${TOKEN}&`, '')))).status).toBe(401);
    expect(receipts).toEqual([]);
  });
});

describe('payload shapes', () => {
  it('Infobip: every item of results is a receipt', async () => {
    const { carrier, receipts } = carrierFor({ preset: 'infobip', baseUrl: 'https://x.api.infobip.com', apiKey: 'k', webhook: { url: 'https://relay.example.com/webhooks/ib', token: TOKEN } });
    const body = {
      results: [
        { bulkId: 'b1', messageId: 'm1', to: '447700900001', status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET' }, error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', permanent: false } },
        { bulkId: 'b1', messageId: 'm2', to: '447700900002', status: { groupId: 2, groupName: 'UNDELIVERABLE', id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED' }, error: { groupId: 1, groupName: 'HANDSET_ERRORS', id: 27, name: 'EC_ABSENT_SUBSCRIBER', permanent: false } },
        // In the DELIVERED group, but only at the operator: a later report may still say undeliverable.
        { bulkId: 'b1', messageId: 'm3', to: '447700900003', status: { groupId: 3, groupName: 'DELIVERED', id: 2, name: 'DELIVERED_TO_OPERATOR' }, error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', permanent: false } },
        { bulkId: 'b1', messageId: 'm4', to: '447700900004', status: { groupId: 5, groupName: 'REJECTED', id: 12, name: 'REJECTED_NOT_ENOUGH_CREDITS' }, error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', permanent: false } },
      ],
    };
    expect((await carrier.handleWebhook(post(`/webhooks/ib?token=${TOKEN}`, body))).status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([
      ['m1', 'DELIVRD', 'NO_ERROR'], ['m2', 'UNDELIV', 'EC_ABSENT_SUBSCRIBER'], ['m3', 'ENROUTE', 'NO_ERROR'], ['m4', 'REJECTD', 'NO_ERROR'],
    ]);
    // Infobip's own error names: not GSM MAP causes for the receipt classifier.
    expect(receipts.every((r) => r.errIsProviderCode === true)).toBe(true);
  });

  it('Sinch: recipient reports are receipts, batch summaries are not', async () => {
    const { carrier, receipts } = carrierFor({ preset: 'sinch', servicePlanId: 'p', apiToken: 't', webhook: { url: 'https://relay.example.com/webhooks/sinch', token: TOKEN } });
    const report = { type: 'recipient_delivery_report_sms', batch_id: '01FC66621XXXXX119Z8PMV1QPQ', recipient: '447700900001', code: 0, status: 'Delivered', at: '2026-03-01T12:00:00Z' };
    expect((await carrier.handleWebhook(post(`/webhooks/sinch?token=${TOKEN}`, report))).status).toBe(200);
    expect((await carrier.handleWebhook(post(`/webhooks/sinch?token=${TOKEN}`, { type: 'delivery_report_sms', batch_id: 'x', statuses: [] }))).status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['01FC66621XXXXX119Z8PMV1QPQ', 'DELIVRD', '0']]);
  });

  it('ClickSend: a form post', async () => {
    const { carrier, receipts } = carrierFor({ preset: 'clicksend', username: 'u', apiKey: 'k', webhook: { url: 'https://relay.example.com/webhooks/cs', token: TOKEN } });
    const form = new URLSearchParams({ message_id: 'BF7AD270', status: 'Undelivered', status_code: '301', status_text: 'Failed', error_code: '301', custom_string: 'tx1-0' }).toString();
    expect((await carrier.handleWebhook(post(`/webhooks/cs?token=${TOKEN}`, form, 'application/x-www-form-urlencoded'))).status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['BF7AD270', 'UNDELIV', '301']]);
  });

  it('an unmapped status word is skipped, not guessed', async () => {
    const { carrier, receipts } = carrierFor({ preset: 'sinch', servicePlanId: 'p', apiToken: 't', webhook: { url: 'https://relay.example.com/w', token: TOKEN } });
    const res = await carrier.handleWebhook(post(`/w?token=${TOKEN}`, { type: 'recipient_delivery_report_sms', batch_id: 'b', status: 'Teleported', code: 0 }));
    expect(res).toEqual({ status: 200, body: { received: 0 } });
    expect(receipts).toEqual([]);
  });
});

describe('requests that are not receipts', () => {
  const config = { preset: 'sinch', servicePlanId: 'p', apiToken: 't', webhook: { url: 'https://relay.example.com/w', token: TOKEN } };

  it('404 when the carrier has no webhook', async () => {
    const { carrier } = carrierFor({ preset: 'sinch', servicePlanId: 'p', apiToken: 't' });
    expect((await carrier.handleWebhook(get('/w'))).status).toBe(404);
  });

  it('405 for other methods, 400 for a verified body that is not JSON', async () => {
    const { carrier, receipts } = carrierFor(config);
    expect((await carrier.handleWebhook({ ...get(`/w?token=${TOKEN}`), method: 'PUT' })).status).toBe(405);
    expect((await carrier.handleWebhook(post(`/w?token=${TOKEN}`, '{"type":', 'application/json'))).status).toBe(400);
    expect((await carrier.handleWebhook(post('/w', '{"type":', 'application/json'))).status).toBe(401);
    expect(receipts).toEqual([]);
  });

  it('a generic carrier maps its own fields', async () => {
    const { carrier, receipts } = carrierFor({
      request: { url: 'https://sms.example.com/send' },
      webhook: { url: 'https://relay.example.com/w', token: TOKEN, verify: 'token', id: 'report.ref', status: 'report.state', err: 'report.reason', statuses: { OK: 'DELIVRD', KO: 'UNDELIV' } },
    });
    expect((await carrier.handleWebhook(post(`/w?token=${TOKEN}`, { report: { ref: 'r-1', state: 'ko', reason: 'absent' } }))).status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['r-1', 'UNDELIV', 'absent']]);
  });
});

describe('a receipt that cannot be stored', () => {
  it('is not acknowledged: the provider gets 503 and sends the callback again', async () => {
    const config = { preset: 'kannel', username: 'u', password: 'p', webhook: { url: 'https://relay.example.com/webhooks/kannel', token: TOKEN } };
    const carrier = createHttpCarrier('c', httpCarrierSchema.parse({ type: 'http', ...config }), { logger, now: () => 1_000 });
    let attempts = 0;
    carrier.onReceipt(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('Redis is down');
    });
    const url = `/webhooks/kannel?token=${TOKEN}&id=tx1-0&type=1&reply=ACK`;
    const first = await carrier.handleWebhook!(get(url));
    const second = await carrier.handleWebhook!(get(url));
    expect(attempts).toBe(2);
    expect(first.status).toBe(503);
    expect(second.status).toBe(200);
  });
});
