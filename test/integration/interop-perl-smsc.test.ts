/**
 * The whole relay against an SMSC that shares no code with ours: mail in over SMTP, submit_sm out
 * to Net::SMPP (test/helpers/perl-smsc.pl), which reports each PDU as it decoded it. The relay's
 * carrier points at the Perl server; the simulator startTestRelay also starts is unused here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGsm7, decodeUcs2 } from '../../src/sms/index.js';
import { perlSmppAvailable, startPerlSmsc, type PerlSmsc, type PerlSubmit } from '../helpers/perl-smsc.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';
import { SmtpSession, mail } from '../helpers/smtp-session.js';

const available = perlSmppAvailable();
let perl: PerlSmsc | null = null;
let relay: TestRelay | undefined;

beforeAll(async () => {
  if (!available) return;
  perl = await startPerlSmsc();
  if (!perl) return;
  relay = await startTestRelay('interop-perl', {
    carriers: {
      primary: { type: 'smpp', port: perl.port, systemId: 'test', password: 'secret', responseTimeout: 2000, reconnect: { initial: 100, max: 500 } },
    },
  });
});

afterAll(async () => {
  try {
    await relay?.stop();
  } finally {
    await perl?.stop();
  }
});

let seq = 0;
async function send(to: string, headers: Record<string, string>, body: string): Promise<void> {
  seq += 1;
  const { session, greeting } = await SmtpSession.open(relay!.app.smtpPort);
  expect(greeting.code).toBe(220);
  expect((await session.command('EHLO client.test')).code).toBe(250);
  const raw = mail({ From: 'monitor@example.com', To: `${to}@sms.localhost`, 'Message-ID': `<perl${seq}.${Date.now()}@example.com>`, ...headers }, body);
  // 8-bit bodies go over the wire as UTF-8 octets
  const result = await session.send('monitor@example.com', [`${to}@sms.localhost`], Buffer.from(raw, 'utf8').toString('latin1'));
  expect(result.rcpt.map((r) => r.code)).toEqual([250]);
  expect(result.data?.code).toBe(250);
  await session.quit();
}

/** The submits for one destination, waiting until `count` of them have arrived. */
async function submitsFor(destination: string, count: number): Promise<PerlSubmit[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = perl!.submits.filter((s) => s.destination_addr === destination);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`perl-smsc got ${found.length} of ${count} submit_sm for ${destination}: ${JSON.stringify(perl!.submits)}`);
    await perl!.waitForSubmits(perl!.submits.length + 1, deadline - Date.now()).catch(() => undefined);
  }
}

const body = (submit: PerlSubmit) => Buffer.from(submit.short_message_hex, 'hex');

describe(available ? 'relay → Net::SMPP SMSC' : 'relay → Net::SMPP SMSC (skipped: perl Net::SMPP not installed, apt-get install -y libnet-smpp-perl)', () => {
  it.skipIf(!available)('delivers a short GSM-7 mail as one submit_sm, data_coding 0', async () => {
    await send('+4915112345678', { Subject: 'disk full' }, 'db-01 /var at 97% {alert} [x] ~ok');
    const [submit, extra] = await submitsFor('4915112345678', 1);
    expect(extra).toBeUndefined();
    expect(submit).toMatchObject({ destination_addr: '4915112345678', source_addr: 'ALERTS', data_coding: 0, esm_class: 0, message_payload_hex: null });
    expect(submit!.registered_delivery & 1).toBe(1);
    // unpacked septets: the extension characters {, }, [, ], ~ are ESC + code
    expect(decodeGsm7(body(submit!))).toBe('disk full: db-01 /var at 97% {alert} [x] ~ok');
    expect(body(submit!).includes(0x1b)).toBe(true);
  });

  it.skipIf(!available)('cuts a long mail into two submit_sm with esm_class 0x40 and a UDH 05 00 03 ref 02 seq', async () => {
    // Six status lines: the relay joins them with "; " after the subject, 192 characters in all.
    const lines = Array.from({ length: 6 }, (_, i) => `host db-${i} disk at ${80 + i}% on /var`);
    const expected = `report: ${lines.join('; ')}`;
    expect(expected.length).toBeGreaterThan(160); // two parts, not one
    await send('+447911123456', { Subject: 'report' }, lines.join('\n'));
    const submits = await submitsFor('447911123456', 2);
    expect(submits).toHaveLength(2);
    const udhs = submits.map((s) => [...body(s).subarray(0, 6)]);
    const ref = udhs[0]![3]!;
    expect(udhs.map((u) => u[5]).sort()).toEqual([1, 2]);
    for (const [i, submit] of submits.entries()) {
      expect(submit).toMatchObject({ source_addr: 'ALERTS', data_coding: 0, esm_class: 0x40, message_payload_hex: null });
      expect(udhs[i]!.slice(0, 5)).toEqual([0x05, 0x00, 0x03, ref, 0x02]);
      expect(body(submit).length - 6).toBeLessThanOrEqual(153);
    }
    const ordered = [...submits].sort((a, b) => body(a)[5]! - body(b)[5]!);
    const decoded = ordered.map((s) => decodeGsm7(body(s).subarray(6))).join('');
    expect(decoded).toBe(expected);
  });

  it.skipIf(!available)('sends text outside GSM-7 as UCS-2, data_coding 8', async () => {
    await send(
      '+12125551234',
      { Subject: '=?UTF-8?B?0KHQtdGA0LLQtdGAINC90LXQtNC+0YHRgtGD0L/QtdC9?=', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': '8bit' },
      'db-01 ✓',
    );
    const [submit, extra] = await submitsFor('12125551234', 1);
    expect(extra).toBeUndefined();
    expect(submit).toMatchObject({ destination_addr: '12125551234', source_addr: 'ALERTS', data_coding: 8, esm_class: 0, message_payload_hex: null });
    expect(body(submit!).length % 2).toBe(0);
    expect(decodeUcs2(body(submit!))).toBe('Сервер недоступен: db-01 ✓');
  });

  it.skipIf(!available)('sent nothing else to the Perl SMSC', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(perl!.submits.map((s) => s.destination_addr).sort()).toEqual(['12125551234', '447911123456', '447911123456', '4915112345678']);
  });
});
