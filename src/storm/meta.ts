/** Glue from render results and config to storm control's inputs. */
import type { Config } from '../config/schema.js';
import type { AlertFields } from '../render/recognisers/types.js';
import type { StormConfig, StormMeta } from './types.js';

/**
 * The identity of an alert across its problem and recovery mails: family, title and target
 * (status left out, it is what changes). Undefined for unrecognised mails.
 */
export function alertKeyOf(recogniser: string | undefined, fields: AlertFields | undefined): string | undefined {
  if (recogniser === undefined || fields === undefined) return undefined;
  // A group (Alertmanager, Grafana) resolves in parts; its alert name is what problem and
  // recovery mails share.
  const targets = fields.items !== undefined && fields.items.length > 0 ? '*' : fields.target;
  return [recogniser, fields.title, targets].join('|');
}

/** StormMeta for a rendered mail. */
export function stormMetaOf(recogniser: string | undefined, fields: AlertFields | undefined): StormMeta {
  const alertKey = alertKeyOf(recogniser, fields);
  return { state: fields?.state ?? 'info', ...(alertKey !== undefined ? { alertKey } : {}) };
}

export function stormConfigFrom(config: Config): StormConfig {
  return { ...config.storm };
}
