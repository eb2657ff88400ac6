/**
 * Templates are data, not code: `{name}` is replaced by a value, `{name|a=x|b=y}` by x when the
 * value is a, y when it is b (`*=z` for anything else; the value itself when nothing matches),
 * and `{{` / `}}` are literal braces. Nothing is evaluated.
 *
 *   type: "{encoding|gsm7=text|ucs2=unicode}"     → Vonage's type
 *   coding: "{encoding|gsm7=0|ucs2=2}"            → Kannel's coding
 */
import type { JsonTemplate } from './spec.js';

export type TemplateValue = string | number | boolean;
export type TemplateValues = Record<string, TemplateValue>;

const TOKEN = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)((?:\|[^|{}]*)*)\}/g;
const WHOLE = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export class TemplateError extends Error {
  constructor(readonly placeholder: string, message: string) {
    super(message);
  }
}

/** Names of the placeholders a template uses. */
export function placeholders(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(TOKEN)) if (m[1] !== undefined) names.push(m[1]);
  return names;
}

/**
 * Renders a string template. `escape` is applied to substituted values only, never to the
 * template's own text: a URL template keeps its literal `%d` while `{text}` is percent-encoded.
 */
export function renderText(template: string, values: TemplateValues, escape: (s: string) => string = (s) => s): string {
  return template.replace(TOKEN, (token, name: string | undefined, maps: string | undefined) => {
    if (name === undefined) return token === '{{' ? '{' : '}';
    return escape(lookup(name, maps ?? '', values));
  });
}

/**
 * Renders a JSON template. A string that is exactly one placeholder keeps the value's type
 * (`"{parts}"` → 2, `"{receipt}"` → true); an object key whose value renders to "" is left out,
 * so optional fields such as a callback URL vanish when not configured.
 */
export function renderJson(template: JsonTemplate, values: TemplateValues): JsonTemplate | undefined {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) {
      const value = valueOf(whole[1]!, values);
      return value === '' ? undefined : value;
    }
    const text = renderText(template, values);
    return text === '' ? undefined : text;
  }
  if (Array.isArray(template)) {
    return template.map((item) => renderJson(item, values)).filter((item): item is JsonTemplate => item !== undefined);
  }
  if (template !== null && typeof template === 'object') {
    const out: Record<string, JsonTemplate> = {};
    for (const [key, item] of Object.entries(template)) {
      const rendered = renderJson(item, values);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return template;
}

/** Every string leaf of a JSON template, for validation. */
export function templateStrings(template: JsonTemplate): string[] {
  if (typeof template === 'string') return [template];
  if (Array.isArray(template)) return template.flatMap(templateStrings);
  if (template !== null && typeof template === 'object') return Object.values(template).flatMap(templateStrings);
  return [];
}

function lookup(name: string, maps: string, values: TemplateValues): string {
  const value = String(valueOf(name, values));
  if (maps === '') return value;
  let fallback: string | undefined;
  for (const entry of maps.slice(1).split('|')) {
    const eq = entry.indexOf('=');
    if (eq < 0) throw new TemplateError(name, `{${name}${maps}}: "${entry}" is not key=value`);
    const key = entry.slice(0, eq);
    if (key === '*') fallback = entry.slice(eq + 1);
    else if (key === value) return entry.slice(eq + 1);
  }
  return fallback ?? value;
}

function valueOf(name: string, values: TemplateValues): TemplateValue {
  if (!Object.hasOwn(values, name)) throw new TemplateError(name, `unknown placeholder {${name}}`);
  return values[name]!;
}
