import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/smsc/index.js';
import { startTestRelay, testSmppCarrier, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';
import { freePort } from '../helpers/ports.js';

let relay: TestRelay;


const smpp = (port: number) => testSmppCarrier(port, { responseTimeout: 1000, reconnect: { initial: 100, max: 300 } });

let backup: SmscSimulator;

beforeAll(async () => {
  backup = new SmscSimulator({ port: 0, deliveryReceipts: { enabled: false, delayMs: 0 }, rules: [] });
  const backupPort = await backup.start();
  const deadPort = await freePort();
  // The relay's own simulator (relay.smsc) is the primary carrier, with its refusals.
  relay = await startTestRelay(
    'failover',
    (primaryPort) => ({
      carriers: { dead: smpp(deadPort), primary: smpp(primaryPort), backup: smpp(backupPort) },
      routes: [{ match: '+4915100000099', carriers: ['dead', 'backup'] }, { match: '*', carriers: ['primary', 'backup'] }],
      failover: { breakerFailures: 2, breakerCooldown: '5s' },
    }),
    {
      deliveryReceipts: { enabled: false, delayMs: 0 },
      rules: [
        { match: '+15555550001', action: 'reject', commandStatus: 0x0b }, // bad number: the same everywhere
        { match: '+4915100000020', action: 'reject', commandStatus: 0x66 }, // route not allowed here: a carrier matter
        { match: '+491510000005*', action: 'ignore' }, // never answered: the primary looks up but times out
      ],
    },
  );
});
afterAll(async () => {
  await relay?.stop();
  await backup?.stop();
});

async function send(number: string, subject: string): Promise<string> {
  const { session } = await SmtpSession.open(relay.app.smtpPort);
  await session.command('EHLO t');
  const r = await session.send('ops@example.com', [`${number}@sms.localhost`], mail({ From: 'ops@example.com', Subject: subject, 'Message-ID': `<${subject}-${Date.now()}@x>` }, 'body'));
  await session.quit();
  expect(r.data!.code).toBe(250);
  return r.data!.text.split(' ').pop()!;
}

/** The SMS reaches the SMSC before the relay has recorded the carrier's answer: wait for that. */
async function settledStatus(id: string) {
  for (let i = 0; i < 100; i++) {
    const status = await statusOf(id);
    if (status.recipients[0]?.state !== 'queued' && status.recipients[0]?.state !== 'retrying') return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  return statusOf(id);
}

async function statusOf(id: string) {
  return (await (await fetch(`http://127.0.0.1:${relay.app.httpPort}/api/messages/${id}`)).json()) as {
    recipients: { state: string; carrier?: string; tried?: { carrier: string; code: string }[] }[];
  };
}

describe('failover between carriers', () => {
  it('delivers through the backup when the first carrier is down', async () => {
    backup.reset();
    const id = await send('+4915100000099', 'dead-primary');
    const [sms] = await backup.waitForMessages(1, 10_000);
    expect(sms!.destination).toBe('4915100000099');
    const status = await settledStatus(id);
    expect(status.recipients[0]!.carrier).toBe('backup');
  });

  it('moves on when the carrier refuses the route (a carrier matter)', async () => {
    backup.reset();
    const id = await send('+4915100000020', 'route-refused');
    const [sms] = await backup.waitForMessages(1, 10_000);
    expect(sms!.destination).toBe('4915100000020');
    const status = await settledStatus(id);
    expect(status.recipients[0]!.tried!.map((t) => `${t.carrier}:${t.code}`)).toContain('primary:ESME_RX_R_APPN');
    expect(status.recipients[0]!.carrier).toBe('backup');
  });

  it('does not fail over a bad number: the backup never sees it', async () => {
    backup.reset();
    relay.smsc.reset();
    const id = await send('+15555550001', 'bad-number');
    await send('+4915100000021', 'marker');
    await relay.smsc.waitForMessages(1, 10_000); // the marker, through the primary
    let state = '';
    for (let i = 0; i < 50 && state !== 'failed'; i++) {
      state = (await statusOf(id)).recipients[0]!.state;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(state).toBe('failed');
    expect(relay.smsc.messages.map((m) => m.destination)).toEqual(['4915100000021']);
    expect(backup.messages).toHaveLength(0);
  });

  it('opens the circuit after repeated timeouts, skips the carrier, and closes it after a successful probe', async () => {
    backup.reset();
    relay.smsc.reset();
    await send('+4915100000051', 'slow-1');
    await send('+4915100000052', 'slow-2');
    await backup.waitForMessages(2, 15_000); // each timed out at the primary, then went to the backup
    const skipped = await send('+4915100000060', 'while-open');
    await backup.waitForMessages(3, 10_000);
    const tried = (await settledStatus(skipped)).recipients[0]!.tried!.map((t) => `${t.carrier}:${t.code}`);
    expect(tried).toEqual(['primary:CIRCUIT_OPEN']);
    expect(relay.smsc.messages).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 5_200)); // the cool-down
    const probe = await send('+4915100000061', 'probe');
    await relay.smsc.waitForMessages(1, 10_000);
    expect((await settledStatus(probe)).recipients[0]!.carrier).toBe('primary');
  });
});
