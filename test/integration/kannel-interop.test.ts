/**
 * Interoperability with a real independent server: Kannel's smsbox takes the kannel preset's
 * `/cgi-bin/sendsms` requests, bearerbox sends them over SMPP to our SMSC simulator, and the
 * simulator's receipts come back through Kannel's dlr-url to the relay's webhook.
 *
 *   SMTP → relay (kannel preset) → smsbox → bearerbox → SMPP → simulator
 *   simulator → deliver_sm → bearerbox → smsbox → GET /webhooks/kannel → status API
 *
 * Needs the Debian package `kannel` (bearerbox, smsbox); skipped, saying so, where it is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/observability/logger.js';
import { findKannel, freePorts, startKannel, type RunningKannel } from '../helpers/kannel.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

const bins = findKannel();
const KANNEL_USER = { username: 'relay-user', password: 'relay-pass-42' };
const WEBHOOK_TOKEN = 'kannel-dlr-token-0123456789';
const KANNEL_SYSTEM_ID = 'kannelbox';

let relay: TestRelay | undefined;
let kannel: RunningKannel | undefined;

if (!bins) {
  it.skip('Kannel interop SKIPPED: bearerbox/smsbox not found in PATH or /usr/sbin (install the Debian package: apt-get install -y kannel)', () => undefined);
} else {
  describe('Kannel between the kannel HTTP preset and our SMSC simulator', () => {
    beforeAll(async () => {
      // startTestRelay's own simulator is the SMSC; its port is known from the default SMPP carrier,
      // so the relay is then restarted with the kannel carrier as its only route (as failover.test).
      const started = await startTestRelay('kannel', {}, { deliveryReceipts: { enabled: true, delayMs: 50 } });
      const smscPort = (started.config.carriers.primary as { port: number }).port;
      await started.app.stop();
      relay = { ...started, stop: () => started.smsc.stop() };
      // The relay must know smsbox's URL and its own webhook URL before either is running: probe.
      const [admin, smsbox, sendsms, httpPort] = (await freePorts(4)) as [number, number, number, number];
      const config = parseConfig({
        ...started.config,
        http: { ...started.config.http, port: httpPort },
        sms: { ...started.config.sms, maxSegments: 6 },
        carriers: {
          kannel: {
            type: 'http', preset: 'kannel', baseUrl: `http://127.0.0.1:${sendsms}`, ...KANNEL_USER, responseTimeout: '5s',
            webhook: { url: `http://127.0.0.1:${httpPort}/webhooks/kannel`, token: WEBHOOK_TOKEN },
          },
        },
        routes: [{ match: '*', carriers: ['kannel'] }],
      });
      const app = await startApp(config, silentLogger());
      relay = { ...started, config, app, stop: async () => {
        await app.stop();
        await started.smsc.stop();
      } };
      kannel = await startKannel(bins, { smscPort, systemId: KANNEL_SYSTEM_ID, systemPassword: 'any-pw', ...KANNEL_USER, ports: { admin, smsbox, sendsms } });
    });
    afterAll(async () => {
      try {
        await kannel?.stop();
      } finally {
        await relay?.stop();
      }
    });

    it('a mail arrives at the SMSC through Kannel: destination, concatenated text reassembled, GSM-7 data coding', async () => {
      const r = relay!;
      r.smsc.reset();
      const body = `db-01 /var at 97% @ 03:00, cost 5€ [ticket {42}] ${'padding words '.repeat(16)}end`;
      await send(r, '+4915112345678', 'disk full', body);
      const [sms] = await r.smsc.waitForMessages(1, 10_000).catch(withLogs);
      expect(sms!.destination).toBe('4915112345678');
      expect(sms!.source).toBe('ALERTS');
      expect(sms!.text).toBe(`disk full: ${body}`);
      expect(sms!.dataCoding).toBe(0);
      // Kannel, not our SMPP client, cut it: its bind, its UDH, more than one part.
      expect(sms!.parts.length).toBeGreaterThan(1);
      for (const part of sms!.parts) {
        expect(part.systemId).toBe(KANNEL_SYSTEM_ID);
        expect(part.dataCoding).toBe(0);
        expect(part.esmClass & 0x40).toBe(0x40);
        expect(part.udh?.[0]).toBe(0x00); // IEI 8-bit reference concatenation
      }
      // dlr-mask asked for a receipt; Kannel requests it on the first part of a split message.
      expect(sms!.parts[0]!.registeredDelivery & 0x01).toBe(1);
    });

    it('text outside GSM-7 arrives as UCS-2 (data_coding 8)', async () => {
      const r = relay!;
      r.smsc.reset();
      await send(r, '+4915112345679', 'Сервер недоступен', 'db-02 ✓');
      const [sms] = await r.smsc.waitForMessages(1, 10_000).catch(withLogs);
      expect(sms!.destination).toBe('4915112345679');
      expect(sms!.dataCoding).toBe(8);
      expect(sms!.text).toBe('Сервер недоступен: db-02 ✓');
      expect(sms!.parts.every((p) => p.systemId === KANNEL_SYSTEM_ID)).toBe(true);
    });

    it("the simulator's delivery receipts come back through Kannel's dlr-url: the status API shows delivered", async () => {
      const r = relay!;
      r.smsc.reset();
      const short = await send(r, '+4915112345680', 'receipt check', 'db-03 load 12');
      const long = await send(r, '+4915112345681', 'receipt check long', `db-04 ${'load high '.repeat(25)}`);
      const messages = await r.smsc.waitForMessages(2, 10_000).catch(withLogs);
      expect(messages.map((m) => m.parts.length).sort()).toEqual([1, 2]);
      for (const id of [short, long]) {
        const recipient = await waitForState(r, id, 'delivered');
        expect(recipient.carrier).toBe('kannel');
        expect(recipient.parts[0]).toMatchObject({ stat: 'DELIVRD' });
      }
    });
  });
}

interface MessageStatus {
  recipients: { state: string; carrier?: string; parts: { stat?: string; err?: string; id: string }[] }[];
}

/** Polls the status API until the message's first recipient is in `state` (10 s at most). */
async function waitForState(r: TestRelay, id: string, state: string): Promise<MessageStatus['recipients'][number]> {
  let status: MessageStatus | undefined;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    status = await statusOf(r, id);
    if (status.recipients[0]?.state === state) return status.recipients[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`message ${id} is not ${state}: ${JSON.stringify(status)}\n${kannel?.logs() ?? ''}`);
}

let seq = 0;
/** One mail over SMTP to `number`; returns the queue id. */
async function send(r: TestRelay, number: string, subject: string, body: string): Promise<string> {
  seq += 1;
  const { session } = await SmtpSession.open(r.app.smtpPort);
  try {
    await session.command('EHLO client.test');
    const raw = mail({ From: 'monitor@example.com', Subject: subject, 'Message-ID': `<kannel-${seq}-${Date.now()}@example.com>`, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': '8bit' }, body);
    const result = await session.send('monitor@example.com', [`${number}@sms.localhost`], Buffer.from(raw, 'utf8').toString('latin1'));
    expect(result.data?.code).toBe(250);
    return result.data!.text.split(' ').pop()!;
  } finally {
    await session.quit();
  }
}

async function statusOf(r: TestRelay, id: string): Promise<MessageStatus> {
  return (await (await fetch(`http://127.0.0.1:${r.app.httpPort}/api/messages/${id}`)).json()) as MessageStatus;
}

/** A timeout at the simulator says little by itself: add what Kannel logged. */
function withLogs(err: Error): never {
  throw new Error(`${err.message}\n${kannel?.logs() ?? ''}`);
}
