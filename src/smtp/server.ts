import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { MessageError, QueueError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { AcceptedRecipient, Intake } from './intake.js';
import { toE164, type NumberValidation } from './phone-number.js';
import { clientNetworks, senderPolicy, splitAddress } from './policy.js';
import { replies } from './replies.js';
import { DataBudget } from './data-budget.js';
import type { TlsMaterial } from './tls-files.js';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  hostname: string;
  domains: string[];
  maxMessageBytes: number;
  /** DATA bytes held at once across sessions (see DataBudget). */
  maxBufferedBytes: number;
  maxRecipients: number;
  maxClients: number;
  socketTimeoutMs: number;
  auth: { required: boolean; users: { username: string; password: string }[] };
  tls?: TlsMaterial;
  clients: string[];
  senders: string[];
  reverseDns: boolean;
  /** Resolves false when this client is over its message rate (answered 450 4.7.1). */
  withinRate?(client: string): Promise<boolean>;
  /** False for an E.164 number that no route matches (answered 550 5.1.1); absent = all are. */
  routable?(number: string): boolean;
  defaultRegion: string;
  numberValidation: NumberValidation;
}

/**
 * The SMTP front door. Every check happens at the earliest phase that can answer it, so a bad
 * recipient is refused at RCPT and never becomes a bounce later. DATA gets 250 only after the
 * intake has stored every recipient's job.
 */
export class SmtpListener {
  private readonly server: SMTPServer;
  private readonly numbers = new WeakMap<SMTPServerSession, Map<string, AcceptedRecipient>>();

  private readonly budget: DataBudget;

  constructor(
    private readonly options: SmtpListenerOptions,
    private readonly intake: Intake,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {
    this.budget = new DataBudget(options.maxBufferedBytes);
    const clientAllowed = clientNetworks(options.clients);
    const senderAllowed = senderPolicy(options.senders);
    const domains = new Set(options.domains.map((d) => d.toLowerCase()));

    this.server = new SMTPServer({
      name: options.hostname,
      banner: 'smtp2sms ready',
      logger: false,
      secure: false,
      disabledCommands: options.tls ? [] : ['STARTTLS'],
      ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
      // AUTH over plaintext only where there is no TLS at all (a loopback-only deployment).
      allowInsecureAuth: !options.tls,
      authOptional: !options.auth.required,
      // smtp-server refuses MAIL/RCPT/DATA before AUTH itself; this is its reply text.
      authRequiredMessage: replies.authRequired().message,
      authMethods: ['PLAIN', 'LOGIN'],
      // SIZE is advertised without its value: with the value shown, smtp-server checks a declared
      // SIZE= itself and answers without the contract's 5.3.4 (enhanced codes are ours, in the
      // text). SIZE= at MAIL FROM and DATA are checked here: 552 5.3.4.
      size: options.maxMessageBytes,
      hideSize: true,
      hideDSN: false,
      hidePIPELINING: false,
      hide8BITMIME: false,
      hideSMTPUTF8: false,
      disableReverseLookup: !options.reverseDns,
      maxClients: options.maxClients,
      socketTimeout: options.socketTimeoutMs,
      // On shutdown, sessions still open after this get 421 and are closed.
      closeTimeout: 5_000,

      onConnect: (session, callback) => {
        if (clientAllowed(session.remoteAddress)) return callback();
        this.log.warn({ event: 'smtp.client_denied', client: session.remoteAddress }, 'client network not allowed');
        callback(replies.clientDenied(session.remoteAddress));
      },

      onAuth: (auth, session, callback) => {
        const user = options.auth.users.find((u) => u.username === auth.username);
        if (user && auth.password != null && sameSecret(user.password, auth.password)) {
          return callback(null, { user: user.username });
        }
        this.log.warn({ event: 'smtp.auth_failed', client: session.remoteAddress, username: auth.username }, 'authentication failed');
        // A pause makes guessing passwords slow; smtp-server also ends a session after 10 failures.
        setTimeout(() => callback(replies.authFailed()), AUTH_FAILURE_DELAY_MS).unref();
      },

      onMailFrom: (address, session, done) => {
        // smtp-server copies RET/ENVID into the envelope before asking; a refused MAIL must not leave them there.
        const callback = (error?: Error) => {
          if (error && session.envelope.dsn) session.envelope.dsn = { ret: null, envid: null } as typeof session.envelope.dsn;
          done(error);
        };
        if (options.auth.required && !session.user) return callback(replies.authRequired());
        if (address.address !== '' && !senderAllowed(address.address)) return callback(replies.senderDenied(address.address));
        if (options.senders.length > 0 && address.address === '') return callback(replies.senderDenied(''));
        const declared = address.args ? Number(address.args.SIZE) : NaN;
        if (declared > options.maxMessageBytes) return callback(replies.tooBig(options.maxMessageBytes));
        this.numbers.set(session, new Map());
        if (!options.withinRate) return callback();
        const client = typeof session.user === 'string' ? `user:${session.user}` : `ip:${session.remoteAddress}`;
        // A limiter that cannot answer lets the mail through: DATA will still get 451 if Redis is down.
        options.withinRate(client).then(
          (ok) => {
            if (ok) return callback();
            this.log.warn({ event: 'smtp.rate_limited', client }, 'client over smtp.messagesPerMinute');
            callback(replies.rateLimited());
          },
          () => callback(),
        );
      },

      onRcptTo: (address, session, callback) => {
        const parts = splitAddress(address.address);
        if (!parts || !domains.has(parts.domain)) return callback(replies.relayDenied());
        const number = toE164(parts.local, options.defaultRegion, options.numberValidation);
        if (!number) return callback(replies.invalidNumber(address.address));
        // Refused now rather than bounced after the 250: no configured route could ever send it.
        if (options.routable && !options.routable(number)) {
          // Logged, unlike a mistyped number: it is as likely a gap in `routes` as the sender's fault.
          this.log.warn({ event: 'smtp.no_route', number, client: session.remoteAddress }, 'recipient refused: no route matches its number');
          return callback(replies.noRoute(address.address));
        }
        const accepted = this.numbers.get(session) ?? new Map<string, AcceptedRecipient>();
        this.numbers.set(session, accepted);
        // Two spellings of one number are one SMS. smtp-server still keeps every accepted spelling,
        // so they are bounded too: one client could otherwise grow a session without end.
        const repeated = accepted.has(number);
        if ((!repeated && accepted.size >= options.maxRecipients) || session.envelope.rcptTo.length >= 2 * options.maxRecipients) {
          return callback(replies.tooManyRecipients(options.maxRecipients));
        }
        if (!repeated) accepted.set(number, { address: address.address, number, ...(address.dsn ? { dsn: address.dsn } : {}) });
        callback();
      },

      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (message) => callback(null, message),
          (error: Error) => callback(error),
        );
      },
    });
    // Per-connection failures (a client dropping mid-TLS, a reset) are the client's business.
    this.server.on('error', (err: NodeJS.ErrnoException) => {
      const clientSide = err.code !== undefined && CLIENT_SIDE_ERRORS.has(err.code);
      this.log[clientSide ? 'warn' : 'error']({ event: clientSide ? 'smtp.connection_error' : 'smtp.error', code: err.code, err: err.message }, 'SMTP error');
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.server.off('error', onError);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    let held = 0;
    try {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let overBudget = false;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        // Keep reading past a limit (the client is still sending) but stop keeping it, and give
        // back what a message already too big holds: other sessions may need it meanwhile.
        if (bytes > this.options.maxMessageBytes && held > 0) {
          chunks.length = 0;
          this.budget.release(held);
          held = 0;
        }
        if (bytes > this.options.maxMessageBytes || overBudget) continue;
        if (this.budget.take(chunk.length)) {
          held += chunk.length;
          chunks.push(chunk);
        } else {
          overBudget = true;
          chunks.length = 0;
          this.budget.release(held);
          held = 0;
        }
      }
      if (bytes > this.options.maxMessageBytes) {
        this.metrics?.smtpTransactions.inc({ result: 'too_big' });
        this.log.warn({ event: 'smtp.message_refused', code: 'TOO_BIG', client: session.remoteAddress, bytes, limit: this.options.maxMessageBytes }, 'message over smtp.maxMessageBytes');
        throw replies.tooBig(this.options.maxMessageBytes);
      }
      if (overBudget) {
        this.metrics?.smtpTransactions.inc({ result: 'busy' });
        this.log.warn({ event: 'smtp.busy', client: session.remoteAddress, bytes, limit: this.options.maxBufferedBytes }, 'DATA of concurrent sessions over smtp.maxBufferedBytes: answered 452, the sender retries');
        throw replies.busy();
      }
      return await this.accept(Buffer.concat(chunks, bytes), session);
    } finally {
      this.budget.release(held);
    }
  }

