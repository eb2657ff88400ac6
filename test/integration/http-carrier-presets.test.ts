/**
 * Every preset against a fake of its provider over real HTTP on port 0: the request must be the
 * one the provider documents (path, auth, fields), and each documented answer must be classified
 * as the provider means it (success with id, 4xx about the number, 429 with Retry-After, 5xx).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundSms } from '../../src/carriers/carrier.js';
import { createHttpCarrier, httpCarrierSchema, resolveHttpSpec, type HttpCarrier } from '../../src/carriers/http/index.js';
import { buildSms } from '../../src/sms/index.js';
import { carrierFailure } from '../helpers/carrier-errors.js';
import {
  FakeProviderServer, NUMBERS, clicksend, infobip, kannel, messagebird, plivo, sinch, telnyx, twilio, vonage, type ProviderFake,
} from '../helpers/fake-providers/index.js';

const FAKES: ProviderFake[] = [twilio, vonage, infobip, plivo, telnyx, sinch, messagebird, clicksend, kannel];
const WEBHOOK = 'https://relay.example.com/webhooks/sms';
const TEXT = 'Disk 97% full on db1 & db2: "check now"';
const logger = pino({ level: 'silent' });

function outbound(to: string, id: string): OutboundSms {
  const sms = buildSms(TEXT, { maxSegments: 3, concat: 'payload' });
  return { id, to, from: 'ALERTS', sms, validUntil: Date.now() + 3_600_000, wantReceipt: true, concatRef: 7 };
}


describe.each(FAKES)('preset $preset against its fake', (fake) => {
  let server: FakeProviderServer;
  let carrier: HttpCarrier;

  beforeAll(async () => {
    server = await FakeProviderServer.start(fake.handler);
    carrier = createHttpCarrier(fake.preset, httpCarrierSchema.parse(fake.config(server.origin, WEBHOOK)), { logger });
    await carrier.start();
  });
  afterAll(async () => {
    await carrier.stop();
    await server.close();
  });

  it('sends the documented request and returns the provider id', async () => {
    const result = await carrier.submit(outbound(NUMBERS.ok, 'tx1-0'));
    const expected = fake.ids[0] === '(ours)' ? ['tx1-0'] : fake.ids;
    expect(result).toEqual({ carrier: fake.preset, partIds: expected });
    fake.expectRequest(server.last, { id: 'tx1-0', to: NUMBERS.ok, from: 'ALERTS', text: TEXT, webhookUrl: WEBHOOK });
    expect(carrier.health()).toMatchObject({ up: true, type: 'http' });
  });

  it.each(['invalid', 'throttled', 'down'] as const)('classifies the %s answer as the provider means it', async (scenario) => {
    const err = await carrierFailure(carrier.submit(outbound(NUMBERS[scenario], `tx-${scenario}`)));
    const want = fake.failures[scenario];
    expect({ code: err.code, permanent: err.permanent, subject: err.details.subject }).toEqual({ code: want.code, permanent: want.permanent, subject: want.subject });
    expect(err.details.retryAfterMs).toBe(want.retryAfterMs);
    expect(err.details.carrier).toBe(fake.preset);
    expect(err.details.dsnStatus).toMatch(want.permanent ? /^5\./ : /^4\./);
    expect(err.details.diagnostic).toMatch(/^http; HTTP \d{3}/);
  });

  it('never puts the message text or credentials in the error', async () => {
    const err = await carrierFailure(carrier.submit(outbound(NUMBERS.down, 'tx-secret')));
    expect(err.message).not.toContain('97%');
    const spec = resolveHttpSpec(httpCarrierSchema.parse(fake.config(server.origin, WEBHOOK)));
    for (const value of Object.values(spec.vars)) if (value.length > 8) expect(err.message).not.toContain(value);
  });
});

describe('preset hosts are the documented ones', () => {
  it.each([
    [twilio, 'https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages.json'],
    [vonage, 'https://rest.nexmo.com/sms/json'],
    [plivo, 'https://api.plivo.com/v1/Account/{auth_id}/Message/'],
    [telnyx, 'https://api.telnyx.com/v2/messages'],
    [sinch, 'https://{region}.sms.api.sinch.com/xms/v1/{service_plan_id}/batches'],
    [messagebird, 'https://rest.messagebird.com/messages'],
    [clicksend, 'https://rest.clicksend.com/v3/sms/send'],
  ])('%s', (fake, url) => {
    const config = { ...fake.config('https://unused.example', WEBHOOK) };
    delete config.request;
    expect(resolveHttpSpec(httpCarrierSchema.parse(config)).request.url).toBe(url);
  });
});
