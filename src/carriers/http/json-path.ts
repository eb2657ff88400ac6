/**
 * A tiny path language for reading provider replies and webhooks, as data in YAML:
 * `sid`, `messages[0].message-id`, `data.payload.to[0].status`, `messages[*].status`.
 * Keys are anything but `.` and `[`; `[n]` indexes an array and `[*]` takes every element.
 * No expressions, no evaluation: a path only walks the parsed document.
 */

type Step = { key: string } | { index: number } | { all: true };

const cache = new Map<string, Step[]>();

export function parsePath(path: string): Step[] {
  const cached = cache.get(path);
  if (cached) return cached;
  const steps: Step[] = [];
  // A key, then any number of [n] / [*], then "." and the next key: `a.b[0][*].c`.
  const re = /([^.[\]]+)((?:\[(?:\d+|\*)\])*)(\.|$)/y;
  let match: RegExpExecArray | null;
  while (re.lastIndex < path.length && (match = re.exec(path)) !== null) {
    steps.push({ key: match[1]! });
    for (const index of match[2]!.matchAll(/\[(\d+|\*)\]/g)) steps.push(index[1] === '*' ? { all: true } : { index: Number(index[1]) });
    if (match[3] === '.' && re.lastIndex === path.length) break;
  }
  if (path === '' || re.lastIndex !== path.length || path.endsWith('.')) throw new Error(`bad path "${path}"`);
  if (cache.size > 1000) cache.clear();
  cache.set(path, steps);
  return steps;
}

/** Throws on a malformed path: called when the config is resolved, so the error names the key. */
export function assertPath(path: string): void {
  parsePath(path);
}

/** Every value the path reaches (several with `[*]`, none when a step is missing). */
export function getAll(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const step of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if ('key' in step) {
        if (isRecord(value) && Object.hasOwn(value, step.key)) next.push(value[step.key]);
      } else if (Array.isArray(value)) {
        if ('all' in step) next.push(...value);
        else if (step.index < value.length) next.push(value[step.index]);
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null);
}

/** The first value the path reaches, as text; undefined when absent or not a scalar. */
export function getText(doc: unknown, path: string): string | undefined {
  for (const value of getAll(doc, path)) {
    const text = scalarText(value);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Every scalar value the path reaches, as text. */
export function getTexts(doc: unknown, path: string): string[] {
  return getAll(doc, path).map(scalarText).filter((t): t is string => t !== undefined);
}

export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
