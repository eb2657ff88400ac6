/**
 * One SMPP 3.4 ESME session that keeps itself bound: connect, bind, enquire_link, answer the
 * SMSC's requests, reconnect with backoff. Requests are tracked here with our own sequence numbers
 * and timeouts, because the `smpp` package has none: its response callbacks wait forever and are
 * never failed when the socket closes. Its Session emits 'error' (fatal without a listener) and,
 * after a PDU it cannot parse, stops reading for good, so every error ends the connection here.
 */
import type { Logger } from 'pino';
import type { PDU, Session } from 'smpp';
import type { SmppStatusClassifier } from '../../delivery/classify-smpp.js';
import { Backoff } from './backoff.js';
import type { ResolvedSmppOptions } from './options.js';
import { useRawMessageBodies } from './raw-pdus.js';

export type SessionState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'bound'; since: number }
  | { kind: 'reconnecting'; at: number; reason: string }
  | { kind: 'refused'; code: string; commandStatus: number }
  | { kind: 'stopped' };

export type RequestResult =
  | { kind: 'response'; pdu: PDU }
  | { kind: 'timeout'; waitedMs: number }
  | { kind: 'unavailable'; reason: string };

export interface SessionHandlers {
  onBound(): void;
  onDown(reason: string): void;
  onRefused(code: string): void;
  /**
   * deliver_sm or data_sm. The session answers once this settles: OK when it resolves true, a
   * temporary error when it resolves false (could not be taken in: the SMSC should resend it).
   */
  onDeliver(pdu: PDU): Promise<boolean>;
}

/** Bind answers that mean our credentials are wrong: retrying cannot help until config changes. */
const CREDENTIAL_FAILURES = new Set([0x0d, 0x0e, 0x0f]);
const SMPP_VERSION_34 = 0x34;
const ESME_RINVCMDID = 0x03;
/** "Incorrect bind status": the SMSC does not see this session as bound. */
const ESME_RINVBNDSTS = 0x04;
/** "Temporary application error": the SMSC keeps the PDU and sends it again later. */
const ESME_RX_T_APPN = 0x64;
const UNBIND_WAIT_MS = 2_000;
/** A session bound at least this long resets the reconnect backoff when it ends. */
const STABLE_SESSION_MS = 30_000;
const NOT_WRITABLE = 'socket not writable';

interface Pending {
  resolve(result: RequestResult): void;
  timer: NodeJS.Timeout;
}

export class SmppSession {
  state: SessionState = { kind: 'idle' };
  private conn: Session | null = null;
  /** Bumped per connection so events from a dead socket never touch the current one. */
  private generation = 0;
  private sequence = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly backoff: Backoff;
  private connectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private enquireTimer: NodeJS.Timeout | undefined;
  private unbindReason: string | undefined;
  private firstAttempt: (() => void) | undefined;

  constructor(
    private readonly options: ResolvedSmppOptions,
    private readonly classifier: SmppStatusClassifier,
    private readonly handlers: SessionHandlers,
    private readonly log: Logger,
  ) {
    this.backoff = new Backoff(options.reconnectInitialMs, options.reconnectMaxMs);
  }

  get bound(): boolean {
    return this.state.kind === 'bound';
  }

  /** Resolves once the first attempt has bound, been refused or failed; it never rejects. */
  start(): Promise<void> {
    if (this.state.kind !== 'idle') return Promise.resolve();
    return new Promise((resolve) => {
      this.firstAttempt = resolve;
      this.connect();
    });
  }

