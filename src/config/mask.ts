/** Keys whose string values are secrets, wherever they appear (`X-API-Key`, `pwd`, `signatureSecret`...). */
const SECRET_KEY = /pass(word)?|pwd|secret|token|api[-_]?key|credential|authorization/i;
/** A value that is a credential whatever its key: an Authorization header value. */
const SECRET_VALUE = /^(bearer|basic|digest|token)\s+\S/i;
/** Sections whose every value may be a secret: a preset's variables are account data. */
const SECRET_SECTION = /^vars$/i;

/** A copy of the config safe to print or log: secrets replaced, URL credentials hidden. */
export function maskSecrets<T>(value: T): T {
  return mask(value, '', false) as T;
}

function mask(value: unknown, key: string, secretSection: boolean): unknown {
  if (typeof value === 'string') {
    if (value !== '' && (secretSection || SECRET_KEY.test(key) || SECRET_VALUE.test(value))) return '********';
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string) => `${scheme}********@`);
  }
  if (Array.isArray(value)) return value.map((item) => mask(item, key, secretSection));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k, secretSection || SECRET_SECTION.test(k))]));
  }
  return value;
}
