import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../src/mail/index.js';
import { renderSms } from '../../src/render/index.js';

/** A raw message from header lines and a body, CRLF throughout. */
const message = (headers: string[], body = ''): Buffer =>
  Buffer.from([...headers, '', body].join('\r\n'));

describe('parseMail: malformed and hostile input', () => {
  it('never throws on junk: empty input, binary noise, headers without a body', async () => {
    const noise = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    for (const raw of [Buffer.alloc(0), noise, Buffer.from('Subject: only\r\n'), Buffer.from('no header here')]) {
      const mail = await parseMail(raw);
      expect(typeof mail.text).toBe('string');
    }
    expect((await parseMail(Buffer.alloc(0))).bodySource).toBe('none');
  });

  // Each of these took seconds to minutes of CPU (one event loop for every session) before the
  // fields were bounded and the patterns that backtracked on them were replaced.
  it.each([
    ['a 300 KB From without an @ in its run', ['From: Alerts ' + 'x'.repeat(300_000) + ' <a@b.example>', 'Subject: disk full']],
    ['a 300 KB From of "a\\ pairs', ['From: ' + '"a\\'.repeat(75_000) + ' <a@b.example>', 'Subject: disk full']],
    ['a 300 KB Icinga-style subject', ['From: icinga@mon.example', 'Subject: [PROBLEM] ' + ' on x'.repeat(60_000) + ' is CRITICAL!']],
    ['a 300 KB Message-ID', ['From: a@b.example', 'Subject: disk full', 'Message-ID: <' + 'i'.repeat(300_000) + '@b.example>']],
  ])('bounds the header-born fields of %s, and renders it', async (_what, headers) => {
    for (const type of ['text/plain; charset=us-ascii', 'text/plain; charset=iso-8859-1; format=flowed']) {
      const mail = await parseMail(message([...headers, `Content-Type: ${type}`], 'body text'));
      for (const field of [mail.subject, mail.from, mail.messageId ?? '', ...Object.values(mail.headers)]) expect(field.length).toBeLessThanOrEqual(998);
      expect(mail.messageId === undefined || mail.messageId.length <= 998).toBe(true);
      const rendered = renderSms(mail);
      expect(rendered.text.length).toBeGreaterThan(0);
      expect(rendered.text.length).toBeLessThanOrEqual(2_000);
    }
  });

  it('replaces an over-long Message-ID by its digest, the same each time', async () => {
    const raw = message(['Subject: x', 'Message-ID: <' + 'i'.repeat(5_000) + '@b.example>'], 'body');
    const [a, b] = [await parseMail(raw), await parseMail(raw)];
    expect(a.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.messageId).toBe(a.messageId);
  });

  it('caps the text at maxBodyChars', async () => {
    const raw = message(['Subject: long', 'Content-Type: text/plain'], 'word '.repeat(10_000));
    const mail = await parseMail(raw, { maxBodyChars: 100 });
    expect(mail.text.length).toBeLessThanOrEqual(100);
    expect(mail.text.startsWith('word word')).toBe(true);
  });

  it('does not cut a surrogate pair in half at the cap', async () => {
    const raw = message(['Subject: e', 'Content-Type: text/plain; charset=utf-8'], 'a' + '😀'.repeat(50));
    const mail = await parseMail(raw, { maxBodyChars: 4 });
    expect(mail.text).toBe('a😀');
  });

  it('bounds a 5 MB deeply nested html body to maxBodyChars', async () => {
    const html = '<div><span>alert '.repeat(300_000); // 5.4 MB, 600 000 levels deep
    expect(html.length).toBeGreaterThan(5_000_000);
    const raw = message(
      ['Subject: hostile', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64'],
      Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n'),
    );
    const mail = await parseMail(raw);
    expect(mail.bodySource).toBe('html');
    expect(mail.text.length).toBeLessThanOrEqual(100_000);
    expect(mail.text.length).toBeGreaterThan(90_000);
    expect(mail.text.startsWith('alert\nalert')).toBe(true);

    const small = await parseMail(raw, { maxBodyChars: 50, maxHtmlChars: 10_000 });
    expect(small.text.length).toBeLessThanOrEqual(50);
    expect(small.text.startsWith('alert')).toBe(true);
  });

  it('bounds <p><li> nesting, which neither implies closed', async () => {
    const raw = message(['Subject: p-li', 'Content-Type: text/html'], '<p><li>x'.repeat(200_000));
    const mail = await parseMail(raw, { maxBodyChars: 1000 });
    expect(mail.text.length).toBeLessThanOrEqual(1000);
    expect(mail.text.startsWith('x\n')).toBe(true);
  });

  it('salvages subject and body when a header is over mailparser’s size limit', async () => {
    const raw = message(
      ['X-Junk: ' + 'a'.repeat(2_000_000), 'Subject: =?UTF-8?Q?Pr=C3=BCfung?= survived', 'Content-Type: text/plain'],
      'body survived',
    );
    const mail = await parseMail(raw);
    expect(mail.subject).toBe('Prüfung survived');
    expect(mail.text).toBe('body survived');
    expect(mail.headers['x-junk']?.length).toBeLessThanOrEqual(4096);
  });

  it.each(['01-alertmanager-firing-3-alerts.eml', '23-cron-legacy-latin1-de.eml', '26-outlook-reply-chain-disclaimer.eml'])(
    'reads %s behind 3,000 Received lines (a header block too large for mailparser) as it reads it without them',
    async (name) => {
      const original = readFileSync(join('test/fixtures/mail/corpus', name));
      const received = Array.from({ length: 3_000 }, (_, i) => `Received: from relay${i}.example.net by mx.example.org; Mon, 23 Nov 2026 10:00:00 +0000\r\n`).join('');
      const padded = Buffer.concat([Buffer.from(received), original]);
      const [plain, flooded] = await Promise.all([parseMail(original), parseMail(padded)]);
      expect({ ...flooded, headers: undefined }).toEqual({ ...plain, headers: undefined });
      expect(flooded.headers.received).toContain('relay0.example.net');
      for (const [key, value] of Object.entries(plain.headers)) if (key !== 'received') expect(flooded.headers[key]).toBe(value);
    },
  );

  it('keeps the subject and sender that follow more than MAX_HEADER_COUNT other header names', async () => {
    const junk = Array.from({ length: 800 }, (_, i) => `X-Junk-${i}: ${'v'.repeat(100)}`);
    const mail = await parseMail(message([...junk, 'From: Ops <ops@example.com>', 'Subject: after the junk'], 'body'));
    expect([mail.subject, mail.from, mail.text]).toEqual(['after the junk', 'Ops <ops@example.com>', 'body']);
  });

  it('salvages the subject when the MIME tree has too many parts', async () => {
    const parts = Array.from({ length: 1500 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`);
    const raw = message(['Subject: many parts', 'Content-Type: multipart/mixed; boundary=b'], parts.join('') + '--b--');
    const mail = await parseMail(raw);
    expect(mail.subject).toBe('many parts');
  });

  it('reads the first parts of a mail with more MIME parts than mailparser takes (it used to be 451 on every retry)', async () => {
    const parts = Array.from({ length: 1500 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\nRAID degraded on db-01, part ${i + 1}\r\n`);
    const parsed = await parseMail(message(['Content-Type: multipart/mixed; boundary=b'], parts.join('') + '--b--'));
    expect(parsed.text.startsWith('RAID degraded on db-01, part 1\n')).toBe(true);
    expect(parsed.text).not.toContain('part 901');
  });

  it('counts only the declared boundaries when it cuts such a mail: a text full of "--" lines stays whole', async () => {
    const dashes = Array.from({ length: 950 }, (_, i) => `-- line ${i + 1}`).join('\r\n');
    const first = `--b\r\nContent-Type: text/plain\r\n\r\nRAID degraded on db-01\r\n${dashes}\r\nend of part one\r\n`;
    const rest = Array.from({ length: 1200 }, () => `--b\r\nContent-Type: text/plain\r\n\r\nx\r\n`).join('');
    const parsed = await parseMail(message(['Content-Type: multipart/mixed; boundary=b'], first + rest + '--b--'));
    expect(parsed.text).toContain('-- line 950\nend of part one');
  });
});
