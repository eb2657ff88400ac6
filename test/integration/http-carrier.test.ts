/**
 * The generic HTTP carrier over real HTTP: a carrier configured entirely in YAML-shaped data,
 * transport failures (timeout, refused), Retry-After as a date, keep-alive, segment limits,
 * and a retry after acceptance that must not send twice.
 */
import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundSms } from '../../src/carriers/carrier.js';
import { createHttpCarrier, httpCarrierSchema, type HttpCarrier } from '../../src/carriers/http/index.js';
import { buildSms } from '../../src/sms/index.js';
import { carrierFailure } from '../helpers/carrier-errors.js';
import { FakeProviderServer, vonage, type FakeReply } from '../helpers/fake-providers/index.js';

const logger = pino({ level: 'silent' });
let server: FakeProviderServer;
let next: FakeReply = { status: 200, body: {} };
const carriers: HttpCarrier[] = [];

beforeAll(async () => {
  server = await FakeProviderServer.start(() => next);
});
afterEach(async () => {
  await Promise.all(carriers.splice(0).map((c) => c.stop()));
});
afterAll(async () => server.close());

function outbound(text = 'Server db1 is down', extra: Partial<OutboundSms> = {}): OutboundSms {
  return { id: 'tx9-0', to: '+15555550100', from: 'ALERTS', sms: buildSms(text, { maxSegments: 10, concat: 'payload' }), wantReceipt: true, concatRef: 1, ...extra };
}

async function carrier(config: Record<string, unknown>, now?: () => number): Promise<HttpCarrier> {
  const c = createHttpCarrier('generic', httpCarrierSchema.parse({ type: 'http', ...config }), { logger, ...(now ? { now } : {}) });
  await c.start();
  carriers.push(c);
  return c;
}


const GENERIC = () => ({
  request: {
    method: 'PUT',
    url: `${server.origin}/api/v1/sms/{to_digits}?ref={id}`,
    headers: { 'X-Client': 'smtp2sms' },
    auth: { type: 'header', name: 'X-API-Key', token: 'generic-secret-key' },
    body: { format: 'json', fields: { recipient: '{to}', sender: '{from}', message: { text: '{text}', parts: '{parts}', unicode: '{unicode}', coding: '{encoding|gsm7=7bit|ucs2=16bit}' }, callback: '{webhook_url}' } },
  },
  response: {
    success: { status: [200], field: 'result', equals: 'queued' },
    messageId: { header: 'Location' },
    reason: ['error.message'],
    errors: [{ status: 200, field: 'error.code', equals: ['BAD_NUMBER', 'NO_SUCH_NUMBER'], outcome: 'permanent', code: 'GEN_BAD_NUMBER', dsnStatus: '5.1.1', subject: 'number' }],
  },
});

describe('a generic carrier configured as data', () => {
  it('builds the request from placeholders and reads the id from a header', async () => {
    next = { status: 200, headers: { location: 'msg-7781' }, body: { result: 'queued' } };
    const c = await carrier(GENERIC());
    const text = 'x'.repeat(200) + ' é';
    expect(await c.submit(outbound(text))).toEqual({ carrier: 'generic', partIds: ['msg-7781'] });
    const req = server.last;
    expect(req.method).toBe('PUT');
    expect(req.path).toBe('/api/v1/sms/15555550100');
    expect(req.query.get('ref')).toBe('tx9-0');
    expect(req.headers['x-api-key']).toBe('generic-secret-key');
    expect(req.headers['x-client']).toBe('smtp2sms');
    expect(req.json).toEqual({ recipient: '+15555550100', sender: 'ALERTS', message: { text, parts: 2, unicode: false, coding: '7bit' } });
  });

  it('applies its own rules to a 200 that is a refusal, with the provider words as reason', async () => {
    next = { status: 200, body: { result: 'error', error: { code: 'BAD_NUMBER', message: 'number does not exist' } } };
    const err = await carrierFailure((await carrier(GENERIC())).submit(outbound()));
    expect({ code: err.code, permanent: err.permanent, subject: err.details.subject, dsn: err.details.dsnStatus }).toEqual({ code: 'GEN_BAD_NUMBER', permanent: true, subject: 'number', dsn: '5.1.1' });
    expect(err.message).toBe('generic: HTTP 200: number does not exist');
  });

  it('keeps the message text out of a reason that quotes the request back', async () => {
    const text = 'Disk full on db-7 payroll volume at 98%, backups halted';
    next = { status: 200, body: { result: 'error', error: { code: 'BAD_NUMBER', message: `rejected message "${text}" to +15555550100: number does not exist` } } };
    const err = await carrierFailure((await carrier(GENERIC())).submit(outbound(text)));
    expect(err.message).toBe('generic: HTTP 200: rejected message "[message text]" to +15555550100: number does not exist');
    expect(err.details.diagnostic).not.toContain('payroll');
  });

  it("keeps the carrier's credentials out of a reason that quotes the request back", async () => {
    const echo = 'auth failed for X-API-Key: generic-secret-key (sent as generic-secret-key%20) on /api/v1/sms';
    next = { status: 200, body: { result: 'error', error: { code: 'BAD_NUMBER', message: echo } } };
    const err = await carrierFailure((await carrier(GENERIC())).submit(outbound()));
    expect(err.message).toBe('generic: HTTP 200: auth failed for X-API-Key: [secret] (sent as [secret]%20) on /api/v1/sms');
    expect(JSON.stringify(err.details)).not.toContain('generic-secret-key');
  });

  it('keeps a Basic auth header out of a reason that quotes it back, though its base64 is in no config', async () => {
    const basic = Buffer.from('acct-77:pw-correct-horse', 'utf8').toString('base64');
    next = { status: 401, body: { result: 'error', error: { code: 'AUTH', message: `bad credentials in "Authorization: Basic ${basic}"` } } };
    const config = GENERIC();
    const err = await carrierFailure((await carrier({ ...config, request: { ...config.request, auth: { type: 'basic', username: 'acct-77', password: 'pw-correct-horse' } } })).submit(outbound()));
    expect(server.last.headers.authorization).toBe(`Basic ${basic}`);
    expect(err.message).toContain('bad credentials in "Authorization: [secret]"');
    expect(JSON.stringify(err.details)).not.toContain(basic);
  });

  it('treats a 2xx it does not recognise as temporary: unknown is never proof of failure', async () => {
    next = { status: 200, body: { result: 'maybe' } };
    const err = await carrierFailure((await carrier(GENERIC())).submit(outbound()));
    expect({ code: err.code, permanent: err.permanent }).toEqual({ code: 'HTTP_200_UNRECOGNISED_REPLY', permanent: false });
  });

  it('keeps the connection alive across submissions', async () => {
    next = { status: 200, headers: { location: 'm' }, body: { result: 'queued' } };
    const c = await carrier(GENERIC());
    const ports = new Set<number>();
    for (let i = 0; i < 6; i++) {
      await c.submit(outbound());
      ports.add(server.last.remotePort);
    }
    // undici's pool may open a second socket while the first is being released; never one per request.
    expect(ports.size).toBeLessThanOrEqual(2);
  });
});

