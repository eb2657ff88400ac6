/**
 * OutboundSms + spec → one HTTP request. Pure. HTTP APIs concatenate themselves, so the whole
 * text goes in one request; the segment count is still computed (for `{parts}`, limits, metrics).
 */
import type { OutboundSms } from '../carrier.js';
import type { HttpAuth, HttpCarrierSpec, WebhookSpec } from './spec.js';
import { renderJson, renderText, type TemplateValues } from './template.js';

export interface BuiltRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /**
   * The credentials as this request carries them, derived forms included (Basic auth's base64
   * pair appears nowhere in the config): for scrubbing a reply that quotes the request back.
   */
  credentials: string[];
}

/** Placeholders every template may use, besides the spec's `vars`. */
export const MESSAGE_PLACEHOLDERS = [
  'to', 'to_digits', 'from', 'from_digits', 'text', 'id', 'parts', 'encoding', 'units', 'dcs', 'unicode',
  'receipt', 'validity_seconds', 'validity_minutes', 'validity_ms', 'webhook_url',
] as const;

export function messageValues(
  spec: HttpCarrierSpec,
  sms: OutboundSms,
  options: { from?: string; parts: number; now: number },
): TemplateValues {
  const from = options.from ?? sms.from;
  const left = sms.validUntil !== undefined ? Math.max(0, sms.validUntil - options.now) : undefined;
  const values: TemplateValues = {
    ...spec.vars,
    to: sms.to,
    to_digits: sms.to.replace(/^\+/, ''),
    from,
    from_digits: /^\+\d+$/.test(from) ? from.slice(1) : from,
    text: sms.sms.text,
    id: sms.id,
    parts: options.parts,
    encoding: sms.sms.encoding,
    units: sms.sms.units,
    dcs: sms.sms.dataCoding,
    unicode: sms.sms.encoding === 'ucs2',
    receipt: sms.wantReceipt,
    validity_seconds: left !== undefined ? Math.max(1, Math.floor(left / 1000)) : '',
    validity_minutes: left !== undefined ? Math.max(1, Math.floor(left / 60_000)) : '',
    validity_ms: left !== undefined ? Math.max(1, left) : '',
    webhook_url: '',
  };
  values.webhook_url = spec.webhook && sms.wantReceipt ? webhookUrl(spec.webhook, values) : '';
  return values;
}

/** The status-callback URL for one message: the public URL, the token, then the spec's query. */
export function webhookUrl(webhook: WebhookSpec, values: TemplateValues): string {
  const pairs: string[] = [];
  if (webhook.verify.type === 'token' && webhook.verify.secret) {
    pairs.push(`${encodeURIComponent(webhook.verify.tokenParam)}=${encodeURIComponent(webhook.verify.secret)}`);
  }
  for (const [key, template] of Object.entries(webhook.query)) {
    const value = renderText(template, values, encodeURIComponent);
    if (value !== '') pairs.push(`${encodeURIComponent(key)}=${value}`);
  }
  if (pairs.length === 0) return webhook.url;
  return `${webhook.url}${webhook.url.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

export function buildRequest(spec: HttpCarrierSpec, values: TemplateValues): BuiltRequest {
  const { request } = spec;
  const url = new URL(renderText(request.url, values, encodeURIComponent));
  for (const [key, template] of Object.entries(request.query)) {
    const value = renderText(template, values);
    if (value !== '') url.searchParams.append(key, value);
  }
  const headers: Record<string, string> = { 'user-agent': 'smtp2sms' };
  for (const [key, template] of Object.entries(request.headers)) {
    const value = renderText(template, values);
    if (value !== '') headers[key.toLowerCase()] = value;
  }
  const auth = authHeaders(request.auth, values);
  Object.assign(headers, auth);
  const built: BuiltRequest = { method: request.method, url, headers, credentials: credentialForms(auth) };
  if (request.body.format === 'json') {
    built.body = JSON.stringify(renderJson(request.body.fields, values) ?? {});
    headers['content-type'] ??= 'application/json';
  } else if (request.body.format === 'form') {
    const form = new URLSearchParams();
    for (const [key, template] of Object.entries(request.body.fields)) {
      const value = renderJson(template, values);
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
    }
    built.body = form.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  headers.accept ??= 'application/json, text/plain;q=0.9, */*;q=0.5';
  return built;
}

function authHeaders(auth: HttpAuth, values: TemplateValues): Record<string, string> {
  switch (auth.type) {
    case 'none': return {};
    case 'basic': {
      const user = renderText(auth.username, values);
      const pass = renderText(auth.password, values);
      return { authorization: `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}` };
    }
    case 'bearer': return { authorization: `Bearer ${renderText(auth.token, values)}` };
    case 'header': return { [auth.name.toLowerCase()]: renderText(auth.token, values) };
  }
}

/** An auth header's value, and its token alone (`Basic dXNlcjpwYXNz` → `dXNlcjpwYXNz`). */
function credentialForms(auth: Record<string, string>): string[] {
  return Object.values(auth).flatMap((value) => {
    const token = /^\S+\s+(\S.*)$/.exec(value)?.[1];
    return token !== undefined ? [value, token] : [value];
  });
}

/** Where a request goes, for logs: never the query string (Kannel puts the password there). */
export function describeTarget(request: BuiltRequest): string {
  return `${request.method} ${request.url.origin}${request.url.pathname}`;
}
