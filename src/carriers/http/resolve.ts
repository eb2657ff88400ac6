/**
 * Config → HttpCarrierSpec: start from the preset (or an empty generic spec), lay the operator's
 * `request`, `response` and `webhook` over it, then check every template and path so that a typo
 * is reported at check-config, naming its key, not when the first alert is sent.
 */
import type { HttpErrorRule } from '../../delivery/rules/http-status.js';
import { assertPath } from './json-path.js';
import { buildPreset, type PresetSpec } from './presets/index.js';
import { MESSAGE_PLACEHOLDERS } from './request.js';
import { ResolveError } from './resolve-error.js';
import type { HttpCarrierConfig } from './schema.js';
import type { HttpCarrierSpec, WebhookSpec, WebhookVerifySpec } from './spec.js';
import { ed25519PublicKey } from './verify/token-providers.js';
import { VERIFY_KEYS } from './presets/meta.js';
import { placeholders, renderText, templateStrings, TemplateError, type TemplateValues } from './template.js';

const ALL_2XX = Array.from({ length: 100 }, (_, i) => 200 + i);

function genericSpec(): PresetSpec {
  return {
    request: { method: 'POST', url: '', query: {}, headers: {}, auth: { type: 'none' }, body: { format: 'none', fields: {} } },
    response: { success: { status: ALL_2XX }, messageId: { ours: true }, reason: [], errors: [] },
    webhook: { query: {}, verify: 'token', id: '', status: '', statuses: {} },
    vars: {},
  };
}

export function resolveHttpSpec(config: HttpCarrierConfig): HttpCarrierSpec {
  const base = config.preset ? buildPreset(config.preset, config) : genericSpec();
  const { request: r, response: s } = config;
  const spec: HttpCarrierSpec = {
    request: {
      ...base.request,
      ...(r?.method ? { method: r.method } : {}),
      ...(r?.url ? { url: r.url } : {}),
      query: { ...base.request.query, ...r?.query },
      headers: { ...base.request.headers, ...r?.headers },
      ...(r?.auth ? { auth: r.auth } : {}),
      ...(r?.body ? { body: { format: r.body.format, fields: r.body.fields as HttpCarrierSpec['request']['body']['fields'] } } : {}),
    },
    response: {
      success: s?.success
        ? { status: list(s.success.status) ?? base.response.success.status, ...optional('field', s.success.field ?? base.response.success.field), ...optional('equals', list(s.success.equals) ?? base.response.success.equals) }
        : base.response.success,
      messageId: s?.messageId ?? base.response.messageId,
      reason: list(s?.reason) ?? base.response.reason,
      errors: [...(s?.errors ?? []).map(toRule), ...base.response.errors],
    },
    vars: { ...base.vars, ...config.vars },
  };
  if (config.webhook) spec.webhook = resolveWebhook(config, base.webhook);
  validate(spec);
  return spec;
}

