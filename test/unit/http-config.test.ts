/** The `type: http` carrier in the configuration: presets' required keys, overrides, masking. */
import { describe, expect, it } from 'vitest';
import { resolveHttpSpec } from '../../src/carriers/http/index.js';
import { parseConfig } from '../../src/config/load.js';
import { maskSecrets } from '../../src/config/mask.js';
import type { HttpCarrierConfig } from '../../src/carriers/http/schema.js';

function withCarrier(carrier: Record<string, unknown>) {
  return { carriers: { c: { type: 'http', ...carrier } }, routes: [{ match: '*', carriers: ['c'] }] };
}

function problems(carrier: Record<string, unknown>): string {
  try {
    parseConfig(withCarrier(carrier));
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('validation names the key', () => {
  it.each([
    [{ preset: 'twilio', accountSid: 'AC1' }, 'carriers.c.authToken: required by preset twilio'],
    [{ preset: 'twilio', accountSid: 'AC1', authToken: 't', apiKey: 'k' }, 'carriers.c.apiKey: not used by preset twilio'],
    [{ preset: 'nexmo' }, 'carriers.c.preset'],
    [{ preset: 'telnyx', apiKey: 'k', webhook: { url: 'https://r.example/w' } }, 'carriers.c.publicKey: needed to verify telnyx webhooks'],
    [{ preset: 'telnyx', apiKey: 'k', publicKey: 'c2hvcnQ=', webhook: { url: 'https://r.example/w' } }, 'carriers.c.publicKey: not an Ed25519 public key'],
    [{ preset: 'kannel', username: 'u', password: 'p', webhook: { url: 'https://r.example/w' } }, 'carriers.c.webhook.token: needed to verify kannel webhooks'],
    [{ preset: 'kannel', username: 'u', password: 'p', webhook: { url: 'https://r.example/w', token: 'short' } }, 'carriers.c.webhook.token: use a token of at least 16 characters'],
    [{ preset: 'twilio', accountSid: 'AC1', authToken: 't', webhook: { url: 'ftp://r.example/w' } }, 'carriers.c.webhook.url'],
    [{}, 'carriers.c.request.url: a carrier without a preset needs request.url'],
    [{ request: { url: 'https://x.example/{recipient}' } }, 'carriers.c.request.url: unknown placeholder {recipient}'],
    [{ request: { url: 'https://x.example/', body: { format: 'form', fields: { a: { b: 'c' } } } } }, 'carriers.c.request.body.fields.a: form fields are text'],
    [{ request: { url: 'https://x.example/' }, response: { messageId: { json: 'a..b' } } }, 'carriers.c.response.messageId.json: bad path'],
    [{ request: { url: 'https://x.example/' }, webhook: { url: 'https://r.example/w', token: 'a-long-enough-token' } }, 'carriers.c.webhook.id'],
    [{ preset: 'twilio', accountSid: 'AC1', authToken: 't', frm: 'x' }, 'carriers.c.frm: unknown key'],
    [{ request: { url: 'https://x.example/', auth: { type: 'bearer', token: '{apiToken}' } }, apiToken: 'x' }, 'carriers.c.apiToken: not used by a carrier without a preset'],
  ])('%j', (carrier, message) => {
    expect(problems(carrier)).toContain(message);
  });
});

describe('overrides lay over the preset', () => {
  const config = parseConfig(withCarrier({
    preset: 'twilio', accountSid: 'AC1', authToken: 'tok', from: '+15005550006', responseTimeout: '5s',
    request: { url: 'https://eu1.twilio.example/2010-04-01/Accounts/{account_sid}/Messages.json', headers: { 'X-Trace': '{id}' } },
    response: { errors: [{ status: 400, field: 'code', equals: 21211, outcome: 'temporary', code: 'MINE', dsnStatus: '4.0.0', subject: 'carrier' }] },
    webhook: { url: 'https://relay.example.com/webhooks/c', statuses: { Failed: 'REJECTD' } },
  }));
  const carrier = config.carriers.c as HttpCarrierConfig;
  const spec = resolveHttpSpec(carrier);

  it('keeps defaults and the rest of the preset', () => {
    expect({ timeout: carrier.responseTimeout, connections: carrier.connections, concat: carrier.concat }).toEqual({ timeout: 5_000, connections: 10, concat: 'payload' });
    expect(spec.request.url).toBe('https://eu1.twilio.example/2010-04-01/Accounts/{account_sid}/Messages.json');
    expect(spec.request.headers).toEqual({ 'X-Trace': '{id}' });
    expect(spec.request.body.fields).toHaveProperty('Body', '{text}');
    expect(spec.response.errors[0]).toMatchObject({ code: 'MINE', equals: ['21211'], status: [400] });
    expect(spec.response.errors.map((r) => r.code)).toContain('TWILIO_21211');
    expect(spec.webhook?.statuses.failed).toBe('REJECTD');
    expect(spec.webhook?.statuses.delivered).toBe('DELIVRD');
    expect(spec.webhook?.verify).toMatchObject({ type: 'twilio', secret: 'tok' });
  });

  it('uses the Messaging Service instead of From when one is given', () => {
    const c = parseConfig(withCarrier({ preset: 'twilio', accountSid: 'AC1', authToken: 't', messagingServiceSid: 'MG1' })).carriers.c as HttpCarrierConfig;
    expect(Object.keys(resolveHttpSpec(c).request.body.fields)).toEqual(['To', 'MessagingServiceSid', 'Body', 'StatusCallback']);
  });
});

describe('check-config masks every HTTP secret', () => {
  it.each([
    { preset: 'twilio', accountSid: 'AC1', authToken: 'SECRET-1' },
    { preset: 'vonage', apiKey: 'SECRET-1', apiSecret: 'SECRET-2', signatureSecret: 'SECRET-3' },
    { preset: 'messagebird', apiKey: 'SECRET-1', signingSecret: 'SECRET-2' },
    { preset: 'sinch', servicePlanId: 'plan', apiToken: 'SECRET-1', webhook: { url: 'https://r.example/w', token: 'SECRET-2-long-enough' } },
    { preset: 'kannel', username: 'relay', password: 'SECRET-1' },
    { request: { url: 'https://x.example/', auth: { type: 'header', name: 'X-Key', token: 'SECRET-1' } } },
    { request: { url: 'https://x.example/', auth: { type: 'basic', username: 'u', password: 'SECRET-1' } } },
  ])('%j', (carrier) => {
    expect(JSON.stringify(maskSecrets(parseConfig(withCarrier(carrier))))).not.toContain('SECRET');
  });
});
