/**
 * A captured Plivo V2 callback (its signature covers the URL and a nonce, not the body) replayed
 * to another relay process, with another status, must be refused: the nonces seen are shared in
 * Redis, not kept per process. Two whole relays on one Redis prefix, callbacks over real HTTP.
 * And when Redis cannot say whether a nonce is new, the provider is told to retry (503).
 */
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CarrierReceipt } from '../../src/carriers/carrier.js';
import { createHttpCarrier, httpCarrierSchema } from '../../src/carriers/http/index.js';
import { RedisNonces } from '../../src/carriers/http/verify/index.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, startTestRelay, uniquePrefix, type TestRelay } from '../helpers/relay.js';

const PUBLIC_WEBHOOK = 'https://relay.example.test/webhooks/plivo';
const TOKEN = 'plivo-auth-token-0123456789';
const plivo = { type: 'http', preset: 'plivo', authId: 'MA1', authToken: TOKEN, webhook: { url: PUBLIC_WEBHOOK } };

let relayA: TestRelay;
let relayB: TestRelay;

beforeAll(async () => {
  const shared = { redis: { url: REDIS_URL, prefix: uniquePrefix('webhook-replay') }, carriers: { plivo }, routes: [{ match: '*', carriers: ['plivo'] }] };
  relayA = await startTestRelay('webhook-replay', shared);
  relayB = await startTestRelay('webhook-replay', shared);
});

afterAll(async () => {
  await relayA?.stop();
  await relayB?.stop();
});

const signedV2 = (nonce: string) => ({
  'content-type': 'application/x-www-form-urlencoded',
  'x-plivo-signature-v2': createHmac('sha256', TOKEN).update(`${PUBLIC_WEBHOOK}${nonce}`).digest('base64'),
  'x-plivo-signature-v2-nonce': nonce,
});
const callback = (status: string) => new URLSearchParams({ MessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196', Status: status, ErrorCode: '000' }).toString();

async function post(relay: TestRelay, headers: Record<string, string>, body: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${relay.app.httpPort}/webhooks/plivo`, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}

describe('a Plivo callback replayed', () => {
  it('to another relay process, with another status, is refused', async () => {
    const nonce = `n${Date.now()}`;
    expect(await post(relayA, signedV2(nonce), callback('delivered'))).toBe(200);
    expect(await post(relayB, signedV2(nonce), callback('failed'))).toBe(401);
    expect(await post(relayA, signedV2(nonce), callback('failed'))).toBe(401);
    // A new nonce is welcome at either.
    expect(await post(relayB, signedV2(`${nonce}b`), callback('delivered'))).toBe(200);
  });
});

describe('a signed callback whose receipt could not be stored', () => {
  it('is answered 503 and taken when the provider sends it again with the same nonce', async () => {
    const redis = new Redis(REDIS_URL);
    const carrier = createHttpCarrier('plivo', httpCarrierSchema.parse(plivo), { logger: pino({ level: 'silent' }), nonces: new RedisNonces(redis, uniquePrefix('webhook-replay-nonces')) });
    let storing = false;
    const receipts: CarrierReceipt[] = [];
    carrier.onReceipt((r) => {
      if (!storing) throw new Error('Redis is down');
      receipts.push(r);
    });
    const request = { method: 'POST', url: '/webhooks/plivo', headers: signedV2('retried-1'), rawBody: Buffer.from(callback('delivered')) };
    expect((await carrier.handleWebhook(request)).status).toBe(503);
    storing = true;
    expect((await carrier.handleWebhook(request)).status).toBe(200);
    expect(receipts.map((r) => r.stat)).toEqual(['DELIVRD']);
    // Acknowledged now: the same nonce once more is a replay.
    expect((await carrier.handleWebhook(request)).status).toBe(401);
    redis.disconnect();
  });
});

describe('a signed callback whose nonce cannot be checked (Redis unreachable)', () => {
  let deadRedis: Redis;
  beforeAll(async () => {
    deadRedis = new Redis({ port: await freePort(), host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
  });
  afterAll(() => deadRedis?.disconnect());

  it('is answered 503, so the provider retries it, and yields no receipt', async () => {
    const carrier = createHttpCarrier('plivo', httpCarrierSchema.parse(plivo), { logger: pino({ level: 'silent' }), nonces: new RedisNonces(deadRedis, 'x') });
    const receipts: CarrierReceipt[] = [];
    carrier.onReceipt((r) => receipts.push(r));
    const res = await carrier.handleWebhook({ method: 'POST', url: '/webhooks/plivo', headers: signedV2('77'), rawBody: Buffer.from(callback('delivered')) });
    expect(res.status).toBe(503);
    expect(receipts).toEqual([]);
  });
});