  /** Sends a request and waits for its response, its timeout or the end of the connection. */
  request(command: string, params: Record<string, unknown>, timeoutMs = this.options.responseTimeoutMs): Promise<RequestResult> {
    const conn = this.conn;
    if (!conn) return Promise.resolve({ kind: 'unavailable', reason: 'not connected' });
    const sequence = this.nextSequence();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        resolve({ kind: 'timeout', waitedMs: timeoutMs });
      }, timeoutMs);
      this.pending.set(sequence, { resolve, timer });
      const error = this.write(conn, command, { ...params, sequence_number: sequence });
      if (!error) return;
      this.settle(sequence, { kind: 'unavailable', reason: error });
      // A socket that cannot be written to will not recover: reconnect rather than fail every
      // submit on it while still counting as bound (a peer that half-closed and went quiet).
      if (error === NOT_WRITABLE && conn === this.conn) this.drop(this.generation, NOT_WRITABLE);
    });
  }

  /** Unbind politely (SMPP 3.4 §4.2), then close. Outstanding submits are the caller's concern. */
  async stop(): Promise<void> {
    const wasBound = this.bound;
    const conn = this.conn;
    this.state = { kind: 'stopped' };
    this.clearTimers();
    this.settleFirstAttempt();
    if (!conn) return;
    if (wasBound) {
      const result = await this.request('unbind', {}, Math.min(UNBIND_WAIT_MS, this.options.responseTimeoutMs));
      if (result.kind !== 'response') this.log.warn({ result: result.kind }, 'no unbind_resp, closing anyway');
    }
    if (!conn.socket.destroyed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => conn.destroy(), UNBIND_WAIT_MS);
        conn.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        // After unbind_resp a half-close lets our last bytes out; before a bind there is nothing to say.
        if (wasBound) conn.close();
        else conn.destroy();
      });
    }
    this.drop(this.generation, 'stopped');
  }

  private connect(): void {
    const generation = ++this.generation;
    this.state = { kind: 'connecting' };
    this.unbindReason = undefined;
    const smpp = useRawMessageBodies();
    const { host, port, tls } = this.options;
    const conn = smpp.connect({ host, port, tls });
    this.conn = conn;
    // Keep an 'error' listener for the life of the object: the package re-emits socket errors
    // and an unhandled 'error' event would end the process.
    conn.on('error', (err: NodeJS.ErrnoException) => this.drop(generation, err.code ?? err.message));
    conn.on('close', () => this.drop(generation, this.unbindReason ?? 'connection closed'));
    conn.on('pdu', (pdu: PDU) => this.onPdu(generation, pdu));
    conn.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(this.connectTimer);
      void this.bind(generation);
    });
    // net.connect has no timeout of its own; a black-holed SYN would wait minutes.
    this.connectTimer = setTimeout(() => this.drop(generation, 'connect timeout'), this.options.responseTimeoutMs);
  }

  private async bind(generation: number): Promise<void> {
    const { systemId, password, systemType, bindMode } = this.options;
    const result = await this.request(`bind_${bindMode}`, {
      system_id: systemId,
      password,
      system_type: systemType,
      // The package defaults to 0x50 (SMPP 5.0); we speak 3.4.
      interface_version: SMPP_VERSION_34,
      addr_ton: 0,
      addr_npi: 0,
      address_range: '',
    });
    if (generation !== this.generation || this.state.kind !== 'connecting') return;
    if (result.kind !== 'response') {
      this.drop(generation, result.kind === 'timeout' ? 'bind timeout' : result.reason);
      return;
    }
    const status = result.pdu.command === 'generic_nack' && !result.pdu.command_status ? ESME_RINVCMDID : result.pdu.command_status;
    if (status !== 0) {
      const classification = this.classifier.classify(status);
      const code = classification.code;
      // Unless the operator's table says otherwise (some SMSCs answer ESME_RBINDFAIL to "too many
      // binds", which clears): then it is retried with backoff like any other bind failure.
      if (CREDENTIAL_FAILURES.has(status) && classification.outcome === 'permanent') {
        this.state = { kind: 'refused', code, commandStatus: status };
        this.log.error({ commandStatus: status, code, systemId }, `bind refused: check systemId/password for carrier ${this.options.name}`);
        this.handlers.onRefused(code);
      }
      this.drop(generation, `bind failed: ${code}`);
      return;
    }
    this.state = { kind: 'bound', since: Date.now() };
    this.log.info({ bindMode, host: this.options.host, port: this.options.port, smscSystemId: result.pdu.system_id }, 'bound');
    this.scheduleEnquireLink(generation);
    this.settleFirstAttempt();
    this.handlers.onBound();
  }

  private scheduleEnquireLink(generation: number): void {
    this.enquireTimer = setTimeout(async () => {
      const result = await this.request('enquire_link', {});
      if (generation !== this.generation || !this.bound) return;
      if (result.kind === 'timeout') {
        this.log.warn({ waitedMs: result.waitedMs }, 'enquire_link unanswered, reconnecting');
        this.drop(generation, 'enquire_link unanswered');
      } else if (result.kind === 'response') {
        this.scheduleEnquireLink(generation);
      } else {
        this.drop(generation, `enquire_link not sent: ${result.reason}`);
      }
    }, this.options.enquireLinkMs);
  }

  /** Runs inside the smpp package's socket reader, where a throw would be uncaught: never throw. */
  private onPdu(generation: number, pdu: PDU): void {
    try {
      this.handlePdu(generation, pdu);
    } catch (err) {
      this.log.error({ err: (err as Error).message, command: pdu.command }, 'could not handle a PDU from the SMSC');
    }
  }

  private handlePdu(generation: number, pdu: PDU): void {
    if (generation !== this.generation || !this.conn) return;
    if (pdu.isResponse()) {
      if (!this.settle(pdu.sequence_number, { kind: 'response', pdu })) {
        // A response after its timeout, or a generic_nack for a PDU the SMSC could not even frame.
        this.log.warn({ command: pdu.command, sequence: pdu.sequence_number, commandStatus: pdu.command_status }, 'response matches no outstanding request');
      }
      // The SMSC no longer counts this session as bound (a restart behind a proxy, a session it
      // expired): every later PDU would get the same answer, so bind again.
      if (pdu.command_status === ESME_RINVBNDSTS) this.drop(generation, 'SMSC reports the session unbound (ESME_RINVBNDSTS)');
      return;
    }
    const conn = this.conn;
    switch (pdu.command) {
      case 'enquire_link':
        this.reply(conn, pdu.response());
        return;
      case 'unbind': {
        this.log.info('SMSC sent unbind, reconnecting');
        this.unbindReason = 'unbound by SMSC';
        // Dropped once unbind_resp is written (or after UNBIND_WAIT_MS), not when the SMSC closes:
        // a peer that keeps its half of the socket open would leave us "bound" to nothing.
        const done = () => {
          clearTimeout(timer);
          this.drop(generation, 'unbound by SMSC');
        };
        const timer = setTimeout(done, UNBIND_WAIT_MS);
        try {
          if (!conn.send(pdu.response(), undefined, done)) done();
        } catch {
          done();
        }
        return;
      }
      case 'deliver_sm':
      case 'data_sm':
        // Answered once the receipt is stored; a temporary error makes the SMSC send it again.
        // (Unanswered deliver_sm make the SMSC resend and, at its window size, stop delivering.)
        this.handlers.onDeliver(pdu).then(
          (stored) => this.reply(conn, stored ? pdu.response({ message_id: '' }) : pdu.response({ command_status: ESME_RX_T_APPN })),
          (err: Error) => {
            this.log.error({ err: err.message, command: pdu.command }, 'deliver handler failed');
            this.reply(conn, pdu.response({ command_status: ESME_RX_T_APPN }));
          },
        );
        return;
      case 'alert_notification':
        return; // has no response
      default: {
        // 'unknown' commands get generic_nack from the package; known ones we do not serve too.
        const smpp = useRawMessageBodies();
        const nack = pdu.command === 'unknown' ? pdu.response()
          : new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: ESME_RINVCMDID });
        this.log.warn({ command: pdu.command, commandId: pdu.command_id }, 'unsupported request, answered generic_nack');
        this.reply(conn, nack);
      }
    }
  }

  /** Ends the connection `generation` (once) and fails its requests; reconnects unless stopped. */
  private drop(generation: number, reason: string): void {
    if (generation !== this.generation || !this.conn) return;
    const conn = this.conn;
    const wasBound = this.bound;
    // Only a session that stayed up for a while proves the SMSC is healthy again.
    if (this.state.kind === 'bound' && Date.now() - this.state.since >= STABLE_SESSION_MS) this.backoff.reset();
    this.conn = null;
    this.clearTimers();
    if (!conn.socket.destroyed) conn.destroy();
    for (const sequence of [...this.pending.keys()]) this.settle(sequence, { kind: 'unavailable', reason: `session lost: ${reason}` });
    if (wasBound) this.handlers.onDown(reason);
    this.settleFirstAttempt();
    if (this.state.kind === 'stopped' || this.state.kind === 'refused') return;
    const delay = this.backoff.next();
    this.state = { kind: 'reconnecting', at: Date.now() + delay, reason };
    this.log.warn({ reason, delayMs: delay, wasBound }, 'session down, reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private settleFirstAttempt(): void {
    this.firstAttempt?.();
    this.firstAttempt = undefined;
  }

  private settle(sequence: number, result: RequestResult): boolean {
    const pending = this.pending.get(sequence);
    if (!pending) return false;
    this.pending.delete(sequence);
    clearTimeout(pending.timer);
    pending.resolve(result);
    return true;
  }

  /** Returns an error text instead of throwing: the package throws from toBuffer on bad fields. */
  private write(conn: Session, command: string, params: Record<string, unknown>): string | undefined {
    try {
      const smpp = useRawMessageBodies();
      // send() returns false, and never calls back, when the socket is no longer writable.
      return conn.send(new smpp.PDU(command, params)) ? undefined : NOT_WRITABLE;
    } catch (err) {
      return `could not encode ${command}: ${(err as Error).message}`;
    }
  }

  private reply(conn: Session, pdu: PDU): void {
    try {
      conn.send(pdu);
    } catch (err) {
      this.log.error({ err, command: pdu.command }, 'could not send response');
    }
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.enquireTimer);
  }
}
