import type { Logger } from 'pino';
import { createSimulator, dsnTransport, smtpListenerOptions } from './app-parts.js';
import { dsnKindFor } from './bounce/notify-policy.js';
import { BounceNotifier } from './bounce/notifier.js';
import type { Carrier } from './carriers/carrier.js';
import { RedisNonces } from './carriers/http/verify/index.js';
import { createCarriers, slowestCarrierMs } from './carriers/registry.js';
import type { Config } from './config/schema.js';
import { SmppStatusClassifier } from './delivery/classify-smpp.js';
import { StatusStore } from './delivery/status-store.js';
import { DeliveryTracker } from './delivery/tracker.js';
import { CarrierError, Smtp2SmsError } from './errors.js';
import { failFastRedis, whenReady } from './redis-connections.js';
import { maskSecrets } from './config/mask.js';
import { createHttpServer, listenHttp, type HttpDeps } from './http/server.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createDispatcher } from './pipeline/dispatch.js';
import { DeadlinePoller } from './pipeline/deadlines.js';
import { createFollowups, type FollowupData } from './pipeline/followups.js';
import { createIntake } from './pipeline/intake.js';
import { startStormFlusher } from './pipeline/storm-flusher.js';
import { takeConcatRef } from './pipeline/concat-refs.js';
import { renderOptionsFromConfig } from './render/index.js';
import { StormControl, stormConfigFrom } from './storm/index.js';
import { SmsQueue } from './queue/sms-queue.js';
import { SmsWorker } from './queue/sms-worker.js';
import { TaskQueue } from './queue/task-queue.js';
import { CircuitBreakers } from './routing/breaker.js';
import { createRouter } from './routing/router.js';
import { SharedRateLimiter } from './routing/shared-rate-limit.js';
import { SmtpListener } from './smtp/server.js';
import { loadTlsMaterial } from './smtp/tls-files.js';

/** How long the SMTP listener waits at start-up for its Redis connections (see whenReady). */
const REDIS_START_WAIT_MS = 5_000;

