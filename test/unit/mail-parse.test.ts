import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../src/mail/index.js';
import { renderSmsText } from '../../src/render/index.js';

const FIXTURES = new URL('../fixtures/mail/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));

/** A raw message from header lines and a body, CRLF throughout. */
const message = (headers: string[], body = ''): Buffer =>
  Buffer.from([...headers, '', body].join('\r\n'));

describe('parseMail: hand-made fixtures', () => {
  it('converts an html-only mail without CSS, scripts, images, tracking pixels or link URLs', async () => {
    const mail = await parseMail(fixture('html-tracking-pixel.eml'));
    expect(mail.bodySource).toBe('html');
    expect(mail.subject).toBe('Website down: shop.example.com');
    expect(mail.from).toBe('Uptime Monitor <alerts@status.example.com>');
    expect(mail.messageId).toBe('html-pixel-1@status.example.com');
    expect(mail.text).toBe(
      [
        'Monitor is DOWN',
        '',
        'shop.example.com returned HTTP 503 at 09:14:52 UTC.',
        '',
        'Monitor: shop.example.com',
        'Reason: Service Unavailable',
        '',
        'Acknowledge · Unsubscribe',
      ].join('\n'),
    );
    for (const noise of ['font-family', '@media', 'trackOpen', 'logo', 'http', 'open.gif', 'Monitor alert']) {
      expect(mail.text).not.toContain(noise);
    }
  });

  it('decodes an RFC 2047 ISO-8859-1 subject and a quoted-printable ISO-8859-1 body', async () => {
    const mail = await parseMail(fixture('latin1-qp-umlauts.eml'));
    expect(mail.subject).toBe('Prüfung fehlgeschlagen');
    expect(mail.from).toBe('Prüfdienst <pruefung@example.de>');
    expect(mail.bodySource).toBe('text');
    // soft line break joined, three blank lines folded to one
    expect(mail.text).toBe(
      'Die nächtliche Prüfung von münchen-db-01 ist fehlgeschlagen.\n' +
        'Größe der Datei: 12 MB, erwartet: 40 MB. Bitte die Sicherung überprüfen.\n' +
        '\n' +
        'Straße 5, Änderung nötig.',
    );
  });

  it('decodes windows-1252 quotes, dashes and the euro sign', async () => {
    const mail = await parseMail(fixture('cp1252-smart-quotes.eml'));
    expect(mail.text).toBe('Job “nightly” failed – storage cost €37.50 this month.');
  });

  it('gives empty text for a mail with no body, headers intact', async () => {
    const mail = await parseMail(fixture('no-body.eml'));
    expect(mail).toMatchObject({ subject: 'Heartbeat OK', text: '', bodySource: 'none', from: 'cron@example.com' });
    expect(mail.headers['x-mailer']).toBe('heartbeat.sh 1.0');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.headers['message-id']).toBe('<no-body-1@example.com>');
  });

  it('reads what it can from garbage headers and an unterminated MIME boundary', async () => {
    const mail = await parseMail(fixture('malformed.eml'));
    expect(mail.subject).toBe('RAID degraded on nas-01');
    expect(mail.from).toBe('raid-monitor@nas-01.example.com');
    expect(mail.messageId).toBeUndefined();
    expect(mail.text).toBe('md0: disk sdb failed, array degraded [U_]');
    expect(mail.bodySource).toBe('text');
    // junk lines are not header names
    expect(Object.keys(mail.headers).sort()).toEqual(['content-type', 'from', 'subject']);
  });

  it('prefers text/plain in multipart/alternative even when html is listed first', async () => {
    const mail = await parseMail(fixture('alternative-text-wins.eml'));
    expect(mail.bodySource).toBe('text');
    expect(mail.text).toBe('Plain version: CPU 97% on web-01\n\nThreshold: 90%');
  });

  it('falls back to the html alternative when text/plain has no words', async () => {
    const raw = message(
      ['Subject: alt', 'Content-Type: multipart/alternative; boundary=b'],
      '--b\r\nContent-Type: text/plain\r\n\r\n \r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>from <i>html</i></p>\r\n--b--\r\n',
    );
    const mail = await parseMail(raw);
    expect(mail).toMatchObject({ text: 'from html', bodySource: 'html' });
  });

  it('decodes a UTF-8 base64 body and an encoded-word subject split over two words', async () => {
    const raw = message(
      [
        'Subject: =?UTF-8?B?U3RhdHVzOiDinIUgYWxs?= =?UTF-8?Q?_gr=C3=BCn?=',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
      ],
      Buffer.from('Alles grün ✅\r\n').toString('base64'),
    );
    const mail = await parseMail(raw);
    expect(mail.subject).toBe('Status: ✅ all grün');
    expect(mail.text).toBe('Alles grün ✅');
  });

  it('ignores attachments', async () => {
    const raw = message(
      ['Subject: report', 'Content-Type: multipart/mixed; boundary=m'],
      '--m\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n' +
        '--m\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n\r\nsecret log line\r\n' +
        '--m\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--m--\r\n',
    );
    const mail = await parseMail(raw);
    expect(mail.text).toBe('See attached.');
  });
});

