/**
 * An HTTP carrier inside the whole relay: the twilio preset against its fake provider over real
 * HTTP, its signed status callbacks POSTed to `/webhooks/twilio` ending in a DSN (or, with a bad
 * signature, in 401 and nothing at all), and failover from a dead SMPP primary to the HTTP backup.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProviderServer, twilio, type FakeReply, type RecordedRequest } from '../helpers/fake-providers/index.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { SmtpSink, parseDsn } from '../helpers/smtp-sink.js';
import { freePort } from '../helpers/ports.js';

/** The public URL Twilio is told to call (behind a proxy); signatures are over it, not 127.0.0.1. */
const PUBLIC_WEBHOOK = 'https://relay.example.test/webhooks/twilio';
const FAILOVER_PREFIX = '+4915100007';

let relay: TestRelay;
let sink: SmtpSink;
let provider: FakeProviderServer;
let authToken: string;
let accountSid: string;
let sids = 0;

/** The Twilio fake, with a distinct message sid per accepted request (receipts are matched by it). */
function handler(request: RecordedRequest): FakeReply {
  const reply = twilio.handler(request);
  if (reply.status !== 201) return reply;
  sids += 1;
  return { ...reply, body: { ...(reply.body as object), sid: `SM${sids.toString(16).padStart(32, '0')}` } };
}


beforeAll(async () => {
  sink = new SmtpSink();
  const sinkPort = await sink.start();
  provider = await FakeProviderServer.start(handler);
  const twilioConfig = twilio.config(provider.origin, PUBLIC_WEBHOOK);
  authToken = twilioConfig.authToken as string;
  accountSid = twilioConfig.accountSid as string;
  const deadPort = await freePort();
  relay = await startTestRelay('http-webhook-dsn', {
    bounces: { from: 'MAILER-DAEMON@sms.test', smtp: { host: '127.0.0.1', port: sinkPort }, aggregate: 200 },
    smtp: { port: 0, domains: ['sms.localhost'], hostname: 'relay.test' },
    carriers: {
      dead: { type: 'smpp', port: deadPort, systemId: 'test', password: 'secret', responseTimeout: 1000, reconnect: { initial: 100, max: 300 } },
      twilio: twilioConfig,
    },
    routes: [{ match: FAILOVER_PREFIX, carriers: ['dead', 'twilio'] }, { match: '*', carriers: ['twilio'] }],
  });
});
afterAll(async () => {
  await relay?.stop();
  await provider?.close();
  await sink?.stop();
});

let seq = 0;
/** One mail over SMTP; returns the queue id. */
async function send(sender: string, number: string, subject: string, body = `probe ${seq + 1}`): Promise<string> {
  seq += 1;
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  try {
    await session.command('EHLO client.test');
    const result = await session.send(sender, [`${number}@sms.localhost`], mail({ From: 'Monitoring <alerts@example.com>', Subject: subject, 'Message-ID': `<hook-${seq}-${Date.now()}@example.com>` }, body));
    expect(result.data?.code).toBe(250);
    return result.data!.text.split(' ').pop()!;
  } finally {
    await session.quit();
  }
}

interface Recipient {
  state: string;
  route?: string;
  attempts: number;
  carrier?: string;
  dsnStatus?: string;
  diagnostic?: string;
  parts: { id: string; stat?: string; err?: string; state: string }[];
  dsn: Record<string, number>;
  tried?: { carrier: string; code: string; reason: string }[];
}

async function recipientOf(id: string): Promise<Recipient> {
  const body = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: Recipient[] };
  return body.recipients[0]!;
}

async function waitFor(id: string, done: (r: Recipient) => boolean, what: string): Promise<Recipient> {
  const deadline = Date.now() + 10_000;
  let last: Recipient | undefined;
  while (Date.now() < deadline) {
    last = await recipientOf(id);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`message ${id} never became ${what}: ${JSON.stringify(last)}`);
}

/** Twilio's X-Twilio-Signature: HMAC-SHA1(auth token, URL + each POST parameter sorted as name+value), base64. */
function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((key) => key + params[key]).join('');
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/** A status callback as Twilio posts it (form body). */
function statusCallback(sid: string, to: string, status: string, errorCode?: string): Record<string, string> {
  return {
    AccountSid: accountSid, ApiVersion: '2010-04-01', From: 'ALERTS', MessageSid: sid, MessageStatus: status, SmsSid: sid, SmsStatus: status, To: to,
    ...(errorCode ? { ErrorCode: errorCode } : {}),
  };
}