export interface RunningApp {
  smtpPort: number;
  httpPort: number | undefined;
  simulatorPort: number | undefined;
  carriers: Map<string, Carrier>;
  metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * Roles let one machine run ingest and dispatch as separate processes on separate cores, sharing
 * Redis; by default one process does both.
 */
export interface AppRoles {
  /** Accept mail over SMTP (ingest). */
  smtp: boolean;
  /** Bind carriers, run the queue worker, track receipts and send DSNs (dispatch). */
  worker: boolean;
}

/** What a main process with SMTP child processes adds (see cluster/). */
export interface AppExtras {
  childMetrics?: HttpDeps['childMetrics'];
  smtpProcesses?: HttpDeps['smtpProcesses'];
}

/**
 * Wires the stages from a validated config and starts them. Nothing here runs at import time;
 * stop() takes everything down in reverse order.
 */
export async function startApp(config: Config, log: Logger, roles: AppRoles = { smtp: true, worker: true }, extras: AppExtras = {}): Promise<RunningApp> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'error while stopping'));
  };
  try {
    const metrics = createMetrics();
    let simulatorPort: number | undefined;
    // The simulator stands in for the carriers, so it runs where they are bound (the worker role).
    if (config.simulator.enabled && roles.worker) {
      const simulator = createSimulator(config.simulator, log.child({ component: 'smsc-simulator' }));
      simulatorPort = await simulator.start();
      stops.push(() => simulator.stop());
    }

    // Fails fast: a hung Redis must turn into a 451 for the sender, not a hung SMTP session.
    // Status, storm and rate-limit commands from concurrent sessions leave in one write per turn.
    const redis = failFastRedis(config.redis.url, 5_000, true);
    stops.push(async () => void redis.disconnect());
    const status = new StatusStore(redis, config.redis.prefix);
    const queue = new SmsQueue({ redisUrl: config.redis.url, prefix: config.redis.prefix, attempts: config.queue.attempts });
    stops.push(() => queue.close());
    const followupQueue = new TaskQueue<FollowupData>({
      redisUrl: config.redis.url, prefix: config.redis.prefix, name: 'followups', concurrency: 10, attempts: 200,
      backoff: { initialMs: config.queue.backoff.initial, maxMs: config.queue.backoff.max },
    });
    stops.push(() => followupQueue.close());
    const followups = createFollowups(followupQueue, log.child({ component: 'followups' }), metrics);

    const transport = dsnTransport(config);
    stops.push(async () => transport.close());
    const notifier = new BounceNotifier(status, redis, followups.scheduleDsn, transport, log.child({ component: 'bounce' }), {
      reportingMta: config.smtp.hostname, from: config.bounces.from, aggregateMs: config.bounces.aggregate, validityMs: config.delivery.validity, metrics,
      claimLeaseMs: Math.max(3_600_000, 2 * config.queue.backoff.max),
    }, config.redis.prefix);
    const tracker = new DeliveryTracker(status, (event) => notifier.onFinal(event), log.child({ component: 'delivery' }), {
      receiptIdFormat: (name) => config.carriers[name]?.receiptIdFormat ?? 'auto',
      diagnosticType: (name) => config.carriers[name]?.type ?? 'smpp',
      holdUnmatchedMs: config.delivery.unmatchedReceiptHold,
      retryEveryMs: 500,
      receiptErrors: config.delivery.receiptErrors,
      // Whoever the sender is (the notifier checks the null sender when it reads the record).
      mayNotify: (outcome, notify) => dsnKindFor(outcome, 'someone', notify) !== undefined,
      metrics,
    });
    // The pollers below read Redis at once: before it has connected, each round would log a
    // Redis failure that is only the start-up. (Bounded: a Redis that is really down is reported.)
    const redisReady = await whenReady(redis, REDIS_START_WAIT_MS);
    // Held receipts are retried by any process that takes receipts: the worker role (SMPP) or one
    // serving webhooks. An SMTP child process takes none.
    if (roles.worker || config.http.enabled) {
      tracker.start();
      stops.push(() => tracker.stop());
    }
    if (roles.worker) {
      followups.start(notifier);
      const deadlines = new DeadlinePoller(status, tracker, log.child({ component: 'deadlines' }), 500);
      deadlines.start();
      stops.push(() => deadlines.stop());
    }

    const carriers = createCarriers(config.carriers, {
      logger: log.child({ component: 'carrier' }), smppClassifier: new SmppStatusClassifier(config.delivery.smppStatus),
      webhookNonces: (carrier) => new RedisNonces(redis, `${config.redis.prefix}:webhook-nonce:${carrier}`),
    });
    for (const carrier of carriers.values()) {
      // Every role listens: an ingest-only process still serves carrier webhooks.
      carrier.onReceipt((receipt) => tracker.handleReceipt(receipt));
      if (!roles.worker) continue;
      await carrier.start();
      stops.push(() => carrier.stop());
    }
    const dispatch = createDispatcher(
      {
        route: createRouter(config.routes), carriers, status, metrics, log: log.child({ component: 'dispatch' }),
        firstPartOnly: (name) => config.carriers[name]?.receiptFirstPartOnly ?? false,
        expectsReceipts: (name) => expectsReceipts(config, name),
        breakers: new CircuitBreakers({ failures: config.failover.breakerFailures, cooldownMs: config.failover.breakerCooldown }),
        rateLimiter: new SharedRateLimiter(redis, config.redis.prefix),
        sharedRate: (name) => config.carriers[name]?.maxPartsPerSecond ?? 0,
      },
      { from: config.sms.from, maxSegments: config.sms.maxSegments, transliterate: config.sms.transliterate, logContent: config.logging.content, receiptGraceMs: config.delivery.receiptGrace, ...(config.sms.truncationMarker !== undefined ? { truncationMarker: config.sms.truncationMarker } : {}) },
    );
    if (roles.worker) {
      const worker = new SmsWorker(
        {
          redisUrl: config.redis.url, prefix: config.redis.prefix, concurrency: config.queue.concurrency,
          backoff: { initialMs: config.queue.backoff.initial, maxMs: config.queue.backoff.max },
          lockDurationMs: slowestCarrierMs(config.carriers),
        },
        {
          process: dispatch,
          onFinalFailure: async (job, error) => {
            const code = error instanceof Smtp2SmsError ? error.code : 'ERROR';
            const details = error instanceof CarrierError ? error.details : {};
            await tracker.finalizeFailure(job.id, code === 'EXPIRED' ? 'expired' : 'failed', {
              code, reason: error.message,
              dsnStatus: details.dsnStatus ?? (code === 'EXPIRED' ? '4.4.7' : '5.0.0'),
              ...(details.diagnostic ? { diagnostic: details.diagnostic } : {}),
            });
            // After the record: a retry of a failed record would count the message again.
            metrics.smsFinalFailures.inc({ code });
          },
          onWorkerError: (err) => log.error({ event: 'queue.worker_error', err: err.message }, 'queue worker error'),
        },
      );
      // Stopped before the carriers (stops run in reverse), so in-flight submissions can finish;
      // a submission still running after the grace period (a throttling SMSC) is cut short by
      // stopping the carriers early, while the worker can still record what they took.
      stops.push(() => worker.close(async () => {
        log.warn({ event: 'shutdown.interrupting' }, 'submissions still running after the grace period: stopping the carriers; they are retried after the restart');
        await Promise.all([...carriers.values()].map((carrier) => carrier.stop())).catch((err: Error) =>
          log.error({ event: 'queue.worker_error', err: err.message }, 'a carrier failed to stop; its jobs are taken again once their locks lapse'));
      }));
      worker.start();
    }

    // Built even when disabled: summaries held before it was turned off must still go out.
    const storm = new StormControl(redis, stormConfigFrom(config), { prefix: config.redis.prefix, onDecision: (d) => metrics.stormDecisions.inc({ action: d.action, reason: d.reason }) });
    if (roles.worker) {
      const concatRef = (number: string, jobId: string) => takeConcatRef(redis, config.redis.prefix, number, jobId);
      const flusher = startStormFlusher(storm, queue, status, config, metrics, log.child({ component: 'storm' }), concatRef);
      stops.push(() => flusher.stop());
    }
    const intake = createIntake(
      { queue, status, redis, metrics, log: log.child({ component: 'intake' }), scheduleDelayNotice: followups.scheduleDelayNotice, ...(config.storm.enabled ? { storm } : {}) },
      { keyPrefix: config.redis.prefix, render: renderOptionsFromConfig(config), validityMs: config.delivery.validity, delayNoticeMs: config.delivery.delayNotice, logContent: config.logging.content },
    );
    let smtpPort = 0;
    if (roles.smtp) {
      const queueReady = await queue.whenReady(redisReady ? REDIS_START_WAIT_MS : 0);
      if (!redisReady || !queueReady) {
        log.warn({ event: 'redis.unavailable', url: maskSecrets(config.redis.url) }, `Redis not ready after ${REDIS_START_WAIT_MS / 1000} s: SMTP answers 451 until it is`);
      }
      const tls = config.smtp.tls ? await loadTlsMaterial(config.smtp.tls, config.smtp.hostname) : undefined;
      const smtp = new SmtpListener(smtpListenerOptions(config, tls, redis), intake, log.child({ component: 'smtp' }), metrics);
      smtpPort = await smtp.listen();
      stops.push(() => smtp.close());
      log.info({ event: 'smtp.listening', host: config.smtp.host, port: smtpPort, starttls: Boolean(tls), domains: config.smtp.domains }, 'SMTP listening');
    }

    let httpPort: number | undefined;
    if (config.http.enabled) {
      const http = createHttpServer({
        status, metrics, carriers, redisPing: () => queue.ping(), carriersRequired: roles.worker, stormStatus: (number) => storm.status(number), queueCounts: () => queue.counts(),
        ...(config.http.token !== undefined ? { token: config.http.token } : {}), ...extras,
      });
      httpPort = await listenHttp(http, config.http.host, config.http.port);
      stops.push(() => http.close());
      log.info({ event: 'http.listening', host: config.http.host, port: httpPort }, 'HTTP API listening');
    }
    return { smtpPort, httpPort, simulatorPort, carriers, metrics, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Receipts come back on a transceiver bind or to an HTTP carrier's webhook, unless told otherwise. */
function expectsReceipts(config: Config, name: string): boolean {
  const carrier = config.carriers[name];
  if (!carrier) return true;
  if (carrier.receipts !== undefined) return carrier.receipts;
  return carrier.type === 'smpp' ? carrier.bindMode === 'transceiver' : carrier.webhook !== undefined;
}
