/**
 * The built-in SMSC: an SMPP 3.4 server that accepts, records and reassembles what a client
 * submits, answers with receipts, and fails on demand (rules by number, a throughput cap). It
 * backs `smtp2sms smsc`, the out-of-the-box config, integration tests and benchmarks.
 * Nothing happens until start(): constructing one opens no socket.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { PDU, Server, Session } from 'smpp';
import { useRawMessageBodies } from '../carriers/smpp/raw-pdus.js';
import { parseSubmit, type ConcatInfo } from './parts.js';
import { receiptOutcome, receiptPdu, wantsReceipt, type ReceiptStyle } from './receipts.js';
import { Reassembler } from './reassembly.js';
import { DEFAULT_SMSC_RULES, findRule } from './rules.js';
import { attachSession, type SessionHost, type SessionState } from './sessions.js';
import { SmppStatus } from './status.js';
import { TokenBucket } from './throttle.js';
import type { ReceivedMessage, ReceivedPart, SmscLogger, SmscOptions, SmscRejectEvent, SmscRule } from './types.js';

const NO_LOG: SmscLogger = { info() {}, warn() {} };
const DEFAULT_DELAY_RULE_MS = 5000;
const DEFAULT_RECEIPT_FIRST_MS = 300;
/** Hex ids stay within 8 digits, so that their decimal form fits a receipt's 10 (receiptIdFormat). */
const FIRST_ID = 0x1000_0000;
const LAST_ID = 0xffff_ffff;
/** Receipts held for a system_id with no receiver bound yet, like an SMSC's store-and-forward. */
const MAX_HELD_RECEIPTS = 10_000;

export class SmscSimulator extends EventEmitter implements SessionHost {
  /** Accepted parts, oldest first (at most about `retain`). */
  readonly parts: ReceivedPart[] = [];
  /** Complete messages, oldest first (at most about `retain`). */
  readonly messages: ReceivedMessage[] = [];
  readonly logger: SmscLogger;

  private readonly rules: readonly SmscRule[];
  private readonly receipts: { enabled: boolean; delayMs: number };
  private readonly receiptStyle: ReceiptStyle;
  private readonly retain: number;
  private readonly bucket?: TokenBucket;
  private readonly reassembler = new Reassembler();
  private readonly sessions = new Map<Session, SessionState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<(err: Error) => void>();
  private readonly heldReceipts = new Map<string, Record<string, unknown>[]>();
  private server?: Server;
  private nextId = randomInt(FIRST_ID, 0x7000_0000); // random start: ids differ across runs
  private received = 0; // complete messages since reset(), independent of `retain`

  constructor(private readonly options: SmscOptions = {}) {
    super();
    this.logger = options.logger ?? NO_LOG;
    this.rules = options.rules ?? DEFAULT_SMSC_RULES;
    this.receipts = options.deliveryReceipts ?? { enabled: true, delayMs: 200 };
    this.receiptStyle = {
      idFormat: options.receiptIdFormat,
      messageIdFormat: options.messageIdFormat,
      tlvs: options.receiptTlvs,
    };
    this.retain = options.retain ?? 100_000;
    const rate = options.maxThroughputPerSecond ?? 0;
    if (rate > 0) this.bucket = new TokenBucket(rate, Date.now());
  }

  /** Listens; resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    if (this.server) throw new Error('SMSC simulator already started');
    const smpp = useRawMessageBodies();
    const server = smpp.createServer({}, (session: Session) => this.accept(session));
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 2775, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      this.server = undefined;
      throw err;
    });
    server.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'smsc server error'));
    const port = (server.address() as AddressInfo).port;
    this.logger.info({ host, port }, 'smsc listening');
    return port;
  }

  /** Closes the server and every session, cancels pending answers and receipts. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const abort of [...this.waiters]) abort(new Error('SMSC simulator stopped'));
    const server = this.server;
    this.server = undefined;
    this.dropAllSessions();
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sessions currently bound (connected but unbound ones do not count). */
  sessionCount(): number {
    let count = 0;
    for (const state of this.sessions.values()) if (state.mode) count++;
    return count;
  }

  /** Destroys every connection, as a network cut would: no unbind, no FIN handshake. */
  dropAllSessions(): void {
    for (const state of this.sessions.values()) state.session.destroy();
    this.sessions.clear();
  }

  /** Forgets received parts and messages, incomplete groups and receipts held for later. */
  reset(): void {
    this.parts.length = 0;
    this.messages.length = 0;
    this.received = 0;
    this.reassembler.clear();
    this.heldReceipts.clear();
  }

  /** Once `count` complete messages arrived since the last reset(), resolves with all those kept. */
  waitForMessages(count: number, timeoutMs = 5000): Promise<ReceivedMessage[]> {
    if (this.received >= count) return Promise.resolve(this.messages.slice());
    return new Promise((resolve, reject) => {
      const onMessage = () => {
        if (this.received < count) return;
        cleanup();
        resolve(this.messages.slice());
      };
      const abort = (err: Error) => {
        cleanup();
        reject(err);
      };
      const timer = setTimeout(
        () => abort(new Error(`waited ${timeoutMs} ms for ${count} SMS messages, ${this.received} arrived`)),
        timeoutMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.waiters.delete(abort);
      };
      this.waiters.add(abort);
      this.on('message', onMessage);
    });
  }

  // SessionHost: called by the sessions.

  checkCredentials(systemId: string, password: string): number {
    const { systemId: wantedId, password: wantedPassword } = this.options;
    if (wantedId !== undefined && systemId !== wantedId) return SmppStatus.ESME_RINVSYSID;
    if (wantedPassword !== undefined && password !== wantedPassword) return SmppStatus.ESME_RINVPASWD;
    return SmppStatus.ESME_ROK;
  }

