import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay('relay-smtp');
});
afterAll(async () => {
  await relay?.stop();
});

async function open() {
  const { session, greeting } = await SmtpSession.open(relay.app.smtpPort);
  expect(greeting.code).toBe(220);
  expect((await session.command('EHLO client.test')).code).toBe(250);
  return session;
}

let seq = 0;
function alert(subject: string, body: string, extra: Record<string, string> = {}) {
  seq += 1;
  return mail({ From: 'monitor@example.com', To: '+4915112345678@sms.localhost', Subject: subject, 'Message-ID': `<t${seq}.${Date.now()}@example.com>`, ...extra }, body);
}

describe('SMTP to SMSC', () => {
  it('queues a mail and delivers it as one GSM-7 SMS', async () => {
    relay.smsc.reset();
    const session = await open();
    const result = await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], alert('disk full', 'db-01 /var at 97%'));
    expect(result.mail.code).toBe(250);
    expect(result.rcpt[0]!.code).toBe(250);
    expect(result.data!.code).toBe(250);
    expect(result.data!.text).toMatch(/^2\.0\.0 Ok: queued as [0-9a-f]{20}$/);
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.destination).toBe('4915112345678');
    expect(sms!.source).toBe('ALERTS');
    expect(sms!.dataCoding).toBe(0);
    expect(sms!.parts).toHaveLength(1);
    expect(sms!.text).toBe('disk full: db-01 /var at 97%');
    expect(sms!.parts[0]!.registeredDelivery & 1).toBe(1);
    await session.quit();
  });

  it('cuts a long mail into concatenated parts with a UDH, and the handset text reassembles', async () => {
    relay.smsc.reset();
    const body = Array.from({ length: 80 }, (_, i) => `line${i} ok`).join(' ');
    const session = await open();
    const result = await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], alert('report', body));
    expect(result.data!.code).toBe(250);
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.parts.length).toBe(3);
    const ref = sms!.parts[0]!.shortMessage[3];
    sms!.parts.forEach((part, i) => {
      expect(part.esmClass & 0x40).toBe(0x40);
      expect([...part.shortMessage.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, ref, 3, i + 1]);
      expect(part.body.length).toBeLessThanOrEqual(153);
    });
    expect(sms!.text.startsWith(`report: ${body.slice(0, 200)}`)).toBe(true);
    expect(sms!.text.endsWith('...')).toBe(true); // cut to maxSegments 3 with a marker
    await session.quit();
  });

  it('sends text outside GSM-7 as UCS-2', async () => {
    relay.smsc.reset();
    const session = await open();
    const raw = mail(
      { From: 'monitor@example.com', To: 'x@sms.localhost', Subject: '=?UTF-8?B?0KHQtdGA0LLQtdGAINC90LXQtNC+0YHRgtGD0L/QtdC9?=', 'Message-ID': `<u${Date.now()}@example.com>`, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': '8bit' },
      'db-01',
    );
    const result = await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], Buffer.from(raw, 'utf8').toString('latin1'));
    expect(result.data!.code).toBe(250);
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.dataCoding).toBe(8);
    expect(sms!.text).toBe('Сервер недоступен: db-01');
    await session.quit();
  });

  it('makes one job per recipient and one SMS per distinct number', async () => {
    relay.smsc.reset();
    const session = await open();
    const to = ['+4915112345678@sms.localhost', '+447911123456@SMS.LOCALHOST', '0049-151-12345678@sms.localhost'];
    const result = await session.send('monitor@example.com', to, alert('multi', 'three addresses, two numbers'));
    expect(result.rcpt.map((r) => r.code)).toEqual([250, 250, 250]);
    expect(result.data!.code).toBe(250);
    const messages = await relay.smsc.waitForMessages(2);
    expect(messages.map((m) => m.destination).sort()).toEqual(['447911123456', '4915112345678']);
    await session.quit();
  });

  it('does not send a second SMS when a client resends the same Message-ID', async () => {
    relay.smsc.reset();
    const session = await open();
    const first = alert('once', 'only once', { 'Message-ID': '<resend-check@example.com>' });
    const r1 = await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], first);
    const r2 = await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], first);
    expect(r2.data!.text).toBe(r1.data!.text); // same queue id
    await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], alert('marker', 'after the resend'));
    const messages = await relay.smsc.waitForMessages(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(relay.smsc.messages.map((m) => m.text).sort()).toEqual(['marker: after the resend', 'once: only once']);
    await session.quit();
    expect(messages).toHaveLength(2);
  });

  it('reports each recipient through the status API under the id from the 250 reply', async () => {
    relay.smsc.reset();
    const session = await open();
    const result = await session.send('monitor@example.com', ['+4915112345678@sms.localhost'], alert('status', 'check api'));
    const id = result.data!.text.split(' ').pop()!;
    await relay.smsc.waitForMessages(1);
    let body: { recipients: { number: string; state: string; carrier?: string; parts: { id: string }[] }[] } | undefined;
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`);
      body = (await response.json()) as typeof body;
      if (body?.recipients[0]?.state === 'submitted') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body!.recipients).toHaveLength(1);
    expect(body!.recipients[0]).toMatchObject({ number: '+4915112345678', state: 'submitted', carrier: 'primary' });
    expect(body!.recipients[0]!.parts).toHaveLength(1);
    expect(body!.recipients[0]!.parts[0]!.id).toMatch(/^[0-9a-f]+$/);
    await session.quit();
  });
});

describe('SMTP replies to bad input', () => {
  it('refuses foreign domains: no open relay', async () => {
    const session = await open();
    expect(await session.command('MAIL FROM:<a@example.com>')).toMatchObject({ code: 250 });
    expect(await session.command('RCPT TO:<+4915112345678@gmail.com>')).toEqual({ code: 550, text: '5.7.1 Relaying denied' });
    expect(await session.command('RCPT TO:<someone@example.com>')).toEqual({ code: 550, text: '5.7.1 Relaying denied' });
    await session.quit();
  });

  it('refuses local parts that are not phone numbers', async () => {
    const session = await open();
    await session.command('MAIL FROM:<a@example.com>');
    for (const local of ['alice', '12', '+49', '+1555abc0000', '999999999999999999999']) {
      expect(await session.command(`RCPT TO:<${local}@sms.localhost>`)).toEqual({ code: 550, text: `5.1.1 <${local}@sms.localhost>: not a valid phone number` });
    }
    await session.quit();
  });

  it('refuses a message over maxMessageBytes, declared or actual', async () => {
    const max = relay.config.smtp.maxMessageBytes;
    const session = await open();
    expect(await session.command(`MAIL FROM:<a@example.com> SIZE=${max + 1}`)).toMatchObject({ code: 552, text: expect.stringMatching(/^5\.3\.4 /) });
    expect((await session.command('RSET')).code).toBe(250);
    await session.command('MAIL FROM:<a@example.com>');
    await session.command('RCPT TO:<+4915112345678@sms.localhost>');
    const reply = await session.data(alert('big', 'x'.repeat(max + 10)));
    expect(reply.code).toBe(552);
    expect(reply.text).toMatch(/^5\.3\.4 /);
    await session.quit();
  });

  it('refuses DATA that carries nothing to send', async () => {
    const session = await open();
    await session.command('MAIL FROM:<a@example.com>');
    await session.command('RCPT TO:<+4915112345678@sms.localhost>');
    const reply = await session.data(mail({ From: 'a@example.com', 'Message-ID': '<empty@example.com>' }, ''));
    expect(reply.code).toBe(554);
    expect(reply.text).toMatch(/^5\.6\.0 /);
    await session.quit();
  });

  it('answers DATA without a valid recipient with 503', async () => {
    const session = await open();
    await session.command('MAIL FROM:<a@example.com>');
    await session.command('RCPT TO:<x@elsewhere.com>');
    expect((await session.command('DATA')).code).toBe(503);
    await session.quit();
  });
});