function resolveWebhook(config: HttpCarrierConfig, base: PresetSpec['webhook']): WebhookSpec {
  const w = config.webhook!;
  const type = w.verify ?? base.verify;
  const verify: WebhookVerifySpec = { type, tokenParam: w.tokenParam ?? 'token', toleranceSeconds: w.toleranceSeconds ?? 300 };
  const secretKey = VERIFY_KEYS[type][0];
  const secret = type === 'token' ? w.token : type === 'telnyx' || secretKey === undefined ? undefined : config[secretKey];
  if (type === 'telnyx') {
    if (!config.publicKey) throw new ResolveError(['publicKey'], 'needed to verify telnyx webhooks');
    try {
      ed25519PublicKey(config.publicKey);
    } catch (err) {
      throw new ResolveError(['publicKey'], `not an Ed25519 public key: ${(err as Error).message}`);
    }
    verify.publicKey = config.publicKey;
  } else if (!secret) {
    throw new ResolveError(type === 'token' || secretKey === undefined ? ['webhook', 'token'] : [secretKey], `needed to verify webhooks with verify: ${type}`);
  } else {
    verify.secret = secret;
  }
  if (type === 'vonage') {
    if (config.signatureMethod) verify.signatureMethod = config.signatureMethod;
    if (config.apiKey) verify.apiKey = config.apiKey;
  }
  const spec: WebhookSpec = {
    url: w.url,
    query: { ...base.query, ...w.query },
    verify,
    id: w.id ?? base.id,
    status: w.status ?? base.status,
    statuses: Object.fromEntries(Object.entries({ ...base.statuses, ...w.statuses }).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const items = w.items ?? base.items;
  const err = w.err ?? base.err;
  const receiptText = w.receiptText ?? base.receiptText;
  const filter = w.filter ? { field: w.filter.field, equals: list(w.filter.equals)! } : base.filter;
  if (items !== undefined) spec.items = items;
  if (err !== undefined) spec.err = err;
  if (receiptText !== undefined) spec.receiptText = receiptText;
  if (filter !== undefined) spec.filter = filter;
  if (!spec.id) throw new ResolveError(['webhook', 'id'], 'where the message id is in the webhook payload');
  if (!spec.status) throw new ResolveError(['webhook', 'status'], 'where the status word is in the webhook payload');
  if (Object.keys(spec.statuses).length === 0) throw new ResolveError(['webhook', 'statuses'], 'which status words mean which receipt stat');
  return spec;
}

function validate(spec: HttpCarrierSpec): void {
  const known = new Set<string>([...MESSAGE_PLACEHOLDERS, ...Object.keys(spec.vars)]);
  const sample: TemplateValues = Object.fromEntries([...known].map((name) => [name, name === 'to' ? '+15555550100' : name]));
  const check = (path: (string | number)[], template: string) => {
    for (const name of placeholders(template)) {
      if (!known.has(name)) throw new ResolveError(path, `unknown placeholder {${name}} (known: ${[...known].sort().join(', ')})`);
    }
    try {
      renderText(template, sample);
    } catch (err) {
      if (err instanceof TemplateError) throw new ResolveError(path, err.message);
      throw err;
    }
  };
  const { request, response, webhook } = spec;
  check(['request', 'url'], request.url);
  let url: URL;
  try {
    url = new URL(renderText(request.url, sample, encodeURIComponent));
  } catch {
    throw new ResolveError(['request', 'url'], `"${request.url}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ResolveError(['request', 'url'], 'must be http: or https:');
  for (const [key, t] of Object.entries(request.query)) check(['request', 'query', key], t);
  for (const [key, t] of Object.entries(request.headers)) check(['request', 'headers', key], t);
  for (const t of templateStrings(request.body.fields)) check(['request', 'body', 'fields'], t);
  if (request.auth.type === 'basic') check(['request', 'auth'], `${request.auth.username}:${request.auth.password}`);
  if (request.auth.type === 'bearer' || request.auth.type === 'header') check(['request', 'auth', 'token'], request.auth.token);
  if (request.body.format === 'form') {
    for (const [key, value] of Object.entries(request.body.fields)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) throw new ResolveError(['request', 'body', 'fields', key], 'form fields are text (or a list of texts)');
    }
  }
  const paths: [(string | number)[], string | undefined][] = [
    [['response', 'success', 'field'], response.success.field],
    [['response', 'messageId', 'json'], 'json' in response.messageId ? response.messageId.json : undefined],
    ...response.reason.map((p, i): [(string | number)[], string] => [['response', 'reason', i], p]),
    ...response.errors.map((rule, i): [(string | number)[], string | undefined] => [['response', 'errors', i, 'field'], rule.field]),
  ];
  if (webhook) {
    for (const [key, t] of Object.entries(webhook.query)) check(['webhook', 'query', key], t);
    paths.push([['webhook', 'items'], webhook.items], [['webhook', 'id'], webhook.id], [['webhook', 'status'], webhook.status], [['webhook', 'err'], webhook.err], [['webhook', 'receiptText'], webhook.receiptText], [['webhook', 'filter', 'field'], webhook.filter?.field]);
  }
  for (const [path, value] of paths) {
    if (value === undefined || value === '$body') continue;
    try {
      assertPath(value);
    } catch (err) {
      throw new ResolveError(path, (err as Error).message);
    }
  }
}

function toRule(rule: NonNullable<NonNullable<HttpCarrierConfig['response']>['errors']>[number]): HttpErrorRule {
  const out: HttpErrorRule = { outcome: rule.outcome, code: rule.code, dsnStatus: rule.dsnStatus, subject: rule.subject };
  if (rule.status !== undefined) out.status = list(rule.status)!;
  if (rule.field !== undefined) out.field = rule.field;
  if (rule.equals !== undefined) out.equals = list(rule.equals)!;
  if (rule.contains !== undefined) out.contains = rule.contains;
  if (rule.retryAfterMs !== undefined) out.retryAfterMs = rule.retryAfterMs;
  return out;
}

function list<T>(value: T | T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
