/** What the preset tests need from each provider's fake. */
import { resolveHttpSpec } from '../../../src/carriers/http/index.js';
import { httpCarrierSchema } from '../../../src/carriers/http/schema.js';
import type { FakeHandler, RecordedRequest } from './server.js';
import type { Scenario } from './numbers.js';

/** The message every preset test sends (its `to` varies by scenario). */
export interface SentMessage {
  id: string;
  to: string;
  from: string;
  text: string;
  /** The configured public webhook URL; a token or per-message query is the fake's to expect. */
  webhookUrl: string;
}

export interface ExpectedFailure {
  code: string;
  permanent: boolean;
  subject: 'number' | 'message' | 'carrier';
  retryAfterMs?: number;
}

export interface ProviderFake {
  preset: string;
  /** The carrier's config with its API host replaced by the fake's origin. */
  config(origin: string, webhookUrl: string): Record<string, unknown>;
  handler: FakeHandler;
  /** Checks the request field by field, as the provider documents it. */
  expectRequest(request: RecordedRequest, sent: SentMessage): void;
  /** The carrier ids the success answer carries. */
  ids: string[];
  failures: Record<Exclude<Scenario, 'ok'>, ExpectedFailure>;
}

/** A preset's config pointed at the fake: the same path and query, another origin. */
export function atOrigin(config: Record<string, unknown>, origin: string): Record<string, unknown> {
  const spec = resolveHttpSpec(httpCarrierSchema.parse(config));
  const url = spec.request.url.replace(/^https?:\/\/[^/]+/, origin);
  return { ...config, request: { ...(config.request as object | undefined), url } };
}

export function json(request: RecordedRequest): Record<string, unknown> {
  if (typeof request.json !== 'object' || request.json === null) throw new Error(`expected a JSON body, got ${request.body}`);
  return request.json as Record<string, unknown>;
}

export function form(request: RecordedRequest): Record<string, string> {
  if (!request.form) throw new Error(`expected a form body, got ${request.headers['content-type']}`);
  return Object.fromEntries(request.form);
}
