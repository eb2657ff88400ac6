/** What a preset builds, and its helpers. */
import { ResolveError } from '../resolve-error.js';
import type { HttpCarrierConfig } from '../schema.js';
import type { HttpCarrierSpec, VerifyType, WebhookSpec } from '../spec.js';

/** A preset's webhook: everything but where it is (the operator's URL) and the secret. */
export type PresetWebhook = Omit<WebhookSpec, 'url' | 'verify'> & { verify: VerifyType };
export type PresetSpec = Omit<HttpCarrierSpec, 'webhook'> & { webhook: PresetWebhook };
export type PresetInput = HttpCarrierConfig;

/** A key the schema already requires for this preset. */
export function need(config: PresetInput, key: keyof PresetInput & string): string {
  const value = config[key];
  if (typeof value !== 'string' || value === '') throw new ResolveError([key], `required by preset ${config.preset}`);
  return value;
}

/** Text placed into a template as it is: braces doubled so they are not placeholders. */
export function literal(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}

/** A base URL without its trailing slash, as template text. */
export function baseUrl(url: string): string {
  return literal(url.replace(/\/+$/, ''));
}
