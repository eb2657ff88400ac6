/**
 * Reading a provider's reply: parse the body, decide success as the spec says, and pull out the
 * carrier's message id(s). Pure.
 */
import { header, type HttpReply } from '../../delivery/classify-http.js';
import { getTexts } from './json-path.js';
import type { HttpResponseSpec } from './spec.js';
import type { RawReply } from './transport.js';

/** JSON when it says so or looks like it, form when it says so; otherwise text only. */
export function parseBody(contentType: string | undefined, text: string): unknown {
  const type = (contentType ?? '').toLowerCase();
  const trimmed = text.trim();
  if (type.includes('json') || ((type === '' || type.startsWith('text/')) && /^[[{]/.test(trimmed))) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) return formObject(new URLSearchParams(text));
  return undefined;
}

/** First value per key; a later duplicate does not override. Null prototype: keys are data. */
export function formObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}

export function readReply(raw: RawReply): HttpReply {
  return { status: raw.status, headers: raw.headers, doc: parseBody(header(raw.headers, 'content-type'), raw.text), text: raw.text };
}

export function isSuccess(spec: HttpResponseSpec, reply: HttpReply): boolean {
  if (!spec.success.status.includes(reply.status)) return false;
  const { field, equals } = spec.success;
  if (field === undefined || equals === undefined) return true;
  const values = field === '$body' ? [reply.text.trim()] : getTexts(reply.doc, field);
  const wanted = equals.map((e) => e.toLowerCase());
  return values.length > 0 && values.every((v) => wanted.includes(v.toLowerCase()));
}

/** The carrier's ids for the message (several when the provider splits and numbers parts itself). */
export function messageIds(spec: HttpResponseSpec, reply: HttpReply, ourId: string): string[] {
  const source = spec.messageId;
  if ('ours' in source) return [ourId];
  if ('header' in source) {
    const value = header(reply.headers, source.header);
    return value ? [value] : [];
  }
  return getTexts(reply.doc, source.json).filter((id) => id !== '');
}
