import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

type Tree = Record<string, unknown>;

/** Carrier keys that hold credentials (SMPP and the HTTP presets). */
const CARRIER_SECRETS = ['password', 'authToken', 'apiKey', 'apiSecret', 'apiToken', 'signatureSecret', 'signingSecret'] as const;

/**
 * Environment overrides, applied to the raw YAML before validation so their errors name the key.
 * Each secret can also come from a file (`<VAR>_FILE`), the Docker/Kubernetes secrets convention.
 *
 *   REDIS_URL, SMTP2SMS_SMTP_PORT, SMTP2SMS_HTTP_PORT, SMTP2SMS_HTTP_TOKEN
 *   SMTP2SMS_CARRIER_<NAME>_<SECRET>         a carrier secret: PASSWORD, AUTHTOKEN, APIKEY, APISECRET,
 *                                            APITOKEN, SIGNATURESECRET, SIGNINGSECRET (name upper case, - as _)
 *   SMTP2SMS_SMTP_USER_<USERNAME>_PASSWORD   password of SMTP AUTH user <username>
 */
export function applyEnvironment(config: Tree, env: NodeJS.ProcessEnv): Tree {
  const redisUrl = secret(env, 'REDIS_URL');
  if (redisUrl !== undefined) section(config, 'redis').url = redisUrl;
  const smtpPort = env.SMTP2SMS_SMTP_PORT;
  if (smtpPort !== undefined) section(config, 'smtp').port = port(smtpPort, 'SMTP2SMS_SMTP_PORT');
  const httpPort = env.SMTP2SMS_HTTP_PORT;
  if (httpPort !== undefined) section(config, 'http').port = port(httpPort, 'SMTP2SMS_HTTP_PORT');
  const httpToken = secret(env, 'SMTP2SMS_HTTP_TOKEN');
  if (httpToken !== undefined) section(config, 'http').token = httpToken;

  const carriers = config.carriers;
  if (isTree(carriers)) {
    for (const [name, carrier] of Object.entries(carriers)) {
      if (!isTree(carrier)) continue;
      for (const key of CARRIER_SECRETS) {
        const value = secret(env, `SMTP2SMS_CARRIER_${envName(name)}_${envName(key)}`);
        if (value !== undefined) carrier[key] = value;
      }
    }
  }
  const users = isTree(config.smtp) && isTree(config.smtp.auth) ? config.smtp.auth.users : undefined;
  if (Array.isArray(users)) {
    for (const user of users) {
      if (!isTree(user) || typeof user.username !== 'string') continue;
      const password = secret(env, `SMTP2SMS_SMTP_USER_${envName(user.username)}_PASSWORD`);
      if (password !== undefined) user.password = password;
    }
  }
  return config;
}

function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (cause) {
      throw new ConfigError('SECRET_FILE_UNREADABLE', `${name}_FILE: cannot read ${file}`, { cause });
    }
  }
  return env[name];
}

function port(value: string, name: string): number {
  // Digits only: Number('') is 0 (a random port), and 0x19 or 1e3 are not how anyone writes a port.
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError('BAD_ENV', `${name}: "${value}" is not a port number`);
  return n;
}

function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function section(config: Tree, key: string): Tree {
  const existing = config[key];
  if (isTree(existing)) return existing;
  const created: Tree = {};
  config[key] = created;
  return created;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
