import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface SmtpReply {
  code: number;
  text: string; // all lines joined with \n, without the codes
}

/**
 * A plain SMTP client over TCP that exposes every reply exactly as the server sent it (code and
 * text, enhanced status included), can upgrade with STARTTLS and tells when the server hung up.
 * Real clients (nodemailer, swaks) hide those details.
 */
export class SmtpSession {
  private buffer = '';
  private pending: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private readonly waiters: { resolve: (reply: SmtpReply) => void; reject: (error: Error) => void }[] = [];
  private socket: Socket;
  private tlsSocket: TLSSocket | undefined;
  private readonly closedPromise: Promise<void>;
  private isClosed = false;
  private readonly onChunk = (chunk: Buffer) => this.onData(chunk);
  private readonly onClose: () => void;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', this.onChunk);
    socket.on('error', () => undefined);
    let resolveClosed: () => void = () => undefined;
    this.closedPromise = new Promise((resolve) => {
      resolveClosed = resolve;
    });
    this.onClose = () => {
      if (this.isClosed) return;
      this.isClosed = true;
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('connection closed before an SMTP reply'));
      resolveClosed();
    };
    socket.once('close', this.onClose);
  }

  static async open(port: number, host = '127.0.0.1'): Promise<{ session: SmtpSession; greeting: SmtpReply }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const session = new SmtpSession(socket);
    return { session, greeting: await session.next() };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get secure(): boolean {
    return this.tlsSocket !== undefined;
  }

  get peerCertificate() {
    return this.tlsSocket?.getPeerCertificate();
  }

  /** Resolves once the server has closed the connection; rejects after timeoutMs. */
  async waitClosed(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closedPromise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** Sends STARTTLS and, on 220, runs the TLS handshake over the same connection. */
  async startTls(options: ConnectionOptions = {}): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    const raw = this.socket;
    raw.off('data', this.onChunk);
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, ...options });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    secure.on('data', this.onChunk);
    secure.on('error', () => undefined);
    secure.once('close', this.onClose);
    this.tlsSocket = secure;
    this.socket = secure;
    return reply;
  }

  /**
   * Sends DATA, the message (dot-stuffed) and the final dot; returns the reply to the final dot.
   * A string is sent as latin1 octets, so tests can put any bytes (UTF-8 included) on the wire.
   */
  async data(message: string | Buffer): Promise<SmtpReply> {
    const start = await this.command('DATA');
    if (start.code !== 354) return start;
    const text = (Buffer.isBuffer(message) ? message.toString('latin1') : message).replace(/\r?\n/g, '\r\n');
    const stuffed = text.replace(/^\./gm, '..');
    this.socket.write(Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    return this.next();
  }

  /** Raw bytes on the wire, no reply awaited: the middle of a DATA that a test holds open. */
  write(raw: string): void {
    this.socket.write(Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'latin1'));
  }

  /** The next reply (after `write` ends a DATA with its final dot). */
  reply(): Promise<SmtpReply> {
    return this.next();
  }

  /** MAIL FROM, each RCPT TO, DATA (if a recipient was accepted); returns every reply. */
  async send(from: string, to: string[], message: string): Promise<{ mail: SmtpReply; rcpt: SmtpReply[]; data: SmtpReply | undefined }> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    const rcpt: SmtpReply[] = [];
    for (const address of to) rcpt.push(await this.command(`RCPT TO:<${address}>`));
    const data = rcpt.some((r) => r.code === 250) ? await this.data(message) : undefined;
    return { mail, rcpt, data };
  }

  async quit(): Promise<void> {
    if (this.isClosed) return;
    this.socket.write('QUIT\r\n');
    this.socket.end();
    await this.waitClosed().catch(() => this.socket.destroy());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private next(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.isClosed) return Promise.reject(new Error('connection closed before an SMTP reply'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SMTP reply within 10 s')), 10_000);
      this.waiters.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      this.pending.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.pending.join('\n') };
        this.pending = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
  }
}

/** The base64 argument of `AUTH PLAIN`. */
export function authPlain(username: string, password: string): string {
  return Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
}

export function mail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
