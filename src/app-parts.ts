import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { outboxDsnTransport, smtpDsnTransport, type DsnTransport } from './bounce/dsn-transport.js';
import type { Config } from './config/schema.js';
import { SmscSimulator, type ReceivedMessage } from './smsc/index.js';
import { createRouter } from './routing/router.js';
import type { SmtpListenerOptions } from './smtp/server.js';
import type { TlsMaterial } from './smtp/tls-files.js';

/** The in-process SMSC simulator of `simulator:`, logging each SMS it receives. */
export function createSimulator(config: Config['simulator'], log: Logger): SmscSimulator {
  const simulator = new SmscSimulator({
    host: config.host, port: config.port,
    ...(config.systemId ? { systemId: config.systemId } : {}),
    ...(config.password ? { password: config.password } : {}),
    deliveryReceipts: { enabled: true, delayMs: config.receiptDelay },
    logger: log,
  });
  // The simulator stands in for a phone: showing what arrived is the point of running it.
  simulator.on('message', (m: ReceivedMessage) => {
    log.info({ event: 'simulator.sms', to: m.destination, from: m.source, dataCoding: m.dataCoding, parts: m.parts.length, text: m.text }, 'SMS received by the built-in SMSC');
  });
  return simulator;
}

export function dsnTransport(config: Config): DsnTransport {
  return config.bounces.smtp
    ? smtpDsnTransport({ host: config.bounces.smtp.host, port: config.bounces.smtp.port, name: config.smtp.hostname })
    : outboxDsnTransport(config.bounces.outbox);
}

export function smtpListenerOptions(config: Config, tls: TlsMaterial | undefined, redis?: Redis): SmtpListenerOptions {
  const smtp = config.smtp;
  return {
    host: smtp.host, port: smtp.port, hostname: smtp.hostname, domains: smtp.domains,
    maxMessageBytes: smtp.maxMessageBytes, maxBufferedBytes: smtp.maxBufferedBytes, maxRecipients: smtp.maxRecipients, maxClients: smtp.maxClients,
    socketTimeoutMs: smtp.socketTimeout, auth: smtp.auth, ...(tls ? { tls } : {}), clients: smtp.clients,
    senders: smtp.senders, reverseDns: smtp.reverseDns, defaultRegion: config.sms.defaultRegion, numberValidation: config.sms.numberValidation,
    routable: routableBy(config.routes),
    ...(redis && smtp.messagesPerMinute > 0 ? { withinRate: perMinuteLimit(redis, `${config.redis.prefix}:smtprate`, smtp.messagesPerMinute) } : {}),
  };
}

/** A fixed one-minute window per client, counted in Redis so every relay process shares it. */
function perMinuteLimit(redis: Redis, prefix: string, limit: number): (client: string) => Promise<boolean> {
  return async (client) => {
    const key = `${prefix}:${client}:${Math.floor(Date.now() / 60_000)}`;
    const [[, count] = []] = (await redis.multi().incr(key).expire(key, 120).exec()) ?? [];
    return Number(count) <= limit;
  };
}

function routableBy(routes: Config['routes']): (number: string) => boolean {
  const route = createRouter(routes);
  return (number) => route(number) !== undefined;
}
