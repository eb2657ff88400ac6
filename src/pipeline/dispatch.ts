import type { Logger } from 'pino';
import type { Carrier } from '../carriers/carrier.js';
import type { StatusStore } from '../delivery/status-store.js';
import { CarrierError, MessageError, Smtp2SmsError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { SmsJob } from '../queue/job.js';
import type { Route } from '../routing/router.js';
import { buildSms } from '../sms/index.js';
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
  /** Receipts for the first part only: then that part alone decides the outcome. */
  firstPartOnly(carrier: string): boolean;
  /** The message expires if no final receipt arrives by `at` (epoch ms). */
  scheduleDeadline(jobId: string, at: number): Promise<void>;
}

/**
 * One attempt at one job: route, encode for the chosen carrier, submit, record. Throws the
 * carrier's classified error; the queue decides between retry and final failure from `permanent`.
 */
export function createDispatcher(deps: DispatchDeps, options: DispatchOptions): (job: SmsJob) => Promise<void> {
  return async (job) => {
    const { data } = job;
    const log = deps.log.child({ jobId: job.id, txId: data.txId });
    if (Date.now() >= data.expiresAt) {
      throw new MessageError('EXPIRED', `not delivered within the validity period (attempt ${job.attempt})`, true);
    }
    const route = deps.route(data.number);
    if (!route) throw new MessageError('NO_ROUTE', `no route matches ${data.number}`, true);
    const carrier = pickCarrier(route, deps.carriers);

    const sms = buildSms(data.text, {
      maxSegments: options.maxSegments,
      concat: carrier.concat,
      transliterate: options.transliterate,
      ...(options.truncationMarker !== undefined ? { truncationMarker: options.truncationMarker } : {}),
    });
    const resumed = data.progress?.carrier === carrier.name ? data.progress.partIds : undefined;
    try {
      const result = await carrier.submit({
        id: job.id,
        to: data.number,
        from: options.from,
        sms,
        validUntil: data.expiresAt,
        wantReceipt: true,
        concatRef: concatReference(job.id),
        ...(resumed ? { acceptedPartIds: resumed } : {}),
      });
      deps.metrics.smsSubmitted.inc({ carrier: carrier.name, encoding: sms.encoding });
      deps.metrics.smsSegments.inc({ carrier: carrier.name, encoding: sms.encoding }, sms.segments.length);
      deps.metrics.submitLatency.observe({ carrier: carrier.name }, (Date.now() - data.receivedAt) / 1000);
      if (sms.truncated) deps.metrics.smsTruncated.inc();
      const expectedParts = deps.firstPartOnly(carrier.name) ? 1 : result.partIds.length;
      await deps.status.recordSubmitted(job.id, { route: route.name, carrier: carrier.name, partIds: result.partIds, attempts: job.attempt, expectedParts });
      await deps.scheduleDeadline(job.id, data.expiresAt);
      log.info(
        { event: 'sms.submitted', carrier: carrier.name, encoding: sms.encoding, parts: sms.segments.length, truncated: sms.truncated, partIds: result.partIds, ...(options.logContent ? { text: sms.text } : {}) },
        'accepted by carrier',
      );
    } catch (error) {
      const err = error instanceof Smtp2SmsError ? error : new CarrierError('CARRIER_ERROR', String((error as Error)?.message ?? error), false, { carrier: carrier.name }, { cause: error });
      const accepted = err instanceof CarrierError ? err.details.acceptedPartIds : undefined;
      if (accepted && accepted.length > 0) await job.saveProgress({ carrier: carrier.name, partIds: accepted });
      deps.metrics.smsFailures.inc({ carrier: carrier.name, code: err.code, permanent: String(err.permanent) });
      await deps.status.update(job.id, {
        state: err.permanent ? 'failed' : 'retrying', route: route.name, carrier: carrier.name, code: err.code, reason: err.message, attempts: job.attempt,
        tried: JSON.stringify({ carrier: carrier.name, code: err.code, reason: err.message, at: Date.now() }),
      });
      log.warn({ event: 'sms.attempt_failed', carrier: carrier.name, code: err.code, permanent: err.permanent, attempt: job.attempt, reason: err.message }, 'submission failed');
      throw err;
    }
  };
}

/** The first carrier of the route that is up; the first one if none is (its error is retried). */
function pickCarrier(route: Route, carriers: Map<string, Carrier>): Carrier {
  const candidates = route.carriers.map((name) => carriers.get(name)).filter((c): c is Carrier => c !== undefined);
  const chosen = candidates.find((c) => c.health().up) ?? candidates[0];
  if (!chosen) throw new MessageError('NO_CARRIER', `route ${route.name} names no configured carrier`, true);
  return chosen;
}