async function postCallback(params: Record<string, string>, signature: string | undefined): Promise<Response> {
  return fetch(`http://127.0.0.1:${relay.app.httpPort}/webhooks/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== undefined ? { 'x-twilio-signature': signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });
}

describe('Twilio status callbacks through the relay', () => {
  it('a signed UNDELIVERED callback with an error code gives a failure DSN with an http; Diagnostic-Code', async () => {
    const number = '+447700900111';
    const id = await send('ops@example.com', number, 'Hook failure');
    const submitted = await waitFor(id, (r) => r.state === 'submitted', 'submitted');
    expect(submitted.carrier).toBe('twilio');
    const sid = submitted.parts[0]!.id;
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(provider.requests.some((r) => r.form?.get('To') === number && r.form.get('StatusCallback') === PUBLIC_WEBHOOK)).toBe(true);

    const params = statusCallback(sid, number, 'undelivered', '30003');
    const res = await postCallback(params, twilioSignature(authToken, PUBLIC_WEBHOOK, params));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1 });

    const dsnMail = await sink.waitFor((m) => m.to.includes('ops@example.com') && m.raw.includes('Hook failure'));
    expect(dsnMail.from).toBe('');
    const dsn = parseDsn(dsnMail.raw);
    expect(dsn.perMessage['reporting-mta']).toBe('dns; relay.test');
    expect(dsn.perRecipient).toHaveLength(1);
    expect(dsn.perRecipient[0]).toMatchObject({
      'final-recipient': `rfc822;${number}@sms.localhost`,
      action: 'failed',
      'diagnostic-code': 'http; stat:UNDELIV err:30003',
    });
    expect(dsn.perRecipient[0]!.status).toBe('5.0.0'); // UNDELIV; Twilio's 30003 is no GSM MAP cause to refine it

    const final = await recipientOf(id);
    expect(final).toMatchObject({ state: 'failed', diagnostic: 'http; stat:UNDELIV err:30003' });
    expect(final.parts[0]).toMatchObject({ stat: 'UNDELIV', err: '30003' });
  });

  it('a signed "failed" callback is a failure too', async () => {
    const number = '+447700900112';
    const id = await send('ops2@example.com', number, 'Hook failed');
    const sid = (await waitFor(id, (r) => r.state === 'submitted', 'submitted')).parts[0]!.id;
    const params = statusCallback(sid, number, 'failed', '30008');
    expect((await postCallback(params, twilioSignature(authToken, PUBLIC_WEBHOOK, params))).status).toBe(200);
    const dsn = parseDsn((await sink.waitFor((m) => m.to.includes('ops2@example.com'))).raw);
    expect(dsn.perRecipient[0]).toMatchObject({ action: 'failed', 'diagnostic-code': 'http; stat:UNDELIV err:30008' });
  });

  it('a callback with a bad signature gets 401 and changes nothing: same status, no DSN', async () => {
    const number = '+447700900113';
    const sender = 'forged@example.com';
    const id = await send(sender, number, 'Hook forged');
    const before = await waitFor(id, (r) => r.state === 'submitted', 'submitted');
    const sid = before.parts[0]!.id;
    const params = statusCallback(sid, number, 'undelivered', '30003');
    const honest = twilioSignature(authToken, PUBLIC_WEBHOOK, params);
    const attempts: [string, Record<string, string>, string | undefined][] = [
      ['no signature', params, undefined],
      ['signed with another token', params, twilioSignature('not-the-auth-token-000000', PUBLIC_WEBHOOK, params)],
      ['signed for another URL', params, twilioSignature(authToken, 'https://attacker.example/webhooks/twilio', params)],
      ['body changed after signing', { ...params, ErrorCode: '30005' }, honest],
      ['signature of a delivered callback on an undelivered body', params, twilioSignature(authToken, PUBLIC_WEBHOOK, { ...params, MessageStatus: 'delivered', SmsStatus: 'delivered' })],
    ];
    for (const [why, body, signature] of attempts) {
      const res = await postCallback(body, signature);
      expect(res.status, why).toBe(401);
      expect(await res.json(), why).toEqual({ error: 'invalid signature' });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several aggregate windows
    expect(await recipientOf(id)).toEqual(before);
    expect(sink.mails.filter((m) => m.to.includes(sender))).toHaveLength(0);

    // The message was still open all along: the genuine callback is taken and bounces.
    expect((await postCallback(params, honest)).status).toBe(200);
    const dsn = parseDsn((await sink.waitFor((m) => m.to.includes(sender))).raw);
    expect(dsn.perRecipient[0]).toMatchObject({ action: 'failed', 'diagnostic-code': 'http; stat:UNDELIV err:30003' });
  });

  it('a signed "delivered" callback marks the message delivered, with no DSN by default', async () => {
    const number = '+447700900114';
    const sender = 'happy@example.com';
    const id = await send(sender, number, 'Hook delivered');
    const sid = (await waitFor(id, (r) => r.state === 'submitted', 'submitted')).parts[0]!.id;
    const params = statusCallback(sid, number, 'delivered');
    expect((await postCallback(params, twilioSignature(authToken, PUBLIC_WEBHOOK, params))).status).toBe(200);
    const r = await waitFor(id, (x) => x.state === 'delivered', 'delivered');
    expect(r.parts[0]).toMatchObject({ stat: 'DELIVRD' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.mails.filter((m) => m.to.includes(sender))).toHaveLength(0);
  });
});

describe('failover from SMPP to HTTP', () => {
  it('primary SMPP carrier down (closed port): the HTTP backup delivers, and the provider gets the request', async () => {
    const ready = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/readyz`)).json()) as { carriers: { name: string; up: boolean }[] };
    expect(Object.fromEntries(ready.carriers.map((c) => [c.name, c.up]))).toEqual({ dead: false, twilio: true });
    const number = `${FAILOVER_PREFIX}01`;
    const id = await send('ops@example.com', number, 'Failover', 'db-01 is down');
    const r = await waitFor(id, (x) => x.state === 'submitted', 'submitted');
    expect(r).toMatchObject({ route: FAILOVER_PREFIX, carrier: 'twilio' });
    const request = provider.requests.find((q) => q.form?.get('To') === number);
    expect(request).toBeDefined();
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    twilio.expectRequest(request!, { id, to: number, from: 'ALERTS', text: 'Failover: db-01 is down', webhookUrl: PUBLIC_WEBHOOK });
    expect(r.parts[0]!.id).toMatch(/^SM[0-9a-f]{32}$/);
    // A carrier known to be down is tried after those that are up (docs/carriers.md), so the
    // backup took it at the first attempt without waiting for the primary's timeout.
    expect(r.tried ?? []).toEqual([]);
    expect(r.attempts).toBe(1);
  });
});
