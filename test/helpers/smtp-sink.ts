import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on port 0 that keeps what it receives: the smarthost DSNs are sent to. */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  private readonly server: SMTPServer;
  private waiters: (() => void)[] = [];

  /** `onMail` runs as each mail is stored, before the client gets its 250. */
  constructor(private readonly onMail?: (mail: SunkMail) => void) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const mail: SunkMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          };
          this.mails.push(mail);
          this.onMail?.(mail);
          for (const w of this.waiters.splice(0)) w();
          callback();
        });
      },
    });
  }

  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
    return (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves with the first mail matching `predicate`, waiting up to timeoutMs. */
  async waitFor(predicate: (mail: SunkMail) => boolean, timeoutMs = 20_000): Promise<SunkMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching mail within ${timeoutMs} ms (have ${this.mails.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface DsnReport {
  headers: Record<string, string>;
  contentType: string;
  parts: { headers: Record<string, string>; body: string }[];
  /** message/delivery-status: per-message fields, then one block per recipient. */
  perMessage: Record<string, string>;
  perRecipient: Record<string, string>[];
}

/** Splits a multipart/report DSN into its parts and delivery-status fields (enough for tests). */
export function parseDsn(raw: string): DsnReport {
  const [head = '', body = ''] = splitOnce(raw, /\r?\n\r?\n/);
  const headers = fields(head);
  const contentType = headers['content-type'] ?? '';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ?? '';
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const [h = '', b = ''] = splitOnce(chunk.replace(/^\r?\n/, ''), /\r?\n\r?\n/);
      return { headers: fields(h), body: b };
    });
  const status = parts.find((p) => p.headers['content-type']?.startsWith('message/delivery-status'));
  const blocks = (status?.body ?? '').trim().split(/\r?\n\r?\n/).map(fields);
  return { headers, contentType, parts, perMessage: blocks[0] ?? {}, perRecipient: blocks.slice(1) };
}

function splitOnce(text: string, separator: RegExp): [string, string] {
  const match = separator.exec(text);
  if (!match) return [text, ''];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}

function fields(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  return out;
}
