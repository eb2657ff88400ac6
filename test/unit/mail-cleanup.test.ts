import { describe, expect, it } from 'vitest';
import { cleanBody } from '../../src/mail/index.js';

const lines = (...l: string[]): string => l.join('\n');

describe('cleanBody: quoted replies', () => {
  it('cuts an Outlook From/Sent/To/Subject block and everything after it', () => {
    const text = lines('Done, db-02 is primary.', '', 'From: NOC <noc@example.com>', 'Sent: Monday, November 23, 2026 4:31 AM',
      'To: Jane <jane@example.com>', 'Subject: RE: db down', '', 'db-01 still down?');
    expect(cleanBody(text)).toBe('Done, db-02 is primary.');
  });

  it('knows the German and French Outlook headers and -----Original Message-----', () => {
    expect(cleanBody(lines('Erledigt.', 'Von: A <a@x.de>', 'Gesendet: Montag, 23. November 2026 04:31', 'An: B <b@x.de>', 'Betreff: AW: x', 'alt')))
      .toBe('Erledigt.');
    expect(cleanBody(lines('Fait.', 'De : A <a@x.fr>', 'Envoyé : lundi 23 novembre 2026', 'À : B', 'Objet : x', 'vieux'))).toBe('Fait.');
    expect(cleanBody(lines('ok now', '-----Original Message-----', 'From: x', 'old text'))).toBe('ok now');
  });

  it('cuts at a Gmail/Apple attribution, also when wrapped over two lines', () => {
    expect(cleanBody(lines('Restarted it.', '', 'On Mon, Nov 23, 2026 at 5:12 PM Alerts <a@x.com> wrote:', '> FIRING'))).toBe('Restarted it.');
    expect(cleanBody(lines('Restarted it.', 'On Mon, Nov 23, 2026 at 5:12 PM Platform Alerts <', 'alerts@x.com> wrote:', '> x'))).toBe(
      'Restarted it.',
    );
    expect(cleanBody(lines('Neu gestartet.', 'Am 23.11.2026 um 17:12 schrieb Alerts <a@x.com>:', '> x'))).toBe('Neu gestartet.');
  });

  it('drops > lines, but keeps an all-quoted body unquoted', () => {
    expect(cleanBody(lines('my answer', '> their question', '>> older'))).toBe('my answer');
    expect(cleanBody(lines('> only quoted', '> text'))).toBe('only quoted\ntext');
  });

  it('uses the forwarded message when nothing stands above it', () => {
    const text = lines('---------- Forwarded message ---------', 'From: Alertmanager <am@x.com>', 'Date: Mon, 23 Nov 2026',
      'Subject: [FIRING:1] X', 'To: me', '', '[1] Firing', 'alertname = X');
    expect(cleanBody(text)).toBe('[1] Firing\nalertname = X');
  });
});

describe('cleanBody: signatures, disclaimers, footers', () => {
  it('cuts at "-- " (folded to "--"), a sign-off and the sender name before a contact block', () => {
    expect(cleanBody(lines('Rebooted web-01.', '--', 'Tom', '+49 30 1234 5678'))).toBe('Rebooted web-01.');
    expect(cleanBody(lines('Rebooted web-01.', '', 'Thanks,', 'Marco'))).toBe('Rebooted web-01.');
    expect(cleanBody(lines('Rebooted.', '', 'Jane Miller', 'SRE | Ops', 'T +49 69 1234 5678', 'jane@x.com | www.x.com'), { senderName: 'Jane Miller' }))
      .toBe('Rebooted.');
  });

  it('drops a confidentiality notice paragraph and "Sent from my iPhone"', () => {
    const text = lines('Back to normal.', '', 'CONFIDENTIALITY NOTICE: This e-mail is confidential. If you are not the intended recipient, delete it.',
      '', 'Sent from my iPhone');
    expect(cleanBody(text)).toBe('Back to normal.');
    expect(cleanBody(lines('ok', '', 'Von meinem iPhone gesendet'))).toBe('ok');
  });

  it('drops unsubscribe and notification-settings footers with their link, but not a first line', () => {
    const text = lines('Check failed: api', '', 'You are receiving this because you subscribed.', 'To unsubscribe click here:',
      'https://example.com/unsubscribe?u=1', 'Manage notification settings');
    expect(cleanBody(text)).toBe('Check failed: api');
    expect(cleanBody('You are receiving this email because your alarm "cpu" fired.')).toBe(
      'You are receiving this email because your alarm "cpu" fired.',
    );
  });

  it('keeps a status mail whose last line is a date or an IP address', () => {
    const text = lines('Host: sw-01', 'State: DOWN', '', 'Address: 10.20.0.2', 'Date/Time: 2026-11-23 03:14:07');
    expect(cleanBody(text)).toBe(text);
  });
});

describe('cleanBody: URLs', () => {
  const long = 'https://icinga.example.org/icingaweb2/monitoring/service/show?host=db-02&service=mysql';

  it('drops long URLs by default and the label that only introduced them', () => {
    expect(cleanBody(lines('lag 412s', `Details: ${long}`, `see ${long} now`))).toBe('lag 412s\nsee now');
  });

  it('keeps or cuts long URLs to their host when configured', () => {
    expect(cleanBody(`see ${long}`, { urls: 'keep' })).toBe(`see ${long}`);
    expect(cleanBody(`see ${long}`, { urls: 'host' })).toBe('see icinga.example.org');
  });

  it('always drops tracking and unsubscribe links, and keeps short links', () => {
    expect(cleanBody('read https://example.com/a?utm_source=mail&x=1 now', { urls: 'keep' })).toBe('read now');
    expect(cleanBody('status https://x.co/ab12', { urls: 'drop' })).toBe('status https://x.co/ab12');
  });

  it('keeps a URL that is the only content', () => {
    expect(cleanBody(long)).toBe(long);
  });
});

describe('cleanBody: hostile input', () => {
  const time = (fn: () => void): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };

  it('stays fast on huge bodies, long lines and repeated quote headers', () => {
    const cases = [
      'a'.repeat(5_000_000),
      `${'x '.repeat(200_000)}\n`.repeat(5),
      'On '.repeat(100_000),
      lines(...Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 'From: a' : 'Sent: b'))),
      `${'+1'.repeat(50_000)} ${'1.'.repeat(50_000)}`,
      `https://${'a.'.repeat(100_000)}com`,
      lines(...Array.from({ length: 10_000 }, () => '> '.repeat(50))),
    ];
    // A guard against catastrophic backtracking, which takes minutes on inputs like these: the
    // bound is far above a normal run even on a machine slowed tenfold (timings are not the point).
    for (const text of cases) expect(time(() => cleanBody(text))).toBeLessThan(10_000);
  });

  it('bounds the text it returns', () => {
    expect(cleanBody('b'.repeat(1_000_000)).length).toBeLessThanOrEqual(64 * 1024);
  });

  it('falls back to the plain text when its deadline passes', () => {
    let t = 0;
    const text = lines('keep me', '', 'Thanks,', 'Tom');
    expect(cleanBody(text, { now: () => (t += 100) })).toBe(text);
  });
});
