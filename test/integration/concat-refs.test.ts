/**
 * Consecutive long messages to one number get different concatenation references. They used to
 * be a hash of the job id: alert-236 and alert-237 below both got 8-bit reference 119, and a
 * handset given their parts interleaved joins them into one garbled text (the other never
 * completes). Now each number has a counter, so consecutive messages count up.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../src/smsc/index.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay('concat-refs');
});
afterAll(async () => relay?.stop());

async function send(n: number, text: string): Promise<void> {
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO client.test');
  const reply = await session.send('nagios@example.com', ['+4915112345678@sms.localhost'], mail({ Subject: '', 'Message-ID': `<alert-${n}@nagios.example.com>` }, text));
  await session.quit();
  expect(reply.data!.code).toBe(250);
}

/** The 8-bit UDH reference of every part of a message (IEI 0x00: 00 03 ref total seq). */
const refsOf = (m: ReceivedMessage) => m.parts.map((p) => (p.udh![0] === 0x00 ? p.udh![2] : -1));

it('two long alerts in a row to one number carry different references', async () => {
  relay.smsc.reset();
  const problem = `PROBLEM host db1 ${'A'.repeat(200)}`;
  const recovery = `RECOVERY host web7 ${'B'.repeat(200)}`;
  await send(236, problem);
  const [first] = await relay.smsc.waitForMessages(1, 10_000);
  await send(237, recovery);
  const [, second] = await relay.smsc.waitForMessages(2, 10_000);
  expect([first!.text, second!.text]).toEqual([problem, recovery]);
  const [a, b] = [refsOf(first!), refsOf(second!)];
  expect(new Set(a).size).toBe(1);
  expect(new Set(b).size).toBe(1);
  expect(b[0]).not.toBe(a[0]);
});

it('parts of two long alerts sent at once reassemble into the two texts', async () => {
  relay.smsc.reset();
  const texts = [`PROBLEM host db2 ${'C'.repeat(300)}`, `PROBLEM host db3 ${'D'.repeat(300)}`];
  await Promise.all([send(1236, texts[0]!), send(1237, texts[1]!)]);
  const received = await relay.smsc.waitForMessages(2, 10_000);
  expect(received.map((m) => m.text).sort()).toEqual([...texts].sort());
  expect(new Set(received.map((m) => refsOf(m)[0])).size).toBe(2);
});
