import type { Logger } from 'pino';
import type { Carrier, SubmitResult } from '../carriers/carrier.js';
import type { StatusStore } from '../delivery/status-store.js';
import { isFinalOutcome } from '../delivery/tracker.js';
import { CarrierError, MessageError, QueueError, Smtp2SmsError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { OUTCOME_NOT_RECORDED, type SmsJob } from '../queue/job.js';
import type { CircuitBreakers } from '../routing/breaker.js';
import type { Route } from '../routing/router.js';
import type { SharedRateLimiter } from '../routing/shared-rate-limit.js';
import { buildSms, type SmsMessage } from '../sms/index.js';
import { concatReference } from './ids.js';

export interface DispatchOptions {
  from: string;
  maxSegments: number;
  transliterate: boolean;
  truncationMarker?: string;
  logContent: boolean;
  /** How long after the validity end (or the submission, if later) a final receipt may still come. */
  receiptGraceMs: number;
}

export interface DispatchDeps {
  route(number: string): Route | undefined;
  carriers: Map<string, Carrier>;
  status: StatusStore;
  metrics: Metrics;
  log: Logger;
  breakers: CircuitBreakers;
  rateLimiter: SharedRateLimiter;
  /** Parts per second allowed for a carrier across all relay processes (0 = no limit). */
  sharedRate(carrier: string): number;
  /** Receipts for the first part only: then that part alone decides the outcome. */
  firstPartOnly(carrier: string): boolean;
  /** Whether final receipts come back from this carrier at all. */
  expectsReceipts(carrier: string): boolean;
}

/**
 * One attempt at one job: route, then try the route's carriers in order. A temporary failure, an
 * unhealthy carrier or an open circuit moves on to the next carrier; so does a permanent failure
 * that is about the carrier (account, route not allowed). A permanent failure about the number or
 * the message ends the job: another carrier would fail the same way. If every carrier failed
 * temporarily, the job is retried later (the queue's backoff).
 */
export function createDispatcher(deps: DispatchDeps, options: DispatchOptions): (job: SmsJob) => Promise<void> {
  return async (job) => {
    const { data } = job;
    const log = deps.log.child({ jobId: job.id, txId: data.txId });
    const route = deps.route(data.number);
    const progress = data.progress;
    if (progress?.complete && route) {
      // Accepted in an earlier attempt whose bookkeeping failed: record it, never send it again
      // (and never call it expired: the carrier took it in time).
      const carrier = deps.carriers.get(progress.carrier);
      if (carrier) return recordSubmission(deps, job, route, carrier, encodeFor(carrier, data.text, options), { carrier: carrier.name, partIds: progress.partIds }, log, options);
    }
    // A job run again that a carrier already took (its completion was lost: a Redis error after
    // the record, a shutdown that abandoned it mid-submit) has nothing left to do. One read, on
    // retries only; if it fails, the attempt goes on as before.
    if (job.attempt > 1 && (await alreadySettled(deps.status, job.id))) {
      log.info({ event: 'sms.already_submitted', attempt: job.attempt }, 'a carrier took this message before; not sending it again');
      return;
    }
    if (Date.now() >= data.expiresAt) throw expiredError(job);
    if (!route) throw new MessageError('NO_ROUTE', `no route matches ${data.number}`, true);
    const candidates = route.carriers.map((name) => deps.carriers.get(name)).filter((c): c is Carrier => c !== undefined);
    // A carrier that reports itself down is tried last, not never: it may be the only one. The
    // carrier that already took some parts goes first, so the rest follow on the same path.
    // (A carrier whose circuit is open is skipped until its cool-down ends.)
    const up = (c: Carrier) => (c.name === progress?.carrier ? 2 : c.health().up ? 1 : 0);
    const ordered = candidates.map((c) => ({ c, rank: up(c) })).sort((a, b) => b.rank - a.rank).map((x) => x.c);

    let lastError: Smtp2SmsError | undefined;
    let anyTemporary = false;
    // The longest pause any carrier asked for: the retry must respect it whichever failed last.
    let retryAfterMs = 0;
    for (const carrier of ordered) {
      if (!deps.breakers.allow(carrier.name)) {
        await noteAttempt(deps, job, route, carrier.name, 'CIRCUIT_OPEN', `circuit ${deps.breakers.describe(carrier.name)}`, log);
        lastError ??= new CarrierError('CIRCUIT_OPEN', `${carrier.name}: circuit open`, false, { carrier: carrier.name });
        anyTemporary = true;
        continue;
      }
      let result: SubmitResult;
      let sms: SmsMessage;
      try {
        sms = encodeFor(carrier, data.text, options);
        await acquireRate(deps, carrier.name, sms.parts);
        // The time may have run out on an earlier carrier or in the rate limit's wait.
        if (Date.now() >= data.expiresAt && !(job.data.progress?.partIds.length)) {
          deps.breakers.release(carrier.name);
          throw expiredError(job);
        }
        result = await submit(carrier, job, sms, options, log);
      } catch (error) {
        if (error instanceof MessageError) throw error; // expired: carriers throw CarrierErrors
        if (error instanceof QueueError) {
          deps.breakers.release(carrier.name);
          throw error;
        }
        const err = asCarrierError(error, carrier.name);
        judge(deps.breakers, carrier.name, err);
        const accepted = err.details.acceptedPartIds;
        if (accepted && accepted.length > 0) {
          await job.saveProgress({ carrier: carrier.name, partIds: accepted });
          await deps.status.recordAcceptedParts(job.id, carrier.name, accepted).catch((recordError: unknown) => {
            log.warn({ event: 'sms.record_failed', carrier: carrier.name, partIds: accepted, err: (recordError as Error).message }, 'could not index the parts a carrier took; their receipts match once the rest is sent');
          });
        }
        deps.metrics.smsFailures.inc({ carrier: carrier.name, code: err.code, permanent: String(err.permanent) });
        // Failed only when no other carrier may take it; a carrier's own refusal moves it on.
        const final = err.permanent && err.details.subject !== 'carrier';
        await noteAttempt(deps, job, route, carrier.name, err.code, err.message, log, final ? 'failed' : 'retrying');
        log.warn({ event: 'sms.attempt_failed', carrier: carrier.name, code: err.code, permanent: err.permanent, subject: err.details.subject, attempt: job.attempt, reason: err.message }, 'submission failed');
        lastError = err;
        if (err.permanent && err.details.subject !== 'carrier') throw err;
        if (!err.permanent) anyTemporary = true;
        retryAfterMs = Math.max(retryAfterMs, err.details.retryAfterMs ?? 0);
        // Some parts are on the phone's way already: another carrier now would send them again.
        // The retry resumes on this one (it goes first); failover waits for a later attempt.
        if (accepted && accepted.length > 0 && !err.permanent) throw withRetryAfter(err, retryAfterMs);
        continue;
      }
      deps.breakers.success(carrier.name);
      try {
        await recordSubmission(deps, job, route, carrier, sms, result, log, options);
      } catch (error) {
        // The carrier has the message: the retry must record it, never send it again.
        await job.saveProgress({ carrier: carrier.name, partIds: result.partIds, complete: true }).catch((saveError: unknown) => {
          // Redis is failing twice over: the retry will not know the carrier has it, and may send it again.
          log.warn({ event: 'sms.progress_unsaved', carrier: carrier.name, partIds: result.partIds, err: (saveError as Error).message }, 'could not save that the carrier accepted the message; a retry may send it again');
        });
        throw error;
      }
      return;
    }
    if (!lastError) throw new MessageError('NO_CARRIER', `route ${route.name} names no configured carrier`, true);
    // Every carrier failed. Final only if each refused it for good; otherwise try again later.
    if (anyTemporary && lastError.permanent) {
      throw new CarrierError('ALL_CARRIERS_FAILED', `every carrier of route ${route.name} failed; last: ${lastError.message}`, false, { subject: 'carrier', ...(retryAfterMs > 0 ? { retryAfterMs } : {}) });
    }
    throw lastError instanceof CarrierError ? withRetryAfter(lastError, retryAfterMs) : lastError;
  };
}

function expiredError(job: SmsJob): MessageError {
  return new MessageError('EXPIRED', `not accepted by a carrier within the validity period (attempt ${job.attempt})`, true);
}

/** `error` asking for at least `retryAfterMs` before the next attempt. */
function withRetryAfter(error: CarrierError, retryAfterMs: number): CarrierError {
  if (retryAfterMs <= (error.details.retryAfterMs ?? 0)) return error;
  return new CarrierError(error.code, error.message, error.permanent, { ...error.details, retryAfterMs }, { cause: error });
}

/** Submitted, or ended by a carrier's answer, a receipt or expiry (not by storm control's word). */
async function alreadySettled(status: StatusStore, jobId: string): Promise<boolean> {
  const record = await status.submission(jobId).catch(() => undefined);
  if (record === undefined) return false;
  return record.submittedAt !== undefined || isFinalOutcome(record.finalState);
}

/** A carrier answer about the number or the message still shows the carrier is healthy. */
function judge(breakers: CircuitBreakers, carrier: string, err: CarrierError): void {
  if (err.code === 'RATE_LIMITED') breakers.release(carrier);
  else if (err.permanent && err.details.subject !== 'carrier') breakers.success(carrier);
  else breakers.failure(carrier);
}

/** The shared rate limit; a Redis failure here is the queue's problem, not the carrier's. */
async function acquireRate(deps: DispatchDeps, carrier: string, parts: number): Promise<void> {
  try {
    await deps.rateLimiter.acquire(carrier, deps.sharedRate(carrier), parts);
  } catch (error) {
    if (error instanceof CarrierError) throw error;
    throw new QueueError('RATE_LIMIT_UNAVAILABLE', `could not check the rate limit of ${carrier}: ${(error as Error).message}`, { cause: error });
  }
}

function encodeFor(carrier: Carrier, text: string, options: DispatchOptions): SmsMessage {
  return buildSms(text, {
    maxSegments: options.maxSegments,
    concat: carrier.concat,
    ...(carrier.gsmAlphabet ? { gsmAlphabet: carrier.gsmAlphabet } : {}),
    transliterate: options.transliterate,
    ...(options.truncationMarker !== undefined ? { truncationMarker: options.truncationMarker } : {}),
  });
}

/**
 * Hands the SMS to the carrier. Each part it takes while more are to follow is saved in the job
 * (in order, without holding up the next part): a crash or a stop that abandons the job mid-way
 * leaves the retry to resume after them instead of sending them again. Settles only once those
 * saves have, so the caller's own progress writes come after.
 */
async function submit(carrier: Carrier, job: SmsJob, sms: SmsMessage, options: DispatchOptions, log: Logger): Promise<SubmitResult> {
  const { data } = job;
  const resumed = data.progress?.carrier === carrier.name ? data.progress.partIds : undefined;
  const outbound = {
    id: job.id, to: data.number, from: options.from, sms, validUntil: data.expiresAt, wantReceipt: true,
    concatRef: job.data.concatRef ?? concatReference(job.id), ...(resumed ? { acceptedPartIds: resumed } : {}),
  };
  // One part (most alerts): nothing to save between parts.
  if (sms.segments.length <= 1) return carrier.submit(outbound);
  let saving = Promise.resolve();
  const onPartsAccepted = (partIds: readonly string[]) => {
    saving = saving.then(() => job.saveProgress({ carrier: carrier.name, partIds: [...partIds] })).catch((err: Error) => {
      log.warn({ event: 'sms.progress_unsaved', carrier: carrier.name, partIds, err: err.message }, 'could not save the parts a carrier took so far; a crash now would send them again');
    });
  };
  try {
    return await carrier.submit({ ...outbound, onPartsAccepted });
  } finally {
    await saving;
  }
}

/**
 * Records a carrier's acceptance, then counts it. A failed record is OUTCOME_NOT_RECORDED, which
 * the queue retries on its backoff whatever the validity, so that the retry records it (counting
 * it then, once) rather than calling it expired.
 */
async function recordSubmission(deps: DispatchDeps, job: SmsJob, route: Route, carrier: Carrier, sms: SmsMessage, result: SubmitResult, log: Logger, options: DispatchOptions): Promise<void> {
  const expectedParts = deps.firstPartOnly(carrier.name) ? 1 : result.partIds.length;
  try {
    // The message expires if no final receipt has come by the end of its validity; without
    // receipts there is nothing to wait for, and acceptance is all that will ever be known.
    await deps.status.recordSubmitted(job.id, {
      route: route.name, carrier: carrier.name, partIds: result.partIds, attempts: job.attempt, expectedParts,
      ...(deps.expectsReceipts(carrier.name) ? { deadline: Math.max(job.data.expiresAt, Date.now()) + options.receiptGraceMs } : {}),
    });
  } catch (error) {
    log.warn({ event: 'sms.record_failed', carrier: carrier.name, attempt: job.attempt, err: (error as Error).message }, 'accepted by carrier but not recorded; the retry records it, without sending again');
    throw new QueueError(OUTCOME_NOT_RECORDED, `${carrier.name} accepted job ${job.id} but that could not be recorded: ${(error as Error).message}`, { cause: error });
  }
  deps.metrics.smsSubmitted.inc({ carrier: carrier.name, encoding: sms.encoding });
  deps.metrics.smsSegments.inc({ carrier: carrier.name, encoding: sms.encoding }, sms.parts);
  deps.metrics.submitLatency.observe({ carrier: carrier.name }, (Date.now() - job.data.receivedAt) / 1000);
  if (sms.truncated) deps.metrics.smsTruncated.inc();
  log.info(
    { event: 'sms.submitted', carrier: carrier.name, encoding: sms.encoding, parts: sms.parts, truncated: sms.truncated, partIds: result.partIds, ...(options.logContent ? { text: sms.text } : {}) },
    'accepted by carrier',
  );
}

/**
 * Notes a failed try in the recipient's record. Best effort: a Redis error here must neither stop
 * the next carrier from being tried nor replace the carrier's answer, which decides the job's fate
 * (a final failure is recorded again, with its DSN, by the worker's final-failure hook).
 */
async function noteAttempt(deps: DispatchDeps, job: SmsJob, route: Route, carrier: string, code: string, reason: string, log: Logger, state?: 'failed' | 'retrying'): Promise<void> {
  try {
    await deps.status.update(job.id, {
      ...(state ? { state } : {}), route: route.name, carrier, code, reason, attempts: job.attempt,
      tried: JSON.stringify({ carrier, code, reason, at: Date.now() }),
    });
  } catch (error) {
    log.warn({ event: 'sms.record_failed', carrier, code, attempt: job.attempt, err: (error as Error).message }, 'could not record a failed try; going on');
  }
}

function asCarrierError(error: unknown, carrier: string): CarrierError {
  if (error instanceof CarrierError) return error;
  if (error instanceof Smtp2SmsError) return new CarrierError(error.code, error.message, error.permanent, { carrier, subject: 'message' }, { cause: error });
  return new CarrierError('CARRIER_ERROR', `${carrier}: ${String((error as Error)?.message ?? error)}`, false, { carrier }, { cause: error });
}
