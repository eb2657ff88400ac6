import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Carrier } from './carriers/carrier.js';
import { createCarriers, slowestCarrierMs } from './carriers/registry.js';
import type { Config } from './config/schema.js';
import { SmppStatusClassifier } from './delivery/classify-smpp.js';
import { StatusStore } from './delivery/status-store.js';
import { createHttpServer, listenHttp } from './http/server.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createDispatcher } from './pipeline/dispatch.js';
import { createIntake } from './pipeline/intake.js';
import { SmsQueue } from './queue/sms-queue.js';
import { SmsWorker } from './queue/sms-worker.js';
import { createRouter } from './routing/router.js';
import { SmscSimulator, type ReceivedMessage } from './smsc/index.js';
import { SmtpListener } from './smtp/server.js';
import { loadTlsMaterial } from './smtp/tls-files.js';

export interface RunningApp {
  smtpPort: number;
  httpPort: number | undefined;
  simulatorPort: number | undefined;
  carriers: Map<string, Carrier>;
  metrics: Metrics;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Run the SMTP listener (ingest) and/or the queue worker (dispatch); both by default. */
  roles?: { smtp: boolean; worker: boolean };
}

/**
 * Wires the stages from a validated config and starts them. Nothing here runs at import time;
 * stop() takes everything down in reverse order.
 */
export async function startApp(config: Config, log: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const roles = options.roles ?? { smtp: true, worker: true };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'error while stopping'));
  };
  try {
    const metrics = createMetrics();
    let simulatorPort: number | undefined;
    if (config.simulator.enabled) {
      const simulator = new SmscSimulator({
        host: config.simulator.host, port: config.simulator.port,
        ...(config.simulator.systemId ? { systemId: config.simulator.systemId } : {}),
        ...(config.simulator.password ? { password: config.simulator.password } : {}),
        deliveryReceipts: { enabled: true, delayMs: config.simulator.receiptDelay },
        logger: log.child({ component: 'smsc-simulator' }),
      });
      // The simulator stands in for a phone: showing what arrived is the point of running it.
      simulator.on('message', (m: ReceivedMessage) => {
        log.info({ event: 'simulator.sms', to: m.destination, from: m.source, dataCoding: m.dataCoding, parts: m.parts.length, text: m.text }, 'SMS received by the built-in SMSC');
      });
      simulatorPort = await simulator.start();
      stops.push(() => simulator.stop());
      log.info({ event: 'simulator.started', port: simulatorPort }, 'built-in SMSC simulator listening');
    }

    const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 200, 2_000) });
    redis.on('error', () => undefined);
    stops.push(async () => void redis.disconnect());
    const status = new StatusStore(redis, config.redis.prefix);
    const queue = new SmsQueue({ redisUrl: config.redis.url, prefix: config.redis.prefix });
    stops.push(() => queue.close());

    const carriers = createCarriers(config.carriers, { logger: log.child({ component: 'carrier' }), smppClassifier: new SmppStatusClassifier(config.delivery.smppStatus) });
    if (roles.worker) {
      for (const carrier of carriers.values()) {
        await carrier.start();
        stops.push(() => carrier.stop());
      }
      const dispatch = createDispatcher(
        { route: createRouter(config.routes), carriers, status, metrics, log: log.child({ component: 'dispatch' }) },
        { from: config.sms.from, maxSegments: config.sms.maxSegments, transliterate: config.sms.transliterate, logContent: config.logging.content, ...(config.sms.truncationMarker !== undefined ? { truncationMarker: config.sms.truncationMarker } : {}) },
      );
      const worker = new SmsWorker(
        {
          redisUrl: config.redis.url, prefix: config.redis.prefix, concurrency: config.queue.concurrency,
          backoff: { initialMs: config.queue.backoff.initial, maxMs: config.queue.backoff.max },
          lockDurationMs: slowestCarrierMs(config.carriers),
        },
        {
          process: dispatch,
          onFinalFailure: async (job, error) => {
            const code = (error as { code?: string }).code ?? 'ERROR';
            metrics.smsFinalFailures.inc({ code });
            await status.update(job.id, { state: code === 'EXPIRED' ? 'expired' : 'failed', code, reason: error.message, attempts: job.attempt }).catch(() => undefined);
            log.warn({ event: 'sms.failed', jobId: job.id, txId: job.data.txId, code, reason: error.message }, 'message failed for good');
          },
          onWorkerError: (err) => log.error({ event: 'queue.worker_error', err: err.message }, 'queue worker error'),
        },
      );
      // The worker stops before the carriers so in-flight submissions can finish.
      stops.push(() => worker.close());
      worker.start();
    }

    let smtpPort = 0;
    if (roles.smtp) {
      const intake = createIntake({ queue, status, metrics, log: log.child({ component: 'intake' }) }, { template: config.sms.template, validityMs: config.delivery.validity, logContent: config.logging.content });
      const tls = config.smtp.tls ? await loadTlsMaterial(config.smtp.tls, config.smtp.hostname) : undefined;
      const smtp = new SmtpListener(
        {
          host: config.smtp.host, port: config.smtp.port, hostname: config.smtp.hostname, domains: config.smtp.domains,
          maxMessageBytes: config.smtp.maxMessageBytes, maxRecipients: config.smtp.maxRecipients, maxClients: config.smtp.maxClients,
          socketTimeoutMs: config.smtp.socketTimeout, auth: config.smtp.auth, ...(tls ? { tls } : {}), clients: config.smtp.clients,
          senders: config.smtp.senders, reverseDns: config.smtp.reverseDns, defaultRegion: config.sms.defaultRegion, numberValidation: config.sms.numberValidation,
        },
        intake,
        log.child({ component: 'smtp' }),
        metrics,
      );
      smtpPort = await smtp.listen();
      stops.push(() => smtp.close());
      log.info({ event: 'smtp.listening', host: config.smtp.host, port: smtpPort, starttls: Boolean(tls), domains: config.smtp.domains }, 'SMTP listening');
    }

    let httpPort: number | undefined;
    if (config.http.enabled) {
      const http = createHttpServer({ status, metrics, carriers, redisPing: () => queue.ping() });
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
