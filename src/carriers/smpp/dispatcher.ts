/**
 * The road from "send this part" to submit_sm on the wire: a FIFO queue, our own window of
 * outstanding requests (the `smpp` package writes whatever it is given), throughput pacing, and
 * the carrier-wide pause on ESME_RTHROTTLED / ESME_RMSGQFUL. The queue is kept in arrival order
 * and a throttled part goes back to its place at the head, so throttling never reorders parts.
 *
 * Every answer goes through the classifier; nothing here decides what is permanent.
 */
import type { Logger } from 'pino';
import { classifySmppExpired, classifySmppTimeout, classifySmppUnavailable, type SmppStatusClassifier } from '../../delivery/classify-smpp.js';
import type { Classification } from '../../delivery/outcome.js';
import type { ResolvedSmppOptions } from './options.js';
import type { SmppSession } from './session.js';
import { TokenBucket } from './token-bucket.js';

export type PartOutcome =
  | { ok: true; smscId: string }
  | { ok: false; classification: Classification; commandStatus?: number };

/** For logs only: which message and part this is. */
export interface PartRef {
  id: string;
  part: number;
}

const ESME_RINVBNDSTS = 0x04;
const ESME_RMSGQFUL = 0x14;
const ESME_RTHROTTLED = 0x58;
const THROTTLE_CAP_MS = 60_000;
const DEFAULT_THROTTLE_MS = 1_000;

interface Job {
  /** Arrival order; the queue stays sorted by it. */
  ordinal: number;
  ref: PartRef;
  params: Record<string, unknown>;
  throttles: number;
  /** Sent again once already after ESME_RINVBNDSTS made the session bind again. */
  rebound?: boolean;
  /**
   * The dispatcher's send count when this part was (last) sent. A counter, not the clock: parts
   * sent in the same millisecond as a pause began must still count as sent before it.
   */
  sendNo: number;
  /** The message's validity end (epoch ms): a part still queued then is not sent. */
  notAfter: number | undefined;
  resolve(outcome: PartOutcome): void;
  /** Runs while the session is not bound: no bind within responseTimeoutMs fails the part. */
  unboundTimer?: NodeJS.Timeout;
}

type DispatcherOptions = Pick<ResolvedSmppOptions, 'window' | 'responseTimeoutMs' | 'throughputPerSecond' | 'maxThrottleRetries'>;

