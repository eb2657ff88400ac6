import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { applyEnvironment } from './environment.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'config/default.yaml';

/** Reads, merges environment overrides into, and validates a YAML config file. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read config file ${file}: ${(cause as Error).message}`, { cause });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (cause) {
    throw new ConfigError('CONFIG_NOT_YAML', `${file} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(raw, env, file);
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}, source = 'config'): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('CONFIG_NOT_MAPPING', `${source}: the top level must be a mapping of sections`);
  }
  const merged = applyEnvironment(structuredClone(raw) as Record<string, unknown>, env);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError('CONFIG_INVALID', `${source} is invalid:\n${formatIssues(result.error.issues)}`);
  }
  return result.data;
}

/** One line per problem, each naming the key, e.g. `carriers.primary.port: expected number`. */
function formatIssues(issues: z.core.$ZodIssue[]): string {
  const keyOf = (path: PropertyKey[]) => path.map(String).join('.') || '(top level)';
  return issues
    .flatMap((issue) =>
      // One line per unknown key, named in full (`smtp.prot`), so a typo is found by its name.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `  - ${keyOf([...issue.path, key])}: unknown key`)
        : [`  - ${keyOf(issue.path)}: ${issue.message}`],
    )
    .join('\n');
}
