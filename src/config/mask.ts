/**
 * Keys whose string values are secrets, wherever they appear (`X-API-Key`, `X-Auth-Key`, `pwd`,
 * `signatureSecret`, a query parameter `key` or `sig`...).
 */
const SECRET_KEY = /pass(word)?|pwd|secret|token|api[-_]?key|credential|auth|^key$|^sig(nature)?$/i;
/** Keys that name where a secret goes (`webhook.verify.tokenParam: token`), not a secret. */
const NAMES_A_PARAMETER = /Param$/;
/** A value that is a credential whatever its key: an Authorization header value. */
const SECRET_VALUE = /^(bearer|basic|digest|token)\s+\S/i;
/** Sections whose every value may be a secret: a preset's variables are account data. */
const SECRET_SECTION = /^vars$/i;
const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i;
/**
 * The userinfo of a URL: everything up to the last `@` before the path, as WHATWG URL and ioredis
 * read it (a password may hold an unencoded `@`).
 */
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
const QUERY_PARAM = /([?&])([^=&#]*)=([^&#]*)/g;
/** A template placeholder such as `{password}` names a secret without being one. */
const PLACEHOLDER = /^\{[\w.]+\}$/;
const MASK = '********';

/** A copy of the config safe to print or log: secrets replaced, URL credentials hidden. */
export function maskSecrets<T>(value: T): T {
  return mask(value, '', false) as T;
}

function mask(value: unknown, key: string, secretSection: boolean): unknown {
  if (typeof value === 'string') {
    const secretKey = SECRET_KEY.test(key) && !NAMES_A_PARAMETER.test(key);
    if (value !== '' && (secretSection || secretKey || SECRET_VALUE.test(value))) return MASK;
    return URL_START.test(value) ? maskUrl(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => mask(item, key, secretSection));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k, secretSection || SECRET_SECTION.test(k))]));
  }
  return value;
}

/**
 * The secret values in `value` (a carrier's config, say), as `maskSecrets` finds them: what it
 * would hide whole. For scrubbing text that may quote them back, such as a provider's error reply.
 */
export function secretValues(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (original: unknown, masked: unknown): void => {
    if (typeof original === 'string') {
      if (masked === MASK && original !== MASK) found.add(original);
    } else if (Array.isArray(original) && Array.isArray(masked)) {
      original.forEach((item, i) => walk(item, masked[i]));
    } else if (typeof original === 'object' && original !== null && typeof masked === 'object' && masked !== null) {
      for (const [k, v] of Object.entries(original)) walk(v, (masked as Record<string, unknown>)[k]);
    }
  };
  walk(value, maskSecrets(value));
  return [...found];
}

/** Hides a URL's credentials: its userinfo, and query parameters named like secrets (`?password=`). */
function maskUrl(url: string): string {
  return url
    .replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${MASK}@`)
    .replace(QUERY_PARAM, (param, separator: string, name: string, value: string) =>
      value !== '' && !PLACEHOLDER.test(value) && SECRET_KEY.test(safeDecode(name)) ? `${separator}${name}=${MASK}` : param);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