  onBound(state: SessionState): void {
    this.emit('bind', { systemId: state.systemId, mode: state.mode, remoteAddress: state.remoteAddress });
    if (state.mode === 'transmitter' || state.systemId === undefined) return;
    const held = this.heldReceipts.get(state.systemId);
    if (!held) return;
    this.heldReceipts.delete(state.systemId);
    for (const fields of held) this.sendReceipt(state.systemId, fields);
  }

  onClosed(state: SessionState): void {
    this.sessions.delete(state.session);
    this.logger.info({ systemId: state.systemId, remoteAddress: state.remoteAddress }, 'smsc session closed');
  }

  onSubmit(state: SessionState, pdu: PDU): void {
    const systemId = state.systemId ?? '';
    const destination = typeof pdu.destination_addr === 'string' ? pdu.destination_addr : '';
    const refuse = (commandStatus: number, reason: SmscRejectEvent['reason']) => {
      state.session.send(pdu.response({ command_status: commandStatus }));
      this.emit('rejected', { systemId, destination, commandStatus, reason } satisfies SmscRejectEvent);
    };
    if (this.bucket && !this.bucket.take(Date.now())) {
      refuse(SmppStatus.ESME_RTHROTTLED, 'throttled');
      return;
    }
    const parsed = parseSubmit(pdu);
    if (!parsed.ok) {
      this.logger.warn({ systemId, commandStatus: parsed.commandStatus, reason: parsed.reason }, 'smsc refused malformed submit_sm');
      refuse(parsed.commandStatus, 'malformed');
      return;
    }
    const rule = findRule(this.rules, destination);
    if (rule?.action === 'reject') {
      refuse(rule.commandStatus ?? SmppStatus.ESME_RSUBMITFAIL, 'rule');
      return;
    }
    if (rule?.action === 'ignore') {
      this.emit('rejected', { systemId, destination, commandStatus: null, reason: 'rule' } satisfies SmscRejectEvent);
      return;
    }

    const part: ReceivedPart = { ...parsed.part, systemId, messageId: this.newMessageId(), receivedAt: Date.now() };
    // Recorded before answering, so a client that saw the response can already find the part.
    this.record(part, parsed.concat);
    const seq = parsed.concat?.seq ?? 1;
    const respond = () => state.session.send(pdu.response({ message_id: part.messageId }));
    if (rule?.action === 'receipt-first') {
      this.scheduleReceipt(part, rule, seq, 'now');
      this.later(rule.delayMs ?? DEFAULT_RECEIPT_FIRST_MS, respond);
      return;
    }
    const answer = () => {
      respond();
      // A 'receipt' rule's delayMs times its receipts; other actions use delayMs for the answer.
      const ruleDelay = rule?.action === 'receipt' ? rule.delayMs : undefined;
      this.scheduleReceipt(part, rule, seq, ruleDelay ?? this.receipts.delayMs);
    };
    if (rule?.action === 'delay') this.later(rule.delayMs ?? DEFAULT_DELAY_RULE_MS, answer);
    else answer();
  }

  private accept(session: Session): void {
    const state = attachSession(session, this);
    this.sessions.set(session, state);
    this.logger.info({ remoteAddress: state.remoteAddress }, 'smsc connection');
  }

  private record(part: ReceivedPart, concat: ConcatInfo | undefined): void {
    this.keep(this.parts, part);
    this.emit('part', part);
    const message = this.reassembler.add(part, concat);
    if (!message) return;
    this.keep(this.messages, message);
    this.received++;
    this.emit('message', message);
  }

  /** Trims in batches of a tenth so that a full list does not cost a copy per message. */
  private keep<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > this.retain + Math.max(1, Math.floor(this.retain / 10))) {
      list.splice(0, list.length - this.retain);
    }
  }

  private newMessageId(): string {
    if (this.nextId > LAST_ID) this.nextId = FIRST_ID;
    const id = this.nextId++;
    return this.options.messageIdFormat === 'decimal' ? String(id) : id.toString(16).padStart(8, '0');
  }

  /**
   * `seq`: the part's 1-based place in its message, for receiptParts and failPart. Decided before
   * any timer is set, so that parts without a receipt cost none.
   */
  private scheduleReceipt(part: ReceivedPart, rule: SmscRule | undefined, seq: number, when: number | 'now'): void {
    if (!this.receipts.enabled) return;
    const outcome = receiptOutcome(rule, seq, this.options.receiptParts);
    if (!outcome || !wantsReceipt(part.registeredDelivery, outcome.stat)) return;
    const send = () =>
      this.sendReceipt(part.systemId, receiptPdu(part, outcome.stat, outcome.err, Date.now(), this.receiptStyle));
    if (when === 'now') send();
    else this.later(when, send);
  }

  /** To a receiver or transceiver of the same system_id; held until one binds if none is. */
  private sendReceipt(systemId: string, fields: Record<string, unknown>): void {
    for (const state of this.sessions.values()) {
      if (state.systemId !== systemId || (state.mode !== 'receiver' && state.mode !== 'transceiver')) continue;
      const smpp = useRawMessageBodies();
      if (state.session.send(new smpp.PDU('deliver_sm', fields))) return;
    }
    const held = this.heldReceipts.get(systemId) ?? [];
    if (held.length >= MAX_HELD_RECEIPTS) held.shift();
    held.push(fields);
    this.heldReceipts.set(systemId, held);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        run();
      } catch (err) {
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'smsc deferred action failed');
      }
    }, ms);
    this.timers.add(timer);
  }
}
