import type { Logger } from 'pino';
import type { Carrier, SubmitResult } from '../carriers/carrier.js';
import type { StatusStore } from '../delivery/status-store.js';
import { CarrierError, MessageError, Smtp2SmsError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { SmsJob } from '../queue/job.js';
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
    if (Date.now() >= data.expiresAt) {
      throw new MessageError('EXPIRED', `not accepted by a carrier within the validity period (attempt ${job.attempt})`, true);
    }
    const route = deps.route(data.number);
    if (!route) throw new MessageError('NO_ROUTE', `no route matches ${data.number}`, true);
    const candidates = route.carriers.map((name) => deps.carriers.get(name)).filter((c): c is Carrier => c !== undefined);
    // A carrier that reports itself down is tried last, not never: it may be the only one.
    // (A carrier whose circuit is open is skipped until its cool-down ends.)
    const ordered = [...candidates.filter((c) => c.health().up), ...candidates.filter((c) => !c.health().up)];

    let lastError: Smtp2SmsError | undefined;
    let anyTemporary = false;
    for (const carrier of ordered) {
      if (!deps.breakers.allow(carrier.name)) {
        await record(deps, job, route, carrier.name, 'CIRCUIT_OPEN', `circuit ${deps.breakers.describe(carrier.name)}`);
        lastError ??= new CarrierError('CIRCUIT_OPEN', `${carrier.name}: circuit open`, false, { carrier: carrier.name });
        anyTemporary = true;
        continue;
      }
      const sms = encodeFor(carrier, data.text, options);
      try {
        await deps.rateLimiter.acquire(carrier.name, deps.sharedRate(carrier.name), sms.segments.length);
        const result = await submit(carrier, job, sms, options);
        deps.breakers.success(carrier.name);
        await succeeded(deps, job, route, carrier, sms, result, log, options);
        return;
      } catch (error) {
        const err = asCarrierError(error, carrier.name);
        if (err.code !== 'RATE_LIMITED' && !(err.permanent && err.details.subject !== 'carrier')) deps.breakers.failure(carrier.name);
        const accepted = err.details.acceptedPartIds;
        if (accepted && accepted.length > 0) await job.saveProgress({ carrier: carrier.name, partIds: accepted });
        deps.metrics.smsFailures.inc({ carrier: carrier.name, code: err.code, permanent: String(err.permanent) });
        await record(deps, job, route, carrier.name, err.code, err.message, err.permanent ? 'failed' : 'retrying');
        log.warn({ event: 'sms.attempt_failed', carrier: carrier.name, code: err.code, permanent: err.permanent, subject: err.details.subject, attempt: job.attempt, reason: err.message }, 'submission failed');
        lastError = err;
        if (err.permanent && err.details.subject !== 'carrier') throw err;
        if (!err.permanent) anyTemporary = true;
      }
    }
    if (!lastError) throw new MessageError('NO_CARRIER', `route ${route.name} names no configured carrier`, true);
    // Every carrier failed. Final only if each refused it for good; otherwise try again later.
    if (anyTemporary && lastError.permanent) {
      throw new CarrierError('ALL_CARRIERS_FAILED', `every carrier of route ${route.name} failed; last: ${lastError.message}`, false, { subject: 'carrier' });
    }
    throw lastError;
  };
}

function encodeFor(carrier: Carrier, text: string, options: DispatchOptions): SmsMessage {
  return buildSms(text, {
    maxSegments: options.maxSegments,
    concat: carrier.concat,
    transliterate: options.transliterate,
    ...(options.truncationMarker !== undefined ? { truncationMarker: options.truncationMarker } : {}),
  });
}

function submit(carrier: Carrier, job: SmsJob, sms: SmsMessage, options: DispatchOptions): Promise<SubmitResult> {
  const { data } = job;
  const resumed = data.progress?.carrier === carrier.name ? data.progress.partIds : undefined;
  return carrier.submit({
    id: job.id, to: data.number, from: options.from, sms, validUntil: data.expiresAt, wantReceipt: true,
    concatRef: concatReference(job.id), ...(resumed ? { acceptedPartIds: resumed } : {}),
  });
}

async function succeeded(deps: DispatchDeps, job: SmsJob, route: Route, carrier: Carrier, sms: SmsMessage, result: SubmitResult, log: Logger, options: DispatchOptions): Promise<void> {
  deps.metrics.smsSubmitted.inc({ carrier: carrier.name, encoding: sms.encoding });
  deps.metrics.smsSegments.inc({ carrier: carrier.name, encoding: sms.encoding }, sms.segments.length);
  deps.metrics.submitLatency.observe({ carrier: carrier.name }, (Date.now() - job.data.receivedAt) / 1000);
  if (sms.truncated) deps.metrics.smsTruncated.inc();
  const expectedParts = deps.firstPartOnly(carrier.name) ? 1 : result.partIds.length;
  // The message expires if no final receipt has come by the end of its validity; without
  // receipts there is nothing to wait for, and acceptance is all that will ever be known.
  await deps.status.recordSubmitted(job.id, {
    route: route.name, carrier: carrier.name, partIds: result.partIds, attempts: job.attempt, expectedParts,
    ...(deps.expectsReceipts(carrier.name) ? { deadline: job.data.expiresAt } : {}),
  });
  log.info(
    { event: 'sms.submitted', carrier: carrier.name, encoding: sms.encoding, parts: sms.segments.length, truncated: sms.truncated, partIds: result.partIds, ...(options.logContent ? { text: sms.text } : {}) },
    'accepted by carrier',
  );
}

async function record(deps: DispatchDeps, job: SmsJob, route: Route, carrier: string, code: string, reason: string, state?: 'failed' | 'retrying'): Promise<void> {
  await deps.status.update(job.id, {
    ...(state ? { state } : {}), route: route.name, carrier, code, reason, attempts: job.attempt,
    tried: JSON.stringify({ carrier, code, reason, at: Date.now() }),
  });
}

function asCarrierError(error: unknown, carrier: string): CarrierError {
  if (error instanceof CarrierError) return error;
  if (error instanceof Smtp2SmsError) return new CarrierError(error.code, error.message, error.permanent, { carrier, subject: 'message' }, { cause: error });
  return new CarrierError('CARRIER_ERROR', `${carrier}: ${String((error as Error)?.message ?? error)}`, false, { carrier }, { cause: error });
}
