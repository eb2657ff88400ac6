/**
 * Webhook signatures of the providers that sign, each computed here with the provider's documented
 * algorithm (not with the implementation's helpers): a valid one yields receipts, an invalid one
 * gets 401 and yields nothing.
 */
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CarrierReceipt } from '../../src/carriers/carrier.js';
import { createHttpCarrier, httpCarrierSchema } from '../../src/carriers/http/index.js';

const logger = pino({ level: 'silent' });
const NOW = Date.parse('2026-03-01T12:00:00Z');

function carrierFor(config: Record<string, unknown>, now = NOW) {
  const carrier = createHttpCarrier('c', httpCarrierSchema.parse({ type: 'http', ...config }), { logger, now: () => now });
  const receipts: CarrierReceipt[] = [];
  carrier.onReceipt((r) => receipts.push(r));
  return { carrier, receipts };
}

const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function hs256(claims: Record<string, unknown>, secret: string): string {
  const head = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('Twilio X-Twilio-Signature', () => {
  // The example from Twilio's webhook security page: this URL, these params, token 12345.
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  const config = { preset: 'twilio', accountSid: 'AC1', authToken: '12345', webhook: { url: 'https://mycompany.com/myapp.php' } };

  it("accepts Twilio's documented example signature", async () => {
    const { carrier } = carrierFor(config);
    const res = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/tw?foo=1&bar=2', headers: { ...FORM, 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }, rawBody: form(params) });
    expect(res.status).toBe(200);
  });

  it('turns a signed status callback into a receipt, and refuses a tampered one', async () => {
    const { carrier, receipts } = carrierFor(config);
    const fields = { MessageSid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: 'AC1' };
    const data = 'https://mycompany.com/myapp.php' + Object.keys(fields).sort().map((k) => k + fields[k as keyof typeof fields]).join('');
    const signature = createHmac('sha1', '12345').update(data).digest('base64');
    const ok = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/tw', headers: { ...FORM, 'x-twilio-signature': signature }, rawBody: form(fields) });
    expect(ok.status).toBe(200);
    expect(receipts).toEqual([{ carrier: 'c', carrierMessageId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', stat: 'UNDELIV', err: '30003', errIsProviderCode: true, raw: 'MessageStatus=undelivered ErrorCode=30003', receivedAt: NOW }]);
    const forged = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/tw', headers: { ...FORM, 'x-twilio-signature': signature }, rawBody: form({ ...fields, MessageStatus: 'delivered' }) });
    expect(forged.status).toBe(401);
    const missing = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/tw', headers: FORM, rawBody: form(fields) });
    expect(missing.status).toBe(401);
    expect(receipts).toHaveLength(1);
  });
});

describe('Plivo X-Plivo-Signature-V3', () => {
  const token = 'plivo-auth-token-0123456789';
  const config = { preset: 'plivo', authId: 'MA1', authToken: token, webhook: { url: 'https://relay.example.com/hooks/plivo' } };
  const fields = { MessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196', Status: 'delivered', ErrorCode: '000', To: '447700900001', From: 'ALERTS' };
  // Documented V3 scheme for POST: URL + "?" + sorted query (+ "." when there is one) + sorted params as key+value, then "." + nonce.
  const base = (query: string) => `https://relay.example.com/hooks/plivo?${query}${query ? '.' : ''}` + Object.keys(fields).sort().map((k) => k + fields[k as keyof typeof fields]).join('');
  const v3 = (query: string, nonce: string, key = token) => createHmac('sha256', key).update(`${base(query)}.${nonce}`).digest('base64');

  it.each([['', '/hooks/plivo'], ['b=2&id=tx1', '/webhooks/plivo?id=tx1&b=2']])('accepts a valid signature (query "%s")', async (query, url) => {
    const { carrier, receipts } = carrierFor(config);
    const nonce = '05429567804466091622';
    const res = await carrier.handleWebhook({ method: 'POST', url, headers: { ...FORM, 'x-plivo-signature-v3': `${v3(query, nonce, 'other')},${v3(query, nonce)}`, 'x-plivo-signature-v3-nonce': nonce }, rawBody: form(fields) });
    expect(res.status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['db3ce55a-7f1d-11e1-8ea7-1231380bc196', 'DELIVRD', '000']]);
  });

  it('refuses a signature made with another token or nonce', async () => {
    const { carrier, receipts } = carrierFor(config);
    for (const headers of [
      { 'x-plivo-signature-v3': v3('', '1', 'wrong-token'), 'x-plivo-signature-v3-nonce': '1' },
      { 'x-plivo-signature-v3': v3('', '1'), 'x-plivo-signature-v3-nonce': '2' },
    ]) {
      expect((await carrier.handleWebhook({ method: 'POST', url: '/hooks/plivo', headers: { ...FORM, ...headers }, rawBody: form(fields) })).status).toBe(401);
    }
    expect(receipts).toEqual([]);
  });
});

describe('Plivo X-Plivo-Signature-V2 (URL and nonce only, not the body)', () => {
  const token = 'plivo-auth-token-0123456789';
  const config = { preset: 'plivo', authId: 'MA1', authToken: token, webhook: { url: 'https://relay.example.com/hooks/plivo' } };
  const v2 = (nonce: string) => createHmac('sha256', token).update(`https://relay.example.com/hooks/plivo${nonce}`).digest('base64');
  const body = (status: string) => form({ MessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196', Status: status, ErrorCode: '000' });

  it('accepts a nonce once: a captured callback replayed with another status is refused', async () => {
    const { carrier, receipts } = carrierFor(config);
    const headers = { ...FORM, 'x-plivo-signature-v2': v2('31337'), 'x-plivo-signature-v2-nonce': '31337' };
    expect((await carrier.handleWebhook({ method: 'POST', url: '/hooks/plivo', headers, rawBody: body('delivered') })).status).toBe(200);
    expect((await carrier.handleWebhook({ method: 'POST', url: '/hooks/plivo', headers, rawBody: body('failed') })).status).toBe(401);
    expect(receipts.map((r) => r.stat)).toEqual(['DELIVRD']);
  });
});

describe('Telnyx Ed25519', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const config = { preset: 'telnyx', apiKey: 'KEY1', publicKey: raw, webhook: { url: 'https://relay.example.com/webhooks/telnyx' } };
  const body = Buffer.from(JSON.stringify({
    data: { event_type: 'message.finalized', id: 'ev1', payload: { id: '40385f64-5717-4562-b3fc-2c963f66afa6', text: 'Disk full', to: [{ phone_number: '+447700900001', status: 'delivery_failed' }], errors: [{ code: '40008', title: 'Undeliverable' }] } },
  }));
  const signed = (timestamp: number, key = privateKey) => ({
    'content-type': 'application/json',
    'telnyx-timestamp': String(timestamp),
    'telnyx-signature-ed25519': sign(null, Buffer.concat([Buffer.from(`${timestamp}|`), body]), key).toString('base64'),
  });

  it('accepts a fresh signature and reads the finalized status', async () => {
    const { carrier, receipts } = carrierFor(config);
    const res = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/telnyx', headers: signed(NOW / 1000 - 60), rawBody: body });
    expect(res.status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err, r.raw])).toEqual([['40385f64-5717-4562-b3fc-2c963f66afa6', 'UNDELIV', '40008', 'data.payload.to[0].status=delivery_failed data.payload.errors[0].code=40008']]);
  });

  it('refuses another key, a changed body, and a timestamp outside 5 minutes', async () => {
    const { carrier, receipts } = carrierFor(config);
    const other = generateKeyPairSync('ed25519').privateKey;
    expect((await carrier.handleWebhook({ method: 'POST', url: '/w', headers: signed(NOW / 1000, other), rawBody: body })).status).toBe(401);
    expect((await carrier.handleWebhook({ method: 'POST', url: '/w', headers: signed(NOW / 1000), rawBody: Buffer.from(body.toString().replace('delivery_failed', 'delivered')) })).status).toBe(401);
    expect((await carrier.handleWebhook({ method: 'POST', url: '/w', headers: signed(NOW / 1000 - 301), rawBody: body })).status).toBe(401);
    expect(receipts).toEqual([]);
  });
});

describe('Vonage signed webhooks', () => {
  const secret = 'vonage-signature-secret-0123456789';
  const config = { preset: 'vonage', apiKey: 'abcd1234', apiSecret: 's', signatureSecret: secret, webhook: { url: 'https://relay.example.com/webhooks/vonage' } };
  const body = Buffer.from(JSON.stringify({ msisdn: '447700900001', to: 'ALERTS', 'network-code': '23410', messageId: '0A0000000123ABCD1', status: 'expired', 'err-code': '27' }));
  const JSON_TYPE = { 'content-type': 'application/json' };

  it('accepts an HS256 JWT whose payload_hash covers the body', async () => {
    const { carrier, receipts } = carrierFor(config);
    const jwt = hs256({ iat: NOW / 1000, jti: 'j1', iss: 'Vonage', api_key: 'abcd1234', payload_hash: createHash('sha256').update(body).digest('hex') }, secret);
    expect((await carrier.handleWebhook({ method: 'POST', url: '/webhooks/vonage', headers: { ...JSON_TYPE, authorization: `Bearer ${jwt}` }, rawBody: body })).status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['0A0000000123ABCD1', 'EXPIRED', '27']]);
  });

  it('refuses a JWT with another secret, another body, another api key, or alg none', async () => {
    const { carrier, receipts } = carrierFor(config);
    const hash = createHash('sha256').update(body).digest('hex');
    const none = `${b64url({ alg: 'none' })}.${b64url({ payload_hash: hash })}.`;
    for (const jwt of [
      hs256({ payload_hash: hash }, 'another-secret'),
      hs256({ payload_hash: createHash('sha256').update('{}').digest('hex') }, secret),
      hs256({ payload_hash: hash, api_key: 'someone-else' }, secret),
      none,
    ]) {
      expect((await carrier.handleWebhook({ method: 'POST', url: '/webhooks/vonage', headers: { ...JSON_TYPE, authorization: `Bearer ${jwt}` }, rawBody: body })).status).toBe(401);
    }
    expect(receipts).toEqual([]);
  });

  it('refuses a JWT issued longer ago than the tolerance (it has iat and no exp), and ignores an unsigned query string', async () => {
    const { carrier, receipts } = carrierFor(config);
    const hash = createHash('sha256').update(body).digest('hex');
    const old = hs256({ iat: NOW / 1000 - 400, jti: 'j2', payload_hash: hash }, secret);
    expect((await carrier.handleWebhook({ method: 'POST', url: '/webhooks/vonage', headers: { ...JSON_TYPE, authorization: `Bearer ${old}` }, rawBody: body })).status).toBe(401);
    // The JWT signs the body only: a query string added on the way must not add to the receipt.
    const bare = Buffer.from(JSON.stringify({ messageId: '0A0000000123ABCD3', status: 'expired' }));
    const fresh = hs256({ iat: NOW / 1000 - 10, jti: 'j3', payload_hash: createHash('sha256').update(bare).digest('hex') }, secret);
    const ok = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/vonage?err-code=1', headers: { ...JSON_TYPE, authorization: `Bearer ${fresh}` }, rawBody: bare });
    expect(ok.status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['0A0000000123ABCD3', 'EXPIRED', undefined]]);
  });

  it('accepts the SMS API `sig` parameter (md5hash) on a GET receipt and refuses a wrong one', async () => {
    const { carrier, receipts } = carrierFor(config);
    const params: Record<string, string> = { messageId: '0A0000000123ABCD2', status: 'delivered', 'err-code': '0', 'message-timestamp': '2026-03-01 11:59:50', timestamp: String(NOW / 1000), nonce: 'a=b&c' };
    const signed = Object.keys(params).sort().map((k) => `&${k}=${params[k]!.replace(/[&=]/g, '_')}`).join('');
    const sig = createHash('md5').update(signed + secret).digest('hex');
    const url = (s: string) => `/webhooks/vonage?${new URLSearchParams({ ...params, sig: s })}`;
    expect((await carrier.handleWebhook({ method: 'GET', url: url(sig), headers: {}, rawBody: Buffer.alloc(0) })).status).toBe(200);
    expect((await carrier.handleWebhook({ method: 'GET', url: url(sig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))), headers: {}, rawBody: Buffer.alloc(0) })).status).toBe(401);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat])).toEqual([['0A0000000123ABCD2', 'DELIVRD']]);
  });
});

