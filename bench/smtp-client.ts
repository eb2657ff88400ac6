/**
 * A minimal SMTP client for the benchmark, adapted from test/helpers/smtp-session.ts: same reply
 * parsing, but one idle timeout per socket instead of a timer per reply, and a `send` that records
 * when the final dot went out and when its reply came back. One command, one reply, unless
 * BENCH_PIPELINING=1 (then MAIL, RCPT and DATA go in one write).
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SmtpReply } from '../test/helpers/smtp-session.js';

export type { SmtpReply };

/** Timestamps are performance.now() values of this thread. */
export interface SendTimings {
  /** MAIL FROM written. */
  start: number;
  /** Final dot written (= end when the transaction failed before DATA). */
  dot: number;
  /** Reply to the final dot read (or the failing reply of an earlier step). */
  end: number;
  /** The reply that ended the transaction: 250 after the dot when all went well. */
  reply: SmtpReply;
  ok: boolean;
}

const IDLE_TIMEOUT_MS = 15_000;
/** BENCH_PIPELINING=1: send MAIL, RCPT and DATA in one write, as a pipelining MTA does. */
const PIPELINING = process.env.BENCH_PIPELINING === '1';

export class BenchSmtpClient {
  private buffer = '';
  private pending: string[] = [];
  private replies: SmtpReply[] = [];
  private waiter: { resolve(reply: SmtpReply): void; reject(err: Error): void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy(new Error(`no SMTP traffic for ${IDLE_TIMEOUT_MS} ms`)));
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Connects and reads the greeting. */
  static async open(port: number, host = '127.0.0.1'): Promise<{ client: BenchSmtpClient; greeting: SmtpReply }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new BenchSmtpClient(socket);
    const greeting = await client.next();
    return { client, greeting };
  }

  command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** MAIL, one RCPT, DATA, the message; `raw` must use CRLF and not end with the dot. */
  async send(from: string, to: string, raw: string): Promise<SendTimings> {
    const start = performance.now();
    const done = (reply: SmtpReply, dot?: number): SendTimings => {
      const end = performance.now();
      return { start, dot: dot ?? end, end, reply, ok: dot !== undefined && reply.code === 250 };
    };
    if (PIPELINING) {
      // RFC 2920, as Postfix and Exim send: the envelope and DATA in one write.
      this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      const replies = [await this.next(), await this.next(), await this.next()];
      const failed = replies.find((r, i) => r.code !== (i === 2 ? 354 : 250));
      if (failed) return done(failed);
      const stuffed = raw.replace(/^\./gm, '..');
      const dot = performance.now();
      this.socket.write(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
      return done(await this.next(), dot);
    }
    const mail = await this.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) return done(mail);
    const rcpt = await this.command(`RCPT TO:<${to}>`);
    if (rcpt.code !== 250) return done(rcpt);
    const data = await this.command('DATA');
    if (data.code !== 354) return done(data);
    const stuffed = raw.replace(/^\./gm, '..');
    const dot = performance.now();
    this.socket.write(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
    return done(await this.next(), dot);
  }

  /** QUIT, wait for 221 (or the close), then end the socket. */
  async quit(): Promise<void> {
    if (this.socket.destroyed) return;
    await this.command('QUIT').catch(() => undefined);
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private next(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      this.pending.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: this.pending.join('\n') };
      this.pending = [];
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter.resolve(reply);
      else this.replies.push(reply);
    }
  }
}
