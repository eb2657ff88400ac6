import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

let relay: TestRelay;
const url = (path: string) => `http://127.0.0.1:${relay.app.httpPort}${path}`;

beforeAll(async () => {
  relay = await startTestRelay('http-api');
});
afterAll(async () => {
  await relay?.stop();
});

describe('HTTP API', () => {
  it('/healthz answers while the process runs', async () => {
    const response = await fetch(url('/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 with Redis up and a carrier bound, 503 once no carrier is', async () => {
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { redis: string; carriers: { name: string; up: boolean; detail: string }[] };
    expect(body.redis).toBe('ok');
    expect(body.carriers).toEqual([expect.objectContaining({ name: 'primary', up: true, detail: expect.stringContaining('bound') })]);
    await relay.smsc.stop();
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i++) {
      status = (await fetch(url('/readyz'))).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(503);
  });

  it('/metrics exposes the relay counters in Prometheus text format', async () => {
    const { session } = await SmtpSession.open(relay.app.smtpPort);
    await session.command('EHLO t');
    await session.send('a@example.com', ['+4915112345678@sms.localhost'], mail({ Subject: 'm', 'Message-ID': `<m-${Date.now()}@x>` }, 'x'));
    await session.quit();
    const text = await (await fetch(url('/metrics'))).text();
    expect(text).toMatch(/^smtp2sms_smtp_transactions_total\{result="queued"\} 1$/m);
    expect(text).toMatch(/^smtp2sms_carrier_up\{carrier="primary",type="smpp"\} [01]$/m);
    // The SMSC is gone since the readiness test: the message waits in the queue, and says so.
    const jobs = (scrape: string, state: string) => Number(new RegExp(`^smtp2sms_queue_jobs\\{state="${state}"\\} (\\d+)$`, 'm').exec(scrape)?.[1] ?? NaN);
    expect(jobs(text, 'waiting') + jobs(text, 'active') + jobs(text, 'delayed')).toBe(1);
    expect(jobs(text, 'failed')).toBe(0);
  });

  it('/api/messages/:id answers 404 for unknown ids and 400 for malformed ones', async () => {
    expect((await fetch(url('/api/messages/0123456789abcdef0123'))).status).toBe(404);
    expect((await fetch(url('/api/messages/bad%20id'))).status).toBe(400);
  });
});

describe('HTTP API with http.token', () => {
  const TOKEN = 'tok-0123456789abcdef-test';
  let guarded: TestRelay;
  const at = (path: string) => `http://127.0.0.1:${guarded.app.httpPort}${path}`;
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    guarded = await startTestRelay('http-api-token', { http: { port: 0, token: TOKEN } });
  });
  afterAll(async () => {
    await guarded?.stop();
  });

  it.each(['/api/messages/0123456789abcdef0123', '/api/numbers/4915112345678/storm', '/metrics', '/metrics?x=1'])('refuses %s without the token, or with a wrong one', async (path) => {
    for (const init of [{}, bearer('tok-0123456789abcdef-wrong'), { headers: { authorization: TOKEN } }]) {
      const response = await fetch(at(path), init);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain('smtp2sms_');
    }
  });

  it('answers with the token', async () => {
    expect((await fetch(at('/api/messages/0123456789abcdef0123'), bearer(TOKEN))).status).toBe(404);
    expect(await (await fetch(at('/metrics'), bearer(TOKEN))).text()).toContain('smtp2sms_');
  });

  it('leaves /healthz, /readyz and the carrier webhooks open (probes; providers sign their own)', async () => {
    expect((await fetch(at('/healthz'))).status).toBe(200);
    expect((await fetch(at('/readyz'))).status).toBe(200);
    expect((await fetch(at('/webhooks/primary'), { method: 'POST', body: '' })).status).toBe(404); // SMPP: no webhook
  });
});

describe('http.token in the config', () => {
  it('must be long enough to be worth something', async () => {
    await expect(startTestRelay('http-api-short-token', { http: { port: 0, token: 'short' } })).rejects.toThrow(/http\.token: at least 16 characters/);
  });
});