export class SubmitDispatcher {
  private readonly queue: Job[] = [];
  private ordinal = 0;
  private inFlight = 0;
  private closedReason: string | undefined;
  private readonly bucket: TokenBucket;
  private pumpTimer: NodeJS.Timeout | undefined;
  /** No submit_sm before this time (epoch ms). */
  throttledUntil = 0;
  private throttleStreak = 0;
  private sends = 0;
  /** The send count when the current pause began: parts sent up to it belong to that episode. */
  private throttleStartedAtSend = 0;
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly options: DispatcherOptions,
    private readonly session: SmppSession,
    private readonly classifier: SmppStatusClassifier,
    private readonly log: Logger,
  ) {
    this.bucket = new TokenBucket(options.throughputPerSecond);
  }

  send(ref: PartRef, params: Record<string, unknown>, notAfter?: number): Promise<PartOutcome> {
    if (this.closedReason) return Promise.resolve(this.unavailable(this.closedReason));
    const state = this.session.state;
    if (state.kind === 'refused') return Promise.resolve(this.unavailable(`bind refused: ${state.code}`));
    return new Promise((resolve) => {
      const job: Job = { ordinal: ++this.ordinal, ref, params, throttles: 0, sendNo: 0, notAfter, resolve };
      this.queue.push(job);
      if (!this.session.bound) this.armUnboundTimer(job);
      this.pump();
    });
  }

  stats(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  onBound(): void {
    for (const job of this.queue) this.clearUnboundTimer(job);
    this.pump();
  }

  onDown(): void {
    for (const job of this.queue) this.armUnboundTimer(job);
  }

  /** The operator has to fix the config; waiting for a bind would only delay the answer. */
  onRefused(code: string): void {
    this.failQueued(`bind refused: ${code}`);
  }

  /** Stop taking parts and fail the queued ones; in-flight ones still get their answers. */
  close(reason: string): void {
    this.closedReason = reason;
    clearTimeout(this.pumpTimer);
    this.failQueued(reason);
  }

  /** Resolves when nothing is in flight, or after timeoutMs. */
  drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  private pump(): void {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    while (this.queue.length > 0 && !this.closedReason && this.session.bound && this.inFlight < this.options.window) {
      const now = Date.now();
      const head = this.queue[0]!;
      if (head.notAfter !== undefined && now >= head.notAfter) {
        this.queue.shift();
        this.clearUnboundTimer(head);
        this.log.warn({ ...head.ref }, 'validity ended before the part could be sent');
        head.resolve({ ok: false, classification: classifySmppExpired() });
        continue;
      }
      const wait = this.throttledUntil > now ? this.throttledUntil - now : this.bucket.take(now);
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => this.pump(), wait);
        return;
      }
      const job = this.queue.shift()!;
      this.clearUnboundTimer(job);
      void this.dispatch(job);
    }
  }

  private async dispatch(job: Job): Promise<void> {
    this.inFlight++;
    job.sendNo = ++this.sends;
    const result = await this.session.request('submit_sm', job.params);
    this.inFlight--;
    if (result.kind === 'timeout') {
      this.log.warn({ ...job.ref, waitedMs: result.waitedMs }, 'submit_sm timed out');
      job.resolve({ ok: false, classification: classifySmppTimeout(result.waitedMs) });
    } else if (result.kind === 'unavailable') {
      job.resolve(this.unavailable(result.reason));
    } else {
      const pdu = result.pdu;
      // A generic_nack answers a PDU the SMSC could not take at all; without a status, that is
      // no proof of anything, so it is classified as an unknown (temporary) status.
      const status = pdu.command === 'submit_sm_resp' || pdu.command_status ? pdu.command_status : 0xffffffff;
      if (status === 0) {
        // Only a part sent after the pause began proves the SMSC has recovered.
        if (job.sendNo > this.throttleStartedAtSend) this.throttleStreak = 0;
        job.resolve({ ok: true, smscId: String(pdu.message_id ?? '') });
      } else if ((status === ESME_RTHROTTLED || status === ESME_RMSGQFUL) && !this.closedReason) {
        this.throttled(job, status);
      } else if (status === ESME_RINVBNDSTS && !this.closedReason && !job.rebound) {
        // The session binds again (session.ts); the part waits for that in its place, once.
        job.rebound = true;
        this.requeue(job);
      } else {
        job.resolve({ ok: false, classification: this.classifier.classify(status), commandStatus: status });
      }
    }
    if (this.inFlight === 0) for (const waiter of [...this.idleWaiters]) waiter();
    this.pump();
  }

  /** Pause everything and put the part back at its place in the queue, up to maxThrottleRetries. */
  private throttled(job: Job, status: number): void {
    const classification = this.classifier.classify(status);
    job.throttles++;
    if (job.throttles > this.options.maxThrottleRetries) {
      this.log.warn({ ...job.ref, code: classification.code, throttles: job.throttles - 1 }, 'still throttled, giving up on this attempt');
      job.resolve({ ok: false, classification, commandStatus: status });
      return;
    }
    // Answers to parts sent before the current pause began belong to the same episode: they
    // requeue without lengthening the pause, or a full window would hit the cap at once.
    if (job.sendNo > this.throttleStartedAtSend) {
      const base = classification.retryAfterMs ?? DEFAULT_THROTTLE_MS;
      const pauseMs = Math.min(THROTTLE_CAP_MS, base * 2 ** Math.min(this.throttleStreak, 16));
      this.throttleStreak++;
      this.throttleStartedAtSend = this.sends;
      this.throttledUntil = Math.max(this.throttledUntil, Date.now() + pauseMs);
      this.log.warn({ ...job.ref, code: classification.code, pauseMs }, 'SMSC throttling, pausing submissions');
    }
    this.requeue(job);
  }

  /** Back at its place in the queue, by arrival: resending never reorders parts. */
  private requeue(job: Job): void {
    let at = 0;
    while (at < this.queue.length && this.queue[at]!.ordinal < job.ordinal) at++;
    this.queue.splice(at, 0, job);
    if (!this.session.bound) this.armUnboundTimer(job);
  }

  private armUnboundTimer(job: Job): void {
    if (job.unboundTimer) return;
    job.unboundTimer = setTimeout(() => {
      job.unboundTimer = undefined;
      const index = this.queue.indexOf(job);
      if (index < 0 || this.session.bound) return;
      this.queue.splice(index, 1);
      const state = this.session.state;
      const detail = state.kind === 'reconnecting' ? state.reason : state.kind;
      job.resolve(this.unavailable(`not bound within ${this.options.responseTimeoutMs} ms (${detail})`));
    }, this.options.responseTimeoutMs);
  }

  private clearUnboundTimer(job: Job): void {
    clearTimeout(job.unboundTimer);
    job.unboundTimer = undefined;
  }

  private failQueued(reason: string): void {
    for (const job of this.queue.splice(0)) {
      this.clearUnboundTimer(job);
      job.resolve(this.unavailable(reason));
    }
  }

  private unavailable(reason: string): PartOutcome {
    return { ok: false, classification: classifySmppUnavailable(reason) };
  }
}
