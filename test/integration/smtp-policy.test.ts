/**
 * The policy checks of the SMTP front door, each at its phase: client network at connect, AUTH,
 * sender at MAIL FROM, recipient count at RCPT, and STARTTLS. What the client sees is asserted
 * (reply codes and texts) and, where a mail is accepted, that its SMS reaches the SMSC.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSession, authPlain } from '../helpers/smtp-session.js';
import { mail } from '../helpers/smtp-session.js';
import { startTestRelay, testSmppCarrier, type RelayOverrides, type TestRelay } from '../helpers/relay.js';

const TO = '+4915112345678@sms.localhost';
const relays: TestRelay[] = [];
let tlsDir: string;

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
});

async function relayWith(name: string, overrides: RelayOverrides): Promise<TestRelay> {
  const relay = await startTestRelay(name, overrides);
  relays.push(relay);
  return relay;
}

let seq = 0;
function alert(subject: string, body: string): string {
  seq += 1;
  return mail({ From: 'monitor@example.com', To: TO, Subject: subject, 'Message-ID': `<policy${seq}.${Date.now()}@example.com>` }, body);
}

async function ehlo(relay: TestRelay): Promise<SmtpSession> {
  const { session: client, greeting } = await SmtpSession.open(relay.app.smtpPort);
  expect(greeting.code).toBe(220);
  expect((await client.command('EHLO client.test')).code).toBe(250);
  return client;
}

describe('client networks', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await relayWith('policy-clients', { smtp: { port: 0, domains: ['sms.localhost'], clients: ['10.0.0.0/8'] } });
  });

  it('refuses a client outside smtp.clients in place of the greeting, then hangs up', async () => {
    const { session: client, greeting } = await SmtpSession.open(relay.app.smtpPort);
    expect(greeting).toEqual({ code: 550, text: '5.7.1 Client 127.0.0.1 is not allowed to use this relay' });
    await client.waitClosed();
    expect(client.closed).toBe(true);
  });

  it('never lets such a client reach the SMSC', async () => {
    relay.smsc.reset();
    const { session: client } = await SmtpSession.open(relay.app.smtpPort);
    // pipelined commands sent after the refusal get no answer
    await expect(client.command('EHLO client.test')).rejects.toThrow(/closed|no SMTP reply/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(relay.smsc.messages).toHaveLength(0);
  });
});

describe('sender policy and recipient limit', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await relayWith('policy-senders', { smtp: { port: 0, domains: ['sms.localhost'], senders: ['*@example.com', 'ops@monitor.test'], maxRecipients: 2 } });
  });

  it.each(['other@evil.test', 'alerts@example.com.evil.test', 'alerts@sub.example.com', 'other@monitor.test'])('refuses MAIL FROM:<%s> with 550 5.7.1', async (sender) => {
    const client = await ehlo(relay);
    expect(await client.command(`MAIL FROM:<${sender}>`)).toEqual({ code: 550, text: `5.7.1 Sender <${sender}> is not allowed to use this relay` });
    // the transaction did not start: RCPT is out of sequence
    expect((await client.command(`RCPT TO:<${TO}>`)).code).toBe(503);
    await client.quit();
  });

  it('refuses the null sender when senders are restricted', async () => {
    const client = await ehlo(relay);
    expect(await client.command('MAIL FROM:<>')).toEqual({ code: 550, text: '5.7.1 Sender <> is not allowed to use this relay' });
    await client.quit();
  });

  it.each(['monitor@example.com', 'Monitor@EXAMPLE.COM', 'ops@monitor.test'])('accepts MAIL FROM:<%s> and delivers the SMS', async (sender) => {
    relay.smsc.reset();
    const client = await ehlo(relay);
    expect((await client.command(`MAIL FROM:<${sender}>`)).code).toBe(250);
    expect((await client.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    const reply = await client.data(alert('allowed', sender));
    expect(reply.code).toBe(250);
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.destination).toBe('4915112345678');
    expect(sms!.text).toBe(`allowed: ${sender}`);
    await client.quit();
  });

  it('answers the RCPT over maxRecipients with 452 4.5.3 and sends to the first two', async () => {
    relay.smsc.reset();
    const client = await ehlo(relay);
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    expect((await client.command('RCPT TO:<+4915112345678@sms.localhost>')).code).toBe(250);
    expect((await client.command('RCPT TO:<+447911123456@sms.localhost>')).code).toBe(250);
    expect(await client.command('RCPT TO:<+12125551234@sms.localhost>')).toEqual({ code: 452, text: '4.5.3 Too many recipients (at most 2 per message)' });
    // another spelling of a number already accepted is not one more recipient
    expect((await client.command('RCPT TO:<0049-151-12345678@sms.localhost>')).code).toBe(250);
    expect((await client.data(alert('limit', 'two of three'))).code).toBe(250);
    const messages = await relay.smsc.waitForMessages(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(relay.smsc.messages.map((m) => m.destination).sort()).toEqual(['447911123456', '4915112345678']);
    expect(messages).toHaveLength(2);
    await client.quit();
  });

  it('bounds the spellings of numbers already accepted at twice maxRecipients RCPTs', async () => {
    const client = await ehlo(relay);
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    const spellings = ['+4915112345678', '0049-151-12345678', '0049.151.12345678', '004915112345678'];
    for (const number of spellings) expect((await client.command(`RCPT TO:<${number}@sms.localhost>`)).code).toBe(250);
    expect(await client.command('RCPT TO:<+49-151-12345678@sms.localhost>')).toEqual({ code: 452, text: '4.5.3 Too many recipients (at most 2 per message)' });
    await client.quit();
  });

  it('counts recipients per transaction, not per connection', async () => {
    const client = await ehlo(relay);
    for (let i = 0; i < 2; i++) {
      expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
      expect((await client.command('RCPT TO:<+4915112345678@sms.localhost>')).code).toBe(250);
      expect((await client.command('RCPT TO:<+447911123456@sms.localhost>')).code).toBe(250);
      expect((await client.command('RSET')).code).toBe(250);
    }
    await client.quit();
  });
});

describe('AUTH required', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await relayWith('policy-auth', {
      smtp: { port: 0, domains: ['sms.localhost'], auth: { required: true, users: [{ username: 'alerts', password: 'correct horse' }] } },
    });
  });

  it('advertises AUTH PLAIN and LOGIN', async () => {
    const { session: client } = await SmtpSession.open(relay.app.smtpPort);
    const reply = await client.command('EHLO client.test');
    expect(reply.text.split('\n')).toContain('AUTH PLAIN LOGIN');
    await client.quit();
  });

  it('answers MAIL FROM without AUTH with 530 5.7.0', async () => {
    const client = await ehlo(relay);
    expect(await client.command('MAIL FROM:<monitor@example.com>')).toEqual({ code: 530, text: '5.7.0 Authentication required' });
    await client.quit();
  });

  it.each([
    ['a wrong password', 'alerts', 'wrong horse'],
    ['a password prefix', 'alerts', 'correct'],
    ['an unknown user', 'mallory', 'correct horse'],
    ['an empty password', 'alerts', ''],
  ])('answers AUTH PLAIN with %s with 535 5.7.8, and MAIL stays refused', async (_what, username, password) => {
    const client = await ehlo(relay);
    expect(await client.command(`AUTH PLAIN ${authPlain(username, password)}`)).toEqual({ code: 535, text: '5.7.8 Authentication credentials invalid' });
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(530);
    await client.quit();
  });

  it('accepts the right password with 235, then the mail reaches the SMSC', async () => {
    relay.smsc.reset();
    const client = await ehlo(relay);
    const auth = await client.command(`AUTH PLAIN ${authPlain('alerts', 'correct horse')}`);
    expect(auth.code).toBe(235);
    expect(auth.text).toMatch(/Authentication successful/);
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    expect((await client.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    const reply = await client.data(alert('authenticated', 'db-01 down'));
    expect(reply.code).toBe(250);
    expect(reply.text).toMatch(/^2\.0\.0 Ok: queued as [0-9a-f]+$/);
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.destination).toBe('4915112345678');
    expect(sms!.text).toBe('authenticated: db-01 down');
    await client.quit();
  });

  it('accepts AUTH LOGIN as well', async () => {
    const client = await ehlo(relay);
    expect((await client.command('AUTH LOGIN')).code).toBe(334);
    expect((await client.command(Buffer.from('alerts').toString('base64'))).code).toBe(334);
    expect((await client.command(Buffer.from('correct horse').toString('base64'))).code).toBe(235);
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    await client.quit();
  });
});

describe('STARTTLS with a self-signed certificate', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'smtp2sms-tls-'));
    relay = await relayWith('policy-tls', {
      smtp: {
        port: 0, domains: ['sms.localhost'], tls: { selfSigned: true, dir: join(tlsDir, 'certs') },
        auth: { required: false, users: [{ username: 'alerts', password: 'tls-only' }] },
      },
    });
  });

  it('makes the certificate under smtp.tls.dir', () => {
    expect(existsSync(join(tlsDir, 'certs', 'smtp2sms.key'))).toBe(true);
    expect(existsSync(join(tlsDir, 'certs', 'smtp2sms.crt'))).toBe(true);
  });

  it('offers STARTTLS, and takes no password until the connection is encrypted', async () => {
    const { session: client } = await SmtpSession.open(relay.app.smtpPort);
    const lines = (await client.command('EHLO client.test')).text.split('\n');
    expect(lines).toContain('STARTTLS');
    // smtp-server lists AUTH before TLS too, but refuses to use it: the password is not checked
    const auth = await client.command(`AUTH PLAIN ${authPlain('alerts', 'tls-only')}`);
    expect(auth.code).toBe(538);
    expect(auth.text).toMatch(/STARTTLS/);
    await client.quit();
  });

  it('upgrades, presents the certificate from smtp.tls.dir, and relays a mail over TLS to the SMSC', async () => {
    relay.smsc.reset();
    const client = await ehlo(relay);
    expect((await client.startTls()).code).toBe(220);
    expect(client.secure).toBe(true);
    const onDisk = new X509Certificate(readFileSync(join(tlsDir, 'certs', 'smtp2sms.crt')));
    expect(client.peerCertificate?.fingerprint256).toBe(onDisk.fingerprint256);
    expect(client.peerCertificate?.subject.CN).toBe('smtp2sms.localhost');

    const lines = (await client.command('EHLO client.test')).text.split('\n');
    expect(lines).not.toContain('STARTTLS');
    expect(lines).toContain('AUTH PLAIN LOGIN');
    expect((await client.command(`AUTH PLAIN ${authPlain('alerts', 'tls-only')}`)).code).toBe(235);
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    expect((await client.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    const reply = await client.data(alert('over tls', 'encrypted all the way'));
    expect(reply.code).toBe(250);
    const [sms] = await relay.smsc.waitForMessages(1);
    expect(sms!.text).toBe('over tls: encrypted all the way');
    expect(sms!.destination).toBe('4915112345678');
    await client.quit();
  });

  it('reuses the certificate on the next start instead of making a new one', async () => {
    const before = readFileSync(join(tlsDir, 'certs', 'smtp2sms.crt'), 'utf8');
    const second = await relayWith('policy-tls-2', { smtp: { port: 0, domains: ['sms.localhost'], tls: { selfSigned: true, dir: join(tlsDir, 'certs') } } });
    const client = await ehlo(second);
    expect((await client.startTls()).code).toBe(220);
    expect(client.peerCertificate?.fingerprint256).toBe(new X509Certificate(before).fingerprint256);
    expect(readFileSync(join(tlsDir, 'certs', 'smtp2sms.crt'), 'utf8')).toBe(before);
    await client.quit();
  });
});

describe('message rate per client (smtp.messagesPerMinute)', () => {
  it('answers MAIL FROM with 450 4.7.1 once a client is over its rate', async () => {
    const relay = await startTestRelay('smtp-rate', { smtp: { port: 0, domains: ['sms.localhost'], messagesPerMinute: 2 } });
    try {
      const { session } = await SmtpSession.open(relay.app.smtpPort);
      await session.command('EHLO t');
      const replies = [];
      for (let i = 0; i < 3; i++) {
        const r = await session.send('a@example.com', ['+4915112345678@sms.localhost'], mail({ Subject: `rate ${i}`, 'Message-ID': `<rate-${i}-${Date.now()}@x>` }, 'x'));
        replies.push(r.mail);
        if (r.mail.code !== 250) await session.command('RSET');
      }
      await session.quit();
      expect(replies.map((r) => r.code)).toEqual([250, 250, 450]);
      expect(replies[2]!.text).toMatch(/^4\.7\.1 /);
    } finally {
      await relay.stop();
    }
  });
});

describe('DATA held in memory across sessions (smtp.maxBufferedBytes)', () => {
  it('answers 452 4.3.1 to a message that does not fit while others hold the budget, and takes it once they are done', async () => {
    const relay = await relayWith('policy-budget', { smtp: { port: 0, domains: ['sms.localhost'], maxMessageBytes: 100_000, maxBufferedBytes: 150_000 } });
    const line = `${'x'.repeat(76)}\n`;
    // A slow sender: 90 kB of its message are in, the final dot is not.
    const slow = await ehlo(relay);
    expect((await slow.command('MAIL FROM:<slow@example.com>')).code).toBe(250);
    expect((await slow.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    expect((await slow.command('DATA')).code).toBe(354);
    slow.write(alert('slow one', line.repeat(1_150)));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const other = await ehlo(relay);
    const refused = await other.send('other@example.com', [TO], alert('does not fit now', line.repeat(900)));
    expect(refused.data).toMatchObject({ code: 452, text: expect.stringContaining('4.3.1 Insufficient system storage') });

    slow.write('.\n');
    expect((await slow.reply()).code).toBe(250);
    const retried = await other.send('other@example.com', [TO], alert('fits now', line.repeat(900)));
    expect(retried.data?.code).toBe(250);
    await Promise.all([slow.quit(), other.quit()]);
  });

  it('must be at least maxMessageBytes, or an allowed message could never fit', async () => {
    await expect(relayWith('policy-budget-small', { smtp: { port: 0, domains: ['sms.localhost'], maxMessageBytes: 100_000, maxBufferedBytes: 50_000 } })).rejects.toThrow(/smtp\.maxBufferedBytes: at least smtp\.maxMessageBytes/);
  });
});

describe('a number no route matches', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await relayWith('policy-routes', (smscPort: number) => ({
      carriers: { primary: testSmppCarrier(smscPort) },
      routes: [{ match: '+49', carriers: ['primary'] }, { region: 'GB', carriers: ['primary'] }],
    }));
  });

  it('is refused at RCPT with 550 5.1.1, not accepted and bounced later; routed numbers go through', async () => {
    relay.smsc.reset();
    const client = await ehlo(relay);
    expect((await client.command('MAIL FROM:<monitor@example.com>')).code).toBe(250);
    expect(await client.command('RCPT TO:<+12125551234@sms.localhost>')).toEqual({ code: 550, text: '5.1.1 <+12125551234@sms.localhost>: no route to this number' });
    expect((await client.command('RCPT TO:<+4915112345678@sms.localhost>')).code).toBe(250);
    // A London number: region GB (+447911… is Guernsey's, GG, and would be refused).
    expect((await client.command('RCPT TO:<+442071838750@sms.localhost>')).code).toBe(250);
    expect((await client.data(alert('routes', 'two routed'))).code).toBe(250);
    const messages = await relay.smsc.waitForMessages(2);
    expect(messages.map((m) => m.destination).sort()).toEqual(['442071838750', '4915112345678']);
    await client.quit();
  });
});
