/** HTTP carriers: a generic templated carrier and presets for well-known APIs. No I/O at import. */
import { secretValues } from '../../config/mask.js';
import { HttpCarrier, type HttpCarrierDeps } from './http-carrier.js';
import { resolveHttpSpec } from './resolve.js';
import type { HttpCarrierConfig } from './schema.js';

export { HttpCarrier, type HttpCarrierDeps, type HttpCarrierOptions } from './http-carrier.js';
export { httpCarrierSchema, type HttpCarrierConfig } from './schema.js';
export { resolveHttpSpec } from './resolve.js';
export type { HttpCarrierSpec } from './spec.js';
export type { WebhookRequest } from './verify/index.js';
export type { WebhookResponse } from './webhook.js';

/** The registry's factory: config (already validated) → carrier. */
export function createHttpCarrier(name: string, config: HttpCarrierConfig, deps: HttpCarrierDeps): HttpCarrier {
  return new HttpCarrier(
    {
      name,
      spec: resolveHttpSpec(config),
      ...(config.from !== undefined ? { from: config.from } : {}),
      responseTimeoutMs: config.responseTimeout,
      connections: config.connections,
      ...(config.maxSegments !== undefined ? { maxSegments: config.maxSegments } : {}),
      label: config.preset ?? 'generic',
      secrets: secretValues(config),
    },
    deps,
  );
}