  private async accept(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const recipients = [...(this.numbers.get(session)?.values() ?? [])];
    const envelope = session.envelope;
    try {
      const { txId } = await this.intake({
        sender: envelope.mailFrom ? envelope.mailFrom.address : '',
        recipients,
        raw,
        ...(envelope.dsn ? { dsn: { ...(envelope.dsn.ret ? { ret: envelope.dsn.ret as 'FULL' | 'HDRS' } : {}), ...(envelope.dsn.envid ? { envid: envelope.dsn.envid } : {}) } } : {}),
        client: { address: session.remoteAddress, ...(typeof session.user === 'string' ? { user: session.user } : {}), tls: Boolean(session.secure) },
      });
      this.metrics?.smtpTransactions.inc({ result: 'queued' });
      return replies.queued(txId);
    } catch (error) {
      if (error instanceof MessageError && error.permanent) {
        this.metrics?.smtpTransactions.inc({ result: 'unusable' });
        this.log.warn({ event: 'smtp.message_refused', code: error.code, client: session.remoteAddress }, error.message);
        throw replies.unusable(error.message);
      }
      if (error instanceof QueueError) {
        this.metrics?.smtpTransactions.inc({ result: 'queue_unavailable' });
        this.log.error({ event: 'smtp.queue_unavailable', code: error.code, client: session.remoteAddress, err: error.message }, 'could not queue message, answered 451');
        throw replies.queueUnavailable();
      }
      this.metrics?.smtpTransactions.inc({ result: 'error' });
      this.log.error({ event: 'smtp.intake_failed', client: session.remoteAddress, err: error }, 'could not accept message, answered 451');
      throw replies.localError();
    }
  }
}

const AUTH_FAILURE_DELAY_MS = 1_000;

/** Connection-level failures caused by the client or the network, not by us. */
const CLIENT_SIDE_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'EPROTO']);

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
