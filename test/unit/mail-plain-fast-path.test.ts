import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, parseMail } from '../../src/mail/index.js';
import { parseWithMailparser } from '../../src/mail/parse.js';
import { parsePlainTextMail } from '../../src/mail/plain-text-mail.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const LIMITS = { ...DEFAULT_PARSE_LIMITS };

function emlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return emlFiles(path);
    return name.endsWith('.eml') ? [path] : [];
  });
}

/** CRLF as SMTP delivers it (fixture files may be stored with bare LF). */
const asReceived = (text: string) => Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
const message = (headers: string[], body: string | Buffer = ''): Buffer =>
  Buffer.concat([Buffer.from([...headers, '', ''].join('\r\n'), 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);

const HEAD = ['From: Cron Daemon <root@db-1.example.com>', 'To: +4915112345678@sms.example.com', 'Subject: Cron <root@db-1> /usr/local/bin/backup', 'Message-ID: <1@db-1.example.com>'];

/** Messages the fast path takes, each with a detail mailparser might read differently. */
const TAKEN: [string, Buffer][] = [
  ['no Content-Type at all', message(HEAD, 'backup failed: disk full\r\n')],
  ['text/plain with a quoted UTF-8 charset and 8bit', message([...HEAD, 'Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: 8bit'], 'Température 97 °C — ça chauffe 🔥\r\n')],
  ['folded subject and tabs', message(['Subject: disk\r\n\tfull   on\r\n  db-1', 'From: root@db-1', 'Content-Type: text/plain; charset=us-ascii'], 'a\tb\r\n\r\n\r\nc\r\n')],
  ['quoted display name with a comma', message(['From: "Ops, Night" <ops@example.com>', 'Subject: x'], 'y')],
  ['a group in From', message(['From: Alerts: a@example.com, b@example.com;', 'Subject: x'], 'y')],
  ['Message-ID without angle brackets', message(['Message-ID: abc@example.com', 'Subject: s'], 'b')],
  ['empty body', message(['Subject: only a subject', 'From: a@example.com'])],
  ['controls and invisible characters in the body', message(['Subject: s', 'Content-Type: text/plain; charset=utf-8'], 'a\u0000b\u001b[31mred\u200b\r\n')],
  ['bare LF in the body', message(['Subject: s'], 'one\ntwo\r\nthree\n')],
];

/** Messages the fast path must leave to mailparser. */
const LEFT: [string, Buffer][] = [
  ['quoted-printable', message([...HEAD, 'Content-Transfer-Encoding: quoted-printable'], 'caf=C3=A9')],
  ['base64', message([...HEAD, 'Content-Transfer-Encoding: base64'], 'aGVsbG8=')],
  ['ISO-8859-1 charset', message([...HEAD, 'Content-Type: text/plain; charset=iso-8859-1'], Buffer.from([0x63, 0x61, 0x66, 0xe9]))],
  ['8-bit body declared US-ASCII', message(HEAD, Buffer.from([0x63, 0x61, 0x66, 0xe9]))],
  ['invalid UTF-8', message([...HEAD, 'Content-Type: text/plain; charset=utf-8'], Buffer.from([0xc3, 0x28]))],
  ['format=flowed', message([...HEAD, 'Content-Type: text/plain; charset=utf-8; format=flowed'], 'a \r\nb')],
  ['HTML', message([...HEAD, 'Content-Type: text/html'], '<p>x</p>')],
  ['multipart', message([...HEAD, 'Content-Type: multipart/alternative; boundary=b'], '--b\r\n\r\nx\r\n--b--')],
  ['an attachment disposition', message([...HEAD, 'Content-Disposition: attachment; filename=a.txt'], 'x')],
  ['an encoded-word subject', message(['Subject: =?UTF-8?Q?Pr=C3=BCfung?=', 'From: a@example.com'], 'x')],
  ['an encoded-word name in From', message(['Subject: s', 'From: =?UTF-8?Q?J=C3=B6rg?= <j@example.com>'], 'x')],
  ['raw 8-bit in a header', message(['Subject: Prüfung', 'From: a@example.com'], 'x')],
  ['two Subject headers', message(['Subject: one', 'Subject: two'], 'x')],
  ['a line that is not a header', message(['Subject: s', 'this is not a header'], 'x')],
  ['a continuation before any header', message([' folded', 'Subject: s'], 'x')],
  ['bare LF line ends in the head', Buffer.from('Subject: s\nFrom: a@example.com\n\nbody\n')],
  ['no blank line after the head', Buffer.from('Subject: s\r\nFrom: a@example.com')],
  ['CR CR LF line ends in the body', message(['Subject: s'], 'Line one\r\r\nLine two\r\r\n')],
  ['a lone CR in the body', message(['Subject: s'], 'one\rtwo\r\n')],
];

describe('the plain-text fast path', () => {
  it.each(TAKEN)('takes %s and gives exactly what mailparser gives', async (_name, raw) => {
    const fast = parsePlainTextMail(raw, LIMITS);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await parseWithMailparser(raw, LIMITS));
  });

  it.each(LEFT)('leaves %s to mailparser', async (_name, raw) => {
    expect(parsePlainTextMail(raw, LIMITS)).toBeUndefined();
    // and parseMail still reads it
    await expect(parseMail(raw)).resolves.toBeDefined();
  });

  it('agrees with mailparser on every fixture it takes, and takes the plain ones', async () => {
    const taken: string[] = [];
    for (const file of emlFiles(FIXTURES)) {
      const raw = asReceived(readFileSync(file, 'latin1'));
      const fast = parsePlainTextMail(raw, LIMITS);
      if (fast === undefined) continue;
      taken.push(file);
      expect(fast, file).toEqual(await parseWithMailparser(raw, LIMITS));
    }
    // cron, smartd, mdadm, Nagios, monit, ... are plain 7bit mail: the path must not go unused.
    expect(taken.length).toBeGreaterThanOrEqual(10);
  });

  it('applies the same body limits', async () => {
    const raw = message(['Subject: s'], 'word '.repeat(1000));
    const limits = { maxBodyChars: 50, maxHtmlChars: 200 };
    const fast = parsePlainTextMail(raw, limits);
    expect(fast?.text.length).toBeLessThanOrEqual(50);
    expect(fast).toEqual(await parseWithMailparser(raw, limits));
  });
});
