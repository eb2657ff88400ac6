import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Carrier } from '../carriers/carrier.js';
import type { StatusStore } from '../delivery/status-store.js';
import type { ChildMetrics } from '../cluster/messages.js';
import type { NamedMetrics } from '../cluster/smtp-children.js';
import type { Metrics } from '../observability/metrics.js';

export interface HttpDeps {
  status: StatusStore;
  metrics: Metrics;
  carriers: Map<string, Carrier>;
  redisPing(): Promise<void>;
  /** False in an ingest-only process (`--role smtp`), which binds no carriers. */
  carriersRequired?: boolean;
  /** Storm control's counters for one number (E.164), for `GET /api/numbers/:number/storm`. */
  stormStatus?(number: string): Promise<unknown>;
  /** The SMTP child processes' metrics (`smtp.processes`), served beside this process's. */
  childMetrics?(): Promise<NamedMetrics[]>;
  /** With SMTP child processes: how many listen, of how many. */
  smtpProcesses?(): { listening: number; processes: number };
  /** Bearer token required by /api/* and /metrics (http.token); none: open. */
  token?: string;
  /** SMS jobs by state, for `smtp2sms_queue_jobs`. */
  queueCounts?(): Promise<Record<string, number>>;
}


/** Health, readiness, Prometheus metrics and the message status API. */
export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  // Routes with message data or operational detail (/api/*, /metrics) take this hook: bound to
  // the route, not matched against the URL, so no spelling of a path gets around it.
  const { token } = deps;
  const guarded = token === undefined ? {} : {
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      if (bearerMatches(request.headers.authorization, token)) return;
      await reply.code(401).header('www-authenticate', 'Bearer realm="smtp2sms"').send({ error: 'a valid bearer token is required' });
    },
  };

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const carriers = deps.carriersRequired === false ? [] : [...deps.carriers.values()].map((c) => c.health());
    let redis = 'ok';
    try {
      await deps.redisPing();
    } catch (err) {
      redis = (err as Error).message;
    }
    // With SMTP child processes, one is enough to take mail (another may be being replaced).
    const smtp = deps.smtpProcesses?.();
    const ready = redis === 'ok' && (deps.carriersRequired === false || carriers.some((c) => c.up)) && (smtp === undefined || smtp.listening > 0);
    for (const c of carriers) deps.metrics.carrierUp.set({ carrier: c.name, type: c.type }, c.up ? 1 : 0);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', redis, ...(smtp ? { smtp } : {}), carriers });
  });

  app.get('/metrics', guarded, async (_request, reply) => {
    for (const c of deps.carriers.values()) {
      const h = c.health();
      deps.metrics.carrierUp.set({ carrier: h.name, type: h.type }, h.up ? 1 : 0);
    }
    await readQueueCounts(deps);
    const { registry } = deps.metrics;
    if (!deps.childMetrics) return reply.type(registry.contentType).send(await registry.metrics());
    const all = [{ process: 'main', metrics: await registry.getMetricsAsJSON() }, ...(await deps.childMetrics())];
    return reply.type(registry.contentType).send(await AggregatorRegistry.aggregate(all.map(labelled)).metrics());
  });

  app.get<{ Params: { id: string } }>('/api/messages/:id', guarded, async (request, reply) => {
    if (!/^[A-Za-z0-9-]{1,80}$/.test(request.params.id)) return reply.code(400).send({ error: 'malformed id' });
    const found = await deps.status.getTransaction(request.params.id);
    if (!found) return reply.code(404).send({ error: 'no such message' });
    return { id: found.tx.txId, messageId: found.tx.messageId, sender: found.tx.sender, receivedAt: new Date(found.tx.receivedAt).toISOString(), recipients: found.recipients };
  });

  app.get<{ Params: { number: string } }>('/api/numbers/:number/storm', guarded, async (request, reply) => {
    const number = request.params.number.startsWith('+') ? request.params.number : `+${request.params.number}`;
    if (!/^\+\d{6,15}$/.test(number) || !deps.stormStatus) return reply.code(400).send({ error: 'expected an E.164 number' });
    return { number, ...((await deps.stormStatus(number)) as object) };
  });

  // Carrier delivery webhooks. Signatures cover the exact bytes, so bodies stay raw Buffers here;
  // some providers (Kannel, Vonage SMS API, MessageBird) call back with GET.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));
    scope.route<{ Params: { carrier: string } }>({
      method: ['GET', 'POST'],
      url: '/webhooks/:carrier',
      handler: async (request, reply) => {
        const carrier = deps.carriers.get(request.params.carrier);
        if (!carrier?.handleWebhook) return reply.code(404).send({ error: 'no such carrier' });
        const result = await carrier.handleWebhook({
          method: request.method, url: request.url, headers: request.headers,
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        });
        return reply.code(result.status).send(result.body ?? '');
      },
    });
  });

  return app;
}

/** Constant-time comparison of `Authorization: Bearer <token>` with the configured token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export async function listenHttp(app: FastifyInstance, host: string, port: number): Promise<number> {
  await app.listen({ host, port });
  return (app.server.address() as AddressInfo).port;
}

/**
 * One process's metrics with a `process` label on every series, so that each process keeps its
 * own series: a child that is replaced starts its counters again from 0, which Prometheus reads
 * as a reset of that series, where a sum over processes would just go backwards. Series are then
 * distinct, so the aggregator's sum leaves each value as it is (and keeps the gauges that its
 * default aggregators would drop, like process_start_time_seconds).
 */
function labelled({ process, metrics }: NamedMetrics): ChildMetrics {
  return metrics.map((metric) => ({
    ...metric,
    aggregator: 'sum' as const,
    values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, process } })),
  }));
}

/** Sets the queue gauge from Redis; when Redis does not answer, the gauge is left out rather than stale. */
async function readQueueCounts(deps: HttpDeps): Promise<void> {
  if (!deps.queueCounts) return;
  try {
    const counts = await deps.queueCounts();
    for (const [state, jobs] of Object.entries(counts)) deps.metrics.queueJobs.set({ state }, jobs);
  } catch {
    deps.metrics.queueJobs.reset();
  }
}
