/**
 * Mail that used to be answered wrongly at DATA although nothing was wrong with Redis or the
 * relay: a lone UTF-16 surrogate in the Subject or Message-ID (451 on every retry), a refused
 * MAIL FROM whose RET/ENVID stuck to the next transaction, and an empty mail behind a header
 * block over 64 KB (451 instead of the contract's 554 5.6.0).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

let relay: TestRelay;
const redis = new Redis(REDIS_URL);
const TO = '+4915112345678@sms.localhost';

beforeAll(async () => {
  relay = await startTestRelay('intake-edge-input');
});
afterAll(async () => {
  await relay?.stop();
  redis.disconnect();
});

async function transaction(run: (session: SmtpSession) => Promise<{ code: number; text: string }>): Promise<{ code: number; text: string }> {
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  try {
    await session.command('EHLO client.test');
    return await run(session);
  } finally {
    await session.quit();
  }
}

const queued = { code: 250, text: expect.stringMatching(/^2\.0\.0 Ok: queued as /) };

describe('a lone UTF-16 surrogate in a decoded header', () => {
  it('in the Subject: queued, and the SMS goes out with U+FFFD in its place', async () => {
    relay.smsc.reset();
    // 0xD800, a high surrogate with nothing after it, then "A".
    const word = `=?UTF-16BE?B?${Buffer.from([0xd8, 0x00, 0x00, 0x41]).toString('base64')}?=`;
    const raw = mail({ From: 'monitor@example.com', Subject: `disk ${word}`, 'Message-ID': '<lone-surrogate-subject@example.com>' }, 'db-01 /var at 97%');
    const reply = await transaction(async (s) => (await s.send('monitor@example.com', [TO], raw)).data!);
    expect(reply).toEqual(queued);
    const [sms] = await relay.smsc.waitForMessages(1);
    // A lone half in UCS-2 is an invalid SMS a strict SMSC refuses.
    expect(sms!.text).toBe('disk \uFFFDA: db-01 /var at 97%');
    const txId = reply.text.split(' ').pop()!;
    expect(await redis.hget(`${relay.config.redis.prefix}:tx:${txId}`, 'subject')).toBe('disk \uFFFDA');
  });

  it('in the Message-ID: queued', async () => {
    const raw = mail({ From: 'monitor@example.com', Subject: 'plain subject', 'Message-ID': '<=?UTF-16BE?B?2AA=?=.lone@example.com>' }, 'db-02 load 40');
    expect(await transaction(async (s) => (await s.send('monitor@example.com', [TO], raw)).data!)).toEqual(queued);
  });
});

describe('DSN parameters of a refused MAIL FROM', () => {
  it('do not carry over to the next transaction of the session', async () => {
    let txId = '';
    await transaction(async (session) => {
      const max = relay.config.smtp.maxMessageBytes;
      expect((await session.command(`MAIL FROM:<other@example.com> RET=FULL ENVID=previous-attempt SIZE=${max + 1}`)).code).toBe(552);
      const reply = (await session.send('monitor@example.com', [TO], mail({ Subject: 'after a refusal', 'Message-ID': '<after-refusal@example.com>' }, 'body text'))).data!;
      expect(reply).toEqual(queued);
      txId = reply.text.split(' ').pop()!;
      return reply;
    });
    const tx = await redis.hgetall(`${relay.config.redis.prefix}:tx:${txId}`);
    expect({ ret: tx.ret, envid: tx.envid, rawStored: tx.raw !== undefined }).toEqual({ ret: undefined, envid: undefined, rawStored: false });
  });
});

describe('a mail with more MIME parts than mailparser takes', () => {
  it('is queued with the text of its first parts (it got 451 on every retry)', async () => {
    relay.smsc.reset();
    const parts = Array.from({ length: 1000 }, () => '--b\r\nContent-Type: text/plain\r\n\r\nRAID degraded on db-01\r\n').join('');
    const raw = `Message-ID: <many-parts@example.com>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`;
    expect(await transaction(async (s) => (await s.send('monitor@example.com', [TO], raw)).data!)).toEqual(queued);
    // Found by its text: an earlier test's SMS may still arrive after the reset.
    let texts: string[] = [];
    for (let i = 0; i < 200 && !texts.some((t) => t.startsWith('RAID degraded on db-01')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      texts = relay.smsc.messages.map((m) => m.text);
    }
    expect(texts.filter((t) => t.startsWith('RAID degraded on db-01'))).toHaveLength(1);
  });
});

describe('a mail with nothing to send', () => {
  const send = (raw: string) => transaction(async (s) => (await s.send('monitor@example.com', [TO], raw)).data!);

  it('is refused 554 5.6.0 behind a small header block', async () => {
    expect(await send(mail({ 'Message-ID': '<empty-small@example.com>', 'X-Trace': 'x' }, ''))).toMatchObject({ code: 554, text: expect.stringMatching(/^5\.6\.0 /) });
  });

  it('is refused 554 5.6.0 behind a header block over 64 KB too, not 451 (which is retried for days)', async () => {
    const trace: Record<string, string> = { 'Message-ID': '<empty-big@example.com>' };
    for (let i = 0; i < 1200; i++) trace[`X-Trace-${i}`] = 'v'.repeat(60);
    expect(await send(mail(trace, ''))).toMatchObject({ code: 554, text: expect.stringMatching(/^5\.6\.0 /) });
  });
});
