/**
 * The SMPP carrier: turns an OutboundSms into submit_sm PDUs, sends a message's parts in order
 * through the dispatcher and reports the first failure with the parts accepted before it, so a
 * retry resumes instead of sending a second copy of the start of the message.
 */
import type { Logger } from 'pino';
import type { SmppStatusClassifier } from '../../delivery/classify-smpp.js';
import type { CarrierError } from '../../errors.js';
import { classifiedError } from '../classified-error.js';
import type { ConcatMethod, GsmAlphabet } from '../../sms/index.js';
import type { Carrier, CarrierHealth, OutboundSms, ReceiptListener, SubmitResult } from '../carrier.js';
import { DeliverHandler } from './deliver-handler.js';
import { SubmitDispatcher, type PartOutcome } from './dispatcher.js';
import { gsmAlphabetFor, resolveSmppOptions, type ResolvedSmppOptions, type SmppCarrierOptions } from './options.js';
import { RecentIds } from './recent-ids.js';
import { SmppSession } from './session.js';
import { buildSubmitParts } from './submit-pdus.js';

export interface SmppCarrierDeps {
  logger: Logger;
  classifier: SmppStatusClassifier;
}

export interface SmppCarrierStats {
  inFlight: number;
  queued: number;
  bound: boolean;
  /** Epoch ms until which submissions are paused by SMSC throttling; 0 when not throttled. */
  throttledUntil: number;
}

export class SmppCarrier implements Carrier {
  readonly type = 'smpp';
  readonly name: string;
  readonly concat: ConcatMethod;
  readonly gsmAlphabet: GsmAlphabet;
  private readonly options: ResolvedSmppOptions;
  private readonly classifier: SmppStatusClassifier;
  private readonly log: Logger;
  private readonly session: SmppSession;
  private readonly dispatcher: SubmitDispatcher;
  private readonly deliveries: DeliverHandler;
  private readonly recentIds = new RecentIds();
  private stopping: Promise<void> | undefined;

  constructor(options: SmppCarrierOptions, deps: SmppCarrierDeps) {
    this.options = resolveSmppOptions(options);
    this.name = this.options.name;
    this.concat = this.options.concat;
    this.gsmAlphabet = gsmAlphabetFor(this.options.gsmDataCoding);
    this.classifier = deps.classifier;
    // Never the options object: it holds the password.
    this.log = deps.logger.child({ carrier: this.name });
    this.deliveries = new DeliverHandler(this.name, this.recentIds, this.log);
    this.session = new SmppSession(this.options, this.classifier, {
      onBound: () => this.dispatcher.onBound(),
      onDown: () => this.dispatcher.onDown(),
      onRefused: (code) => this.dispatcher.onRefused(code),
      onDeliver: (pdu) => this.deliveries.handle(pdu),
    }, this.log);
    this.dispatcher = new SubmitDispatcher(this.options, this.session, this.classifier, this.log);
  }

  /** Resolves after the first bind attempt, whatever its result: reconnecting goes on by itself. */
  start(): Promise<void> {
    return this.session.start();
  }

  /** Fails queued parts, waits up to responseTimeoutMs for in-flight ones, then unbinds. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.dispatcher.close('carrier is stopping');
      await this.dispatcher.drain(this.options.responseTimeoutMs);
      await this.session.stop();
      this.log.info('stopped');
    })();
    return this.stopping;
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    const built = buildSubmitParts(sms, this.options);
    if (!built.ok) {
      // Refused before sending with the status the SMSC would have answered.
      const classification = this.classifier.classify(built.commandStatus);
      this.log.warn({ id: sms.id, code: classification.code, reason: built.reason }, 'message refused before submit_sm');
      throw this.error({ ok: false, classification, commandStatus: built.commandStatus }, sms.acceptedPartIds ?? [], built.reason);
    }
    const partIds = [...(sms.acceptedPartIds ?? [])].slice(0, built.parts.length);
    if (partIds.length > 0) this.log.info({ id: sms.id, resumeAfter: partIds.length, parts: built.parts.length }, 'resuming after accepted parts');
    for (const part of built.parts.slice(partIds.length)) {
      const outcome = await this.dispatcher.send({ id: sms.id, part: part.seq }, part.params, sms.validUntil);
      if (!outcome.ok) {
        this.log.warn({ id: sms.id, part: part.seq, parts: built.parts.length, code: outcome.classification.code, outcome: outcome.classification.outcome }, 'submit failed');
        throw this.error(outcome, partIds);
      }
      if (!outcome.smscId) this.log.warn({ id: sms.id, part: part.seq }, 'submit_sm_resp without message_id: receipts cannot be matched');
      this.recentIds.remember(outcome.smscId, sms.id);
      partIds.push(outcome.smscId);
      if (partIds.length < built.parts.length) sms.onPartsAccepted?.([...partIds]);
    }
    this.log.info({ id: sms.id, parts: partIds.length, smscIds: partIds }, 'submitted');
    return { carrier: this.name, partIds };
  }

  health(): CarrierHealth {
    const state = this.session.state;
    const up = state.kind === 'bound';
    return { name: this.name, type: this.type, up, detail: this.describe() };
  }

  onReceipt(listener: ReceiptListener): void {
    this.deliveries.onReceipt(listener);
  }

  stats(): SmppCarrierStats {
    const throttledUntil = this.dispatcher.throttledUntil > Date.now() ? this.dispatcher.throttledUntil : 0;
    return { ...this.dispatcher.stats(), bound: this.session.bound, throttledUntil };
  }

  private describe(): string {
    const state = this.session.state;
    const where = `${this.options.host}:${this.options.port}`;
    switch (state.kind) {
      case 'idle': return 'not started';
      case 'connecting': return `connecting to ${where}`;
      case 'refused': return `bind refused: ${state.code}`;
      case 'stopped': return 'stopped';
      case 'reconnecting': {
        const seconds = Math.max(0, Math.ceil((state.at - Date.now()) / 1000));
        return `reconnecting in ${seconds} s: ${state.reason}`;
      }
      case 'bound': {
        const { inFlight, throttledUntil } = this.stats();
        const throttled = throttledUntil ? `, throttled for ${Math.ceil((throttledUntil - Date.now()) / 1000)} s` : '';
        return `bound (${this.options.bindMode}) to ${where}, ${inFlight} in flight${throttled}`;
      }
    }
  }

  private error(outcome: Extract<PartOutcome, { ok: false }>, acceptedPartIds: string[], reason?: string): CarrierError {
    const { classification, commandStatus } = outcome;
    return classifiedError(this.name, 'smpp', classification, {
      ...(commandStatus !== undefined ? { commandStatus } : {}),
      ...(acceptedPartIds.length > 0 ? { acceptedPartIds: [...acceptedPartIds] } : {}),
    }, reason);
  }
}

export function createSmppCarrier(options: SmppCarrierOptions, deps: SmppCarrierDeps): SmppCarrier {
  return new SmppCarrier(options, deps);
}
