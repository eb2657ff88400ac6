const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential/i;

/** A copy of the config safe to print or log: secrets replaced, URL credentials hidden. */
export function maskSecrets<T>(value: T): T {
  return mask(value, '') as T;
}

function mask(value: unknown, key: string): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key)) return value === '' ? '' : '********';
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string) => `${scheme}********@`);
  }
  if (Array.isArray(value)) return value.map((item) => mask(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
  }
  return value;
}