describe('MessageBird-Signature-JWT', () => {
  // Reference vectors from MessageBird's own SDK test data (signed at 2021-07-05T10:00:00Z).
  const secret = '36efdd1aace2e26cd490f0d951138253bef2f7c6d34d18981da781555cc4cebb';
  const at = Date.parse('2021-07-05T12:00:00+02:00');
  const config = { preset: 'messagebird', apiKey: 'k', signingSecret: secret, webhook: { url: 'https://example.com/path' } };
  const payloadJwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI5M2U1NTAwNi1hMGU4LTQ1MjYtYTE5MC1mYTVmZjAwZWExMTYiLCJ1cmxfaGFzaCI6IjQxZjA1ZjBkZGQwYTIyYWIyMDlhYzQ2ZjQ3YzQ1NzJkOWNlZmEyNTdlZDc0YjI0MDA0YmFlNzUzZWNlNmMyNjAiLCJwYXlsb2FkX2hhc2giOiJkZmZkNjAyMWJiMmJkNWIwYWY2NzYyOTA4MDllYzNhNTMxOTFkZDgxYzdmNzBhNGIyODY4OGEzNjIxODI5ODZmIn0._H--TOuYFLpeEH39-rg5E3IHVkjHozBcaKVWPRC5m9I';
  const hook = (headers: Record<string, string>, url: string, body: string, now = at) =>
    carrierFor(config, now).carrier.handleWebhook({ method: 'POST', url, headers: { 'content-type': 'text/plain', ...headers }, rawBody: Buffer.from(body) });

  it('accepts the reference token for its URL and payload', async () => {
    expect((await hook({ 'messagebird-signature-jwt': payloadJwt }, '/webhooks/mb?bar=1&foo=2', 'Hello, World!')).status).toBe(200);
  });

  it.each([
    ['another payload', '/webhooks/mb?bar=1&foo=2', 'Hello, World?', at],
    ['another query order', '/webhooks/mb?foo=2&bar=1', 'Hello, World!', at],
    ['after expiry', '/webhooks/mb?bar=1&foo=2', 'Hello, World!', at + 3_600_000],
  ])('refuses it with %s', async (_why, url, body, now) => {
    expect((await hook({ 'messagebird-signature-jwt': payloadJwt }, url, body, now)).status).toBe(401);
  });

  it('reads a signed status report from the query string', async () => {
    const { carrier, receipts } = carrierFor({ ...config, webhook: { url: 'https://relay.example.com/webhooks/mb' } });
    const query = 'id=e8077d803532c0b5937c639b60216938&reference=tx1-0&recipient=447700900001&status=delivery_failed&statusErrorCode=104';
    const jwt = hs256({ iss: 'MessageBird', nbf: NOW / 1000, exp: NOW / 1000 + 60, jti: 'j2', url_hash: createHash('sha256').update(`https://relay.example.com/webhooks/mb?${query}`).digest('hex') }, secret);
    expect((await carrier.handleWebhook({ method: 'GET', url: `/webhooks/mb?${query}`, headers: { 'messagebird-signature-jwt': jwt }, rawBody: Buffer.alloc(0) })).status).toBe(200);
    expect(receipts.map((r) => [r.carrierMessageId, r.stat, r.err])).toEqual([['e8077d803532c0b5937c639b60216938', 'UNDELIV', '104']]);
  });
});
