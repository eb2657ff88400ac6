import type { Logger } from 'pino';
import type { CarrierConfig } from '../config/schema.js';
import { SmppStatusClassifier } from '../delivery/classify-smpp.js';
import type { Carrier } from './carrier.js';
import { createHttpCarrier } from './http/index.js';
import type { NonceStore } from './http/verify/index.js';
import { createSmppCarrier } from './smpp/index.js';

export interface CarrierFactoryDeps {
  logger: Logger;
  smppClassifier: SmppStatusClassifier;
  /** The replay check of an HTTP carrier's webhook, shared by every relay process. */
  webhookNonces?: (carrier: string) => NonceStore;
}

type Factory<T extends CarrierConfig['type']> = (name: string, config: Extract<CarrierConfig, { type: T }>, deps: CarrierFactoryDeps) => Carrier;

/** One factory per carrier type: adding a type is adding a row. */
const FACTORIES: { [T in CarrierConfig['type']]: Factory<T> } = {
  smpp: (name, c, deps) =>
    createSmppCarrier(
      {
        name, host: c.host, port: c.port, systemId: c.systemId, password: c.password,
        ...(c.systemType !== undefined ? { systemType: c.systemType } : {}),
        tls: c.tls, bindMode: c.bindMode, window: c.window, responseTimeoutMs: c.responseTimeout,
        enquireLinkMs: c.enquireLinkInterval, reconnect: { initialMs: c.reconnect.initial, maxMs: c.reconnect.max },
        throughputPerSecond: c.throughputPerSecond, gsmDataCoding: c.gsmDataCoding, concat: c.concat,
        ...(c.sourceTon !== undefined ? { sourceTon: c.sourceTon } : {}),
        ...(c.sourceNpi !== undefined ? { sourceNpi: c.sourceNpi } : {}),
        maxThrottleRetries: c.maxThrottleRetries,
      },
      { logger: deps.logger, classifier: deps.smppClassifier },
    ),
  http: (name, c, deps) => createHttpCarrier(name, c, { logger: deps.logger, ...(deps.webhookNonces ? { nonces: deps.webhookNonces(name) } : {}) }),
};

export function createCarriers(configs: Record<string, CarrierConfig>, deps: CarrierFactoryDeps): Map<string, Carrier> {
  const carriers = new Map<string, Carrier>();
  for (const [name, config] of Object.entries(configs)) {
    const factory = FACTORIES[config.type] as Factory<typeof config.type>;
    carriers.set(name, factory(name, config, deps));
  }
  return carriers;
}

/** The longest response timeout among carriers: the queue's lock must outlast it. */
export function slowestCarrierMs(configs: Record<string, CarrierConfig>): number {
  return Math.max(10_000, ...Object.values(configs).map((c) => c.responseTimeout * 2 + 5_000));
}
