/**
 * Render options: what the operator configured (`sms.template`, `render.*`) and the SMS budget
 * the text must fit. All but `template` are optional so that existing callers keep working.
 */
import type { Config } from '../config/schema.js';
import type { UrlMode } from '../mail/cleanup/index.js';
import type { ConcatMethod } from '../sms/index.js';
import { DEFAULT_BUDGET, type BudgetOptions } from './budget.js';

export const DEFAULT_TEMPLATE = '{subject}: {text}';

export interface RenderOptions {
  /** `sms.template`: placeholders `{subject}`, `{text}`, `{from}`; used for unrecognised mails. */
  template: string;
  /** `render.templates`: per recogniser name, or "*" for every recognised mail. */
  templates?: Readonly<Record<string, string>>;
  /** `render.recognisers`: use the family recognisers. Default true. */
  recognisers?: boolean;
  /** `render.condense`: clean and condense the body of unrecognised mails. Default true. */
  condense?: boolean;
  /** `render.urls`: long URLs keep | drop | host. Default 'drop'. */
  urls?: UrlMode;
  /** `sms.maxSegments`. Default 3. */
  maxSegments?: number;
  /** The first route's carrier concat method. Default 'udh8'. */
  concat?: ConcatMethod;
  /** `sms.transliterate`. Default true. */
  transliterate?: boolean;
}

export interface ResolvedRenderOptions {
  template: string;
  templates: Readonly<Record<string, string>>;
  recognisers: boolean;
  condense: boolean;
  urls: UrlMode;
  budget: BudgetOptions;
}

export function resolveRenderOptions(options: RenderOptions): ResolvedRenderOptions {
  return {
    template: options.template,
    templates: options.templates ?? {},
    recognisers: options.recognisers ?? true,
    condense: options.condense ?? true,
    urls: options.urls ?? 'drop',
    budget: {
      maxSegments: options.maxSegments ?? DEFAULT_BUDGET.maxSegments,
      concat: options.concat ?? DEFAULT_BUDGET.concat,
      transliterate: options.transliterate ?? DEFAULT_BUDGET.transliterate,
    },
  };
}

/** Everything the relay's config says about rendering; `concat` of the carrier that will send. */
export function renderOptionsFromConfig(config: Config, concat?: ConcatMethod): RenderOptions {
  const firstCarrier = config.carriers[config.routes[0]?.carriers[0] ?? ''];
  return {
    template: config.sms.template,
    templates: config.render.templates,
    recognisers: config.render.recognisers,
    condense: config.render.condense,
    urls: config.render.urls,
    maxSegments: config.sms.maxSegments,
    concat: concat ?? firstCarrier?.concat ?? 'udh8',
    transliterate: config.sms.transliterate,
  };
}