describe('transport failures are temporary', () => {
  it('a reply that does not come within responseTimeout', async () => {
    next = { status: 200, hang: true };
    const c = await carrier({ ...GENERIC(), responseTimeout: '300ms' });
    const started = Date.now();
    const err = await carrierFailure(c.submit(outbound()));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect({ code: err.code, permanent: err.permanent, dsn: err.details.dsnStatus }).toEqual({ code: 'HTTP_TIMEOUT', permanent: false, dsn: '4.4.1' });
  });

  it('a refused connection', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const c = await carrier({ request: { url: `http://127.0.0.1:${port}/send` } });
    const err = await carrierFailure(c.submit(outbound()));
    expect({ code: err.code, permanent: err.permanent }).toEqual({ code: 'HTTP_UNAVAILABLE', permanent: false });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('a stopped carrier', async () => {
    const c = await carrier(GENERIC());
    await c.stop();
    expect((await carrierFailure(c.submit(outbound()))).permanent).toBe(false);
    expect(c.health().up).toBe(false);
  });
});

describe('a reply whose body breaks off after its status', () => {
  // The provider answered: a success status means it most likely has the message, and sending it
  // again could put it on the phone twice.
  it.each(['stall', 'reset'] as const)('after a success status (%s) is taken as accepted, with the id from its headers', async (breakOff) => {
    next = { status: 200, headers: { location: 'msg-55' }, body: { result: 'queued', padding: 'x'.repeat(64) }, breakOff };
    const c = await carrier({ ...GENERIC(), responseTimeout: '300ms' });
    const before = server.requests.length;
    expect(await c.submit(outbound())).toEqual({ carrier: 'generic', partIds: ['msg-55'] });
    expect(server.requests.length - before).toBe(1);
  });

  it('after an error status is still a temporary failure', async () => {
    next = { status: 503, body: { error: { message: 'busy' } }, breakOff: 'reset' };
    const err = await carrierFailure((await carrier({ ...GENERIC(), responseTimeout: '300ms' })).submit(outbound()));
    expect(err.permanent).toBe(false);
  });
});

describe('Retry-After', () => {
  it('as an HTTP date, measured from the carrier clock', async () => {
    const now = Date.parse('2026-01-05T10:00:00Z');
    next = { status: 503, headers: { 'retry-after': 'Mon, 05 Jan 2026 10:02:00 GMT' }, body: 'maintenance' };
    const err = await carrierFailure((await carrier({ request: { url: `${server.origin}/send` } }, () => now)).submit(outbound()));
    expect({ code: err.code, permanent: err.permanent, retryAfterMs: err.details.retryAfterMs }).toEqual({ code: 'HTTP_503_SERVICE_UNAVAILABLE', permanent: false, retryAfterMs: 120_000 });
  });
});

describe('segments', () => {
  it('refuses, without sending, a message longer than the carrier takes (so routing can fail over)', async () => {
    const before = server.requests.length;
    const c = await carrier({ ...GENERIC(), maxSegments: 2 });
    const err = await carrierFailure(c.submit(outbound('y'.repeat(400))));
    expect({ code: err.code, permanent: err.permanent, subject: err.details.subject }).toEqual({ code: 'HTTP_TOO_MANY_SEGMENTS', permanent: true, subject: 'carrier' });
    expect(server.requests.length).toBe(before);
  });

  it('does not send again what the carrier already accepted', async () => {
    const before = server.requests.length;
    const c = await carrier(GENERIC());
    expect(await c.submit(outbound('z', { acceptedPartIds: ['msg-1'] }))).toEqual({ carrier: 'generic', partIds: ['msg-1'] });
    expect(server.requests.length).toBe(before);
  });

  it('sends UCS-2 text as Vonage unicode', async () => {
    server.handler = vonage.handler;
    try {
      const c = await carrier(vonage.config(server.origin, 'https://relay.example/webhooks/v'));
      await c.submit(outbound('Überlastung 😀', { to: '+447700900001' }));
      expect(server.last.form?.get('type')).toBe('unicode');
      expect(server.last.form?.get('text')).toBe('Überlastung 😀');
    } finally {
      server.handler = () => next;
    }
  });
});
