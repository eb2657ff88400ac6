import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

let relay: TestRelay;

beforeAll(async () => {
  // A burst window long enough for five mails on a slow, loaded machine (each opens its own
  // connection, and smtp-server waits 100 ms before every greeting).
  relay = await startTestRelay('storm-relay', { storm: { enabled: true, dedupWindow: '5m', burstWindow: '6s', burstLimit: 2, hourlyCap: 0 } });
});
afterAll(async () => {
  await relay?.stop();
});

let n = 0;
async function send(number: string, subject: string, body: string): Promise<string> {
  n += 1;
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO t');
  const r = await session.send('ops@example.com', [`${number}@sms.localhost`], mail({ From: 'ops@example.com', Subject: subject, 'Message-ID': `<storm-${n}-${Date.now()}@x>` }, body));
  await session.quit();
  expect(r.data!.code).toBe(250); // suppressed or held, the 250 is still the truth: it is recorded
  return r.data!.text.split(' ').pop()!;
}

async function recipientState(id: string) {
  const body = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as { recipients: { state: string; storm?: string }[] };
  return body.recipients[0]!;
}

describe('storm control in the relay', () => {
  it('sends an identical alert to the same number once within the dedup window, and says so in the status API', async () => {
    relay.smsc.reset();
    await send('+4915100000031', 'disk full', 'db-01 /var 97%');
    const second = await send('+4915100000031', 'disk full', 'db-01 /var 97%');
    await send('+4915100000032', 'marker', 'other number');
    await relay.smsc.waitForMessages(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(relay.smsc.messages.map((m) => m.destination).sort()).toEqual(['4915100000031', '4915100000032']);
    expect(await recipientState(second)).toMatchObject({ state: 'suppressed', storm: 'duplicate' });
  });

  it('holds a burst to one number and sends one summary SMS for it', async () => {
    relay.smsc.reset();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await send('+4915100000033', `alert ${i}`, `problem number ${i}`));
    const thirdId = ids[2]!;
    // Held until the burst window ends, and the status says until when.
    const heldNow = await recipientState(thirdId);
    expect(heldNow.state).toBe('held');
    expect(heldNow.storm).toMatch(/^burst until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(heldNow.storm!.slice('burst until '.length))).toBeGreaterThan(Date.now() - 1_000);
    // Two go out at once; the rest come as one summary when the burst window ends.
    const messages = await relay.smsc.waitForMessages(3, 25_000);
    const texts = messages.map((m) => m.text);
    expect(texts.filter((t) => t.startsWith('alert'))).toHaveLength(2);
    const summary = texts.find((t) => t.startsWith('+3 more alerts'));
    expect(summary).toBeDefined();
    expect(summary).toContain('alert 3');
    const held = await recipientState(thirdId);
    expect(held).toMatchObject({ state: 'summarised' });
    expect(held.storm).toMatch(/^sent in summary storm-burst-/);
    const counters = (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/numbers/4915100000033/storm`)).json()) as Record<string, unknown>;
    expect(counters).toMatchObject({ number: '+4915100000033', held: 0 });
    expect(counters.sentThisHour).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^smtp2sms_storm_decisions_total\{action="defer",reason="burst"\} 3$/m);
    expect(metrics).toMatch(/^smtp2sms_storm_summaries_total\{kind="burst"\} 1$/m);
  });
});
