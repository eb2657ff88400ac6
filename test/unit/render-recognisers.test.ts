import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFixtures, parseMail } from '../../bench/fidelity-lib.js';
import type { ParsedMail } from '../../src/mail/index.js';
import { chooseRecogniser, recognisers, renderSms, renderSmsText } from '../../src/render/index.js';

const root = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const fixtures = [...loadFixtures(`${root}corpus`, 'corpus'), ...loadFixtures(`${root}families`, 'families')];
// Families handled by the generic condenser on purpose.
const GENERIC = new Set(['generic', 'outlook']);

const mail = (fields: Partial<ParsedMail>): ParsedMail => ({
  messageId: undefined, subject: '', from: '', text: '', bodySource: 'text', headers: {}, ...fields,
});

describe('recognisers: each family mail is read by its recogniser', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    const choice = chooseRecogniser(await parseMail(fixture.raw));
    if (GENERIC.has(fixture.family)) expect(choice).toBeUndefined();
    else expect(choice?.recogniser.name).toBe(fixture.family);
  });
});

describe('recognisers: chosen by headers and structure, not by words in a text', () => {
  it('does not take a person\'s reply to an alert for the alert', () => {
    const reply = mail({ subject: 'Re: [FIRING:1] HostDown web-01', from: 'Tom <tom@example.com>', text: 'On it, rebooting.' });
    expect(chooseRecogniser(reply)).toBeUndefined();
  });

  it('does not take a mail that merely mentions a tool for that tool', () => {
    const text = 'We are moving from Nagios and Zabbix to Prometheus Alertmanager and Grafana next week. Cron jobs stay.';
    expect(chooseRecogniser(mail({ subject: 'Monitoring migration', from: 'cto@example.com', text }))).toBeUndefined();
  });

  it('gives every recogniser a confidence of 0..1 on an empty mail', () => {
    for (const r of recognisers) {
      const confidence = r.matches(mail({}));
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThan(0.5);
    }
  });
});

describe('recognisers: states for storm control', () => {
  it.each([
    ['01-alertmanager-resolved-2', 'recovery'],
    ['02-alertmanager-firing-12', 'problem'],
    ['06-zabbix-resolved', 'recovery'],
    ['09-nagios-service-recovery', 'recovery'],
    ['12-monit-connection-succeeded', 'recovery'],
    ['19-fail2ban-banned', 'info'],
    ['22-cloudwatch-alarm', 'problem'],
  ])('%s is a %s', async (name, state) => {
    const fixture = fixtures.find((f) => f.name === name)!;
    expect(renderSms(await parseMail(fixture.raw), { template: '{subject}: {text}' }).fields?.state).toBe(state);
  });
});

describe('rendering: what the reader sees', () => {
  it('lists grouped alerts after their count and says how many did not fit', async () => {
    const fixture = fixtures.find((f) => f.name === '02-alertmanager-firing-12')!;
    const text = renderSmsText(await parseMail(fixture.raw), { template: '{subject}: {text}', maxSegments: 1 });
    expect(text).toMatch(/^FIRING 12: HostHighCpuLoad warning: edge-01\.cdn\.example\.net 97\.5%, .* \+\d+$/);
    expect(text.length).toBeLessThanOrEqual(160);
  });

  it('drops emoji that would force UCS-2 when the words say the same', async () => {
    const fixture = fixtures.find((f) => f.name === '14-uptime-kuma-down')!;
    const text = renderSmsText(await parseMail(fixture.raw), { template: '{subject}: {text}' });
    expect(text).toBe('DOWN Checkout API: Request failed with status code 503');
  });

  it('keeps emoji when dropping them would not make the text GSM-7 under sms.transliterate: false', () => {
    const m = mail({ subject: '🔴 Down', text: 'db-1 said “disk full”' });
    // Without transliteration the curly quotes need UCS-2 anyway, so the emoji costs nothing.
    expect(renderSmsText(m, { template: '{subject}: {text}', transliterate: false })).toBe('🔴 Down: db-1 said “disk full”');
    expect(renderSmsText(m, { template: '{subject}: {text}' })).toBe('Down: db-1 said “disk full”');
  });

  it('keeps a long single-line body of an unknown mail (regression: it was taken for boilerplate)', () => {
    const text = Array.from({ length: 80 }, (_, i) => `line${i} ok`).join(' ');
    expect(renderSmsText(mail({ subject: 'report', text }))).toBe(`report: ${text}`);
  });

  it('keeps text in other scripts untranslated', () => {
    const m = mail({ subject: 'Сбой резервного копирования', text: 'Сервер db-01: диск заполнен на 98%' });
    expect(renderSmsText(m)).toBe('Сбой резервного копирования: Сервер db-01: диск заполнен на 98%');
  });

  it('applies the URL policy to recognised details', () => {
    const m = mail({
      subject: '[Sentry] API-1 - ValueError: bad',
      headers: { 'x-sentry-project': 'api' },
      text: 'New alert from api\nDetails: https://sentry.example.com/organizations/acme/issues/1/?referrer=alert_email\nerror in handler at db-01',
    });
    expect(renderSmsText(m)).not.toContain('https://');
    expect(renderSmsText(m, { template: '{subject}', urls: 'host' })).toContain('sentry.example.com');
  });
});

describe('rendering: hostile bodies', () => {
  const time = (fn: () => void): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };

  it('stays fast on large bodies for the generic path and for a log-reading recogniser', () => {
    const log = Array.from({ length: 20_000 }, (_, i) => `ERROR: job ${i} failed on host-${i % 97} with 9${i}% used`).join('\n');
    const cases = [
      mail({ subject: 'x', text: log }),
      mail({ subject: 'Cron <root@h> job (failed)', from: 'root (Cron Daemon)', text: log }),
      mail({ subject: '[FIRING:9999] X', text: Array.from({ length: 20_000 }, () => 'Labels\nalertname = X\ninstance = a:1').join('\n') }),
      mail({ subject: 'y', text: 'a'.repeat(100_000) }),
    ];
    // A guard against catastrophic backtracking, which takes minutes on inputs like these: the
    // bound is far above a normal run even on a machine slowed tenfold (timings are not the point).
    for (const m of cases) expect(time(() => renderSmsText(m))).toBeLessThan(10_000);
  });
});