describe('parseMail: header record', () => {
  it('keeps the first value of each header, unfolded, under its lower-cased name', async () => {
    const raw = message(
      ['Subject: s', 'X-Cron-Env: <SHELL=/bin/sh>', 'X-Cron-Env: <HOME=/root>', 'X-Long: one', '\ttwo   three'],
      'b',
    );
    const { headers } = await parseMail(raw);
    expect(headers['x-cron-env']).toBe('<SHELL=/bin/sh>');
    expect(headers['x-long']).toBe('one two three');
  });

  it('takes the first of repeated Subject, From and Message-ID headers', async () => {
    const raw = message(['Subject: one', 'Subject: two', 'From: a@example.com', 'From: b@example.com', 'Message-ID: <x@y>', 'Message-ID: <z@y>'], 'b');
    expect(await parseMail(raw)).toMatchObject({ subject: 'one', from: 'a@example.com', messageId: 'x@y' });
  });

  it('is safe against prototype-named headers', async () => {
    const raw = message(['__proto__: polluted', 'constructor: c', 'Subject: p'], 'b');
    const { headers } = await parseMail(raw);
    expect(Object.hasOwn(headers, '__proto__')).toBe(true);
    expect(headers['__proto__']).toBe('polluted');
    expect(headers['constructor']).toBe('c');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const plain = await parseMail(message(['Subject: q'], 'b'));
    expect(plain.headers['constructor']).toBeUndefined();
    expect(plain.headers['toString']).toBeUndefined();
  });
});

describe('parseMail: the corpus of real notification mails', () => {
  const corpus = new URL('corpus/', FIXTURES);
  const names = readdirSync(corpus).filter((name) => name.endsWith('.eml'));

  it('has the whole corpus', () => {
    expect(names.length).toBe(9);
  });

  const fold = (s: string): string => s.replace(/\s+/g, ' ').toLowerCase();

  it.each(names)('%s parses to a subject, non-empty text and keeps every essential', async (name) => {
    const sidecar = JSON.parse(readFileSync(new URL(name.replace(/\.eml$/, '.json'), corpus), 'utf8')) as {
      essentials: string[];
    };
    const mail = await parseMail(readFileSync(new URL(name, corpus)));
    expect(mail.subject).not.toBe('');
    expect(mail.text).not.toBe('');
    expect(mail.bodySource).not.toBe('none');
    const sms = renderSmsText(mail, { template: '{subject}: {text}', recognisers: false, condense: false });
    expect(sms.startsWith(`${mail.subject}: `)).toBe(true);
    const everything = fold(`${mail.subject} ${mail.text}`);
    for (const essential of sidecar.essentials) expect(everything).toContain(fold(essential));
  });

  it('decodes the Zabbix base64 body exactly and has no Message-ID', async () => {
    const mail = await parseMail(readFileSync(new URL('04-zabbix-problem.eml', corpus)));
    expect(mail.messageId).toBeUndefined();
    expect(mail.from).toBe('Zabbix <zabbix@corp.example.com>');
    expect(mail.text).toBe(
      [
        'Problem started at 14:22:05 on 2026.11.23',
        'Problem name: /: Disk space is critically low (used > 90%)',
        'Host: app-srv-07',
        'Severity: Average',
        'Operational data: Space used: 47.3 GB of 50 GB (94.6 %)',
        'Original problem ID: 4827193',
      ].join('\n'),
    );
  });

  it('decodes the 8bit ISO-8859-1 cron mail', async () => {
    const mail = await parseMail(readFileSync(new URL('23-cron-legacy-latin1-de.eml', corpus)));
    expect(mail.text).toContain('Auf dem Gerät ist kein Speicherplatz mehr verfügbar');
    expect(mail.text).toContain('(Rückgabewert 2)');
    expect(mail.text).toContain('bitte alte Sicherungen löschen!');
  });

  it('folds the tab-aligned monit body', async () => {
    const mail = await parseMail(readFileSync(new URL('12-monit-does-not-exist.eml', corpus)));
    expect(mail.subject).toBe('monit alert -- Does not exist nginx');
    expect(mail.text.split('\n').slice(0, 5)).toEqual([
      'Does not exist Service nginx',
      '',
      'Date: Mon, 23 Nov 2026 08:27:29',
      'Action: restart',
      'Host: web-03.prod.example.com',
    ]);
  });

  it('converts the Alertmanager html without its stylesheet', async () => {
    const mail = await parseMail(readFileSync(new URL('01-alertmanager-firing-3-alerts.eml', corpus)));
    expect(mail.bodySource).toBe('html');
    expect(mail.messageId).toBe('1795422417707611393.13278052905130891275@vm');
    expect(mail.text.split('\n').slice(0, 3)).toEqual([
      '3 alerts for alertname=NodeFilesystemAlmostOutOfSpace job=node',
      'View in Alertmanager',
      '[3] Firing',
    ]);
    expect(mail.text).not.toMatch(/!important|font-family|<\/?\w+/);
  });

  it('puts Jenkins table cells of one row on one line', async () => {
    const mail = await parseMail(readFileSync(new URL('20-jenkins-build-failure.eml', corpus)));
    expect(mail.text.split('\n').slice(0, 3)).toEqual([
      'BUILD FAILURE',
      'Build URL https://ci.example.com/job/payments-service/1482/',
      'Project: payments-service',
    ]);
  });

  it('takes the Outlook text/plain part and decodes its UTF-8 subject', async () => {
    const mail = await parseMail(readFileSync(new URL('26-outlook-reply-chain-disclaimer.eml', corpus)));
    expect(mail.subject).toBe('RE: [CRITICAL] Production DB primary unreachable – INC0012345');
    expect(mail.bodySource).toBe('text');
    expect(mail.text.startsWith('Failover completed at 04:52 CET – db-02 is now primary')).toBe(true);
  });
});
