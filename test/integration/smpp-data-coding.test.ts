/**
 * `gsmDataCoding` 1 (IA5/ASCII) and 3 (Latin-1): the label and the octets agree. Septets labelled
 * 1 put `@` on the wire as NUL, `$` as 0x02 and `_` as 0x11; the simulator, like an SMSC, reads
 * data_coding 1 as ASCII and 3 as Latin-1. Mail in over SMTP, text out at the SMSC.
 */
import { afterEach, expect, it } from 'vitest';
import { startTestRelay, testSmppCarrier, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

let relay: TestRelay | undefined;
afterEach(async () => relay?.stop());

async function sendThrough(gsmDataCoding: number, body: string): Promise<{ text: string; dataCoding: number }> {
  relay = await startTestRelay(`data-coding-${gsmDataCoding}`, (port) => ({ carriers: { primary: testSmppCarrier(port, { gsmDataCoding }) } }));
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO client.test');
  const reply = await session.send('ops@example.com', ['+4915112345678@sms.localhost'], Buffer.from(mail({ Subject: '', 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': '8bit' }, body), 'utf8').toString('latin1'));
  await session.quit();
  expect(reply.data!.code).toBe(250);
  const [sms] = await relay.smsc.waitForMessages(1, 10_000);
  return { text: sms!.text, dataCoding: sms!.dataCoding };
}

it('1: the text in ASCII, extension characters included', async () => {
  expect(await sendThrough(1, 'db_1 disk 95% @ 03:00, cost $5 {raid}')).toEqual({ text: 'db_1 disk 95% @ 03:00, cost $5 {raid}', dataCoding: 1 });
});

it('1: a GSM character ASCII lacks (£) makes it UCS-2 rather than a wrong octet', async () => {
  expect(await sendThrough(1, 'invoice run cost £5')).toEqual({ text: 'invoice run cost £5', dataCoding: 8 });
});

it('3: the text in Latin-1, £ and é included', async () => {
  expect(await sendThrough(3, 'café invoice run cost £5 @ 03:00')).toEqual({ text: 'café invoice run cost £5 @ 03:00', dataCoding: 3 });
});
