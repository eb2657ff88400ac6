import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string; // all lines joined with \n, without the codes
}

/**
 * A plain SMTP client over TCP that exposes every reply exactly as the server sent it, so tests
 * can assert codes and enhanced status codes. Real clients (nodemailer, swaks) hide those.
 */
export class SmtpSession {
  private buffer = '';
  private waiters: ((reply: SmtpReply) => void)[] = [];
  private replies: SmtpReply[] = [];
  private pending: string[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
  }

  static async open(port: number, host = '127.0.0.1'): Promise<{ session: SmtpSession; greeting: SmtpReply }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const session = new SmtpSession(socket);
    const greeting = await session.next();
    return { session, greeting };
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** Sends DATA, the message (dot-stuffed) and the final dot; returns the reply to the final dot. */
  async data(message: string | Buffer): Promise<SmtpReply> {
    const start = await this.command('DATA');
    if (start.code !== 354) return start;
    const text = (Buffer.isBuffer(message) ? message.toString('latin1') : message).replace(/\r?\n/g, '\r\n');
    const stuffed = text.replace(/^\./gm, '..');
    this.socket.write(Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    return this.next();
  }

  /** EHLO, MAIL FROM, each RCPT TO, DATA; returns every reply. */
  async send(from: string, to: string[], message: string): Promise<{ mail: SmtpReply; rcpt: SmtpReply[]; data: SmtpReply | undefined }> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    const rcpt: SmtpReply[] = [];
    for (const address of to) rcpt.push(await this.command(`RCPT TO:<${address}>`));
    const data = rcpt.some((r) => r.code === 250) ? await this.data(message) : undefined;
    return { mail, rcpt, data };
  }

  async quit(): Promise<void> {
    if (!this.socket.destroyed) {
      this.socket.write('QUIT\r\n');
      this.socket.end();
    }
  }

  private next(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SMTP reply within 10 s')), 10_000);
      this.waiters.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      this.pending.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.pending.join('\n') };
        this.pending = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }
}

export function mail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
