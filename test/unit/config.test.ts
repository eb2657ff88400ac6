import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { applyEnvironment } from '../../src/config/environment.js';
import { loadConfigFile, parseConfig } from '../../src/config/load.js';
import { maskSecrets } from '../../src/config/mask.js';
import { ConfigError } from '../../src/errors.js';

const MINIMUM = {
  carriers: { primary: { type: 'smpp', systemId: 'smtp2sms' } },
  routes: [{ match: '*', carriers: ['primary'] }],
};

function withMinimum(extra: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(MINIMUM), ...extra };
}

/** The ConfigError thrown by `fn`, failing the test if there is none. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const tmp = mkdtempSync(join(tmpdir(), 'smtp2sms-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('defaults', () => {
  // toMatchObject: a new option with a default must not break these; a changed default must.
  it('fills every section from just carriers and routes', () => {
    const config = parseConfig(MINIMUM);
    expect(config.smtp).toMatchObject({
      host: '127.0.0.1', port: 2525, hostname: 'smtp2sms.localhost', domains: ['sms.localhost'],
      maxMessageBytes: 10 * 1024 * 1024, maxRecipients: 100, maxClients: 500, socketTimeout: 60_000,
      auth: { required: false, users: [] }, clients: ['127.0.0.0/8', '::1/128'], senders: [], reverseDns: false,
    });
    expect(config.smtp.tls).toBeUndefined();
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'smtp2sms' });
    expect(config.sms).toMatchObject({ defaultRegion: 'US', from: 'ALERTS', maxSegments: 3, template: '{subject}: {text}', numberValidation: 'possible' });
    expect(config.queue).toMatchObject({ concurrency: 50, attempts: 50, backoff: { initial: 5_000, max: 600_000 } });
    expect(config.delivery).toMatchObject({ validity: 3_600_000, smppStatus: {} });
    expect(config.simulator.enabled).toBe(false);
    expect(config.http).toMatchObject({ enabled: true, host: '127.0.0.1', port: 8025 });
    expect(config.logging).toMatchObject({ level: 'info', content: false });
  });

  it('fills a carrier from its type and system id', () => {
    expect(parseConfig(MINIMUM).carriers.primary).toMatchObject({
      type: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'smtp2sms', password: '', tls: false, bindMode: 'transceiver',
      window: 10, responseTimeout: 10_000, enquireLinkInterval: 30_000, reconnect: { initial: 1_000, max: 60_000 },
      throughputPerSecond: 0, gsmDataCoding: 0, concat: 'udh8', maxThrottleRetries: 20,
    });
  });

  it('fills the rest of a section that is partly given', () => {
    const config = parseConfig(withMinimum({ smtp: { port: 0 }, sms: { defaultRegion: 'de' } }));
    expect(config.smtp.port).toBe(0);
    expect(config.smtp.domains).toEqual(['sms.localhost']);
    expect(config.sms.defaultRegion).toBe('DE');
    expect(config.sms.maxSegments).toBe(3);
  });

  it('does not change the object it was given', () => {
    const raw = withMinimum({});
    const before = structuredClone(raw);
    parseConfig(raw, { REDIS_URL: 'redis://elsewhere:6379' });
    expect(raw).toEqual(before);
  });
});

describe('errors name the key', () => {
  const cases: [what: string, raw: unknown, line: string | RegExp][] = [
    ['a port that is not a number', withMinimum({ carriers: { primary: { type: 'smpp', systemId: 'x', port: 'abc' } } }), /^ {2}- carriers\.primary\.port: .*expected number/m],
    ['a port out of range', withMinimum({ carriers: { primary: { type: 'smpp', systemId: 'x', port: 70000 } } }), /^ {2}- carriers\.primary\.port: .*65535/m],
    ['an unknown key (a typo)', withMinimum({ smtp: { prot: 25 } }), '  - smtp.prot: unknown key'],
    ['an unknown top-level section', withMinimum({ smpt: {} }), '  - smpt: unknown key'],
    ['an unknown carrier key', withMinimum({ carriers: { primary: { type: 'smpp', systemId: 'x', sytemId: 'y' } } }), '  - carriers.primary.sytemId: unknown key'],
    ['a route naming an unknown carrier', withMinimum({ routes: [{ match: '*', carriers: ['backup'] }] }), '  - routes.0.carriers.0: no carrier named "backup" under carriers'],
    ['the second carrier of a route', withMinimum({ routes: [{ match: '+49', carriers: ['primary'] }, { match: '*', carriers: ['primary', 'nope'] }] }), /^ {2}- routes\.1\.carriers\.1: no carrier named "nope"/m],
    ['a route with both match and region', withMinimum({ routes: [{ match: '*', region: 'DE', carriers: ['primary'] }] }), /^ {2}- routes\.0: a route needs exactly one of match or region/m],
    ['a bad duration', withMinimum({ delivery: { validity: 'soon' } }), '  - delivery.validity: "soon" is not a duration (examples: 500ms, 30s, 15m, 1h)'],
    ['a carrier type we do not have', withMinimum({ carriers: { primary: { type: 'carrier-pigeon', systemId: 'x' } } }), /^ {2}- carriers\.primary\.type: /m],
    ['a missing system id', withMinimum({ carriers: { primary: { type: 'smpp' } } }), /^ {2}- carriers\.primary\.systemId: /m],
    ['a bad client network', withMinimum({ smtp: { clients: ['localhost'] } }), '  - smtp.clients.0: expected an address or CIDR like 10.0.0.0/8'],
    ['AUTH required with no users', withMinimum({ smtp: { auth: { required: true } } }), '  - smtp.auth.users: auth.required is true but no users are configured'],
    ['TLS with neither files nor selfSigned', withMinimum({ smtp: { tls: { key: 'k.pem' } } }), '  - smtp.tls: tls needs key and cert files, or selfSigned: true'],
    ['an unknown SMPP status override', withMinimum({ delivery: { smppStatus: { ESME_NOSUCH: { outcome: 'temporary' } } } }), /^ {2}- delivery\.smppStatus\.ESME_NOSUCH: unknown SMPP status "ESME_NOSUCH"/m],
    ['no carriers or routes', {}, /^ {2}- carriers: .*\n {2}- routes: /m],
    ['a dedup window longer than sent jobs are kept', withMinimum({ storm: { dedupWindow: '48h' } }), '  - storm.dedupWindow: at most 24h (how long sent jobs are kept to recognise a resend)'],
    ['a number of SMTP processes that is not a number or auto', withMinimum({ smtp: { processes: 'many' } }), /^ {2}- smtp\.processes: /m],
    // Each of these passed check-config, then failed at start (a stack trace) or on every message.
    ['a prefix length over 32 for IPv4', withMinimum({ smtp: { clients: ['127.0.0.1/8', '10.0.0.0/33'] } }), '  - smtp.clients.1: expected an address or CIDR like 10.0.0.0/8'],
    ['an IPv4 address out of range', withMinimum({ smtp: { clients: ['300.1.1.1'] } }), '  - smtp.clients.0: expected an address or CIDR like 10.0.0.0/8'],
    ['a non-ASCII sender id', withMinimum({ sms: { from: 'Überwachung' } }), /^ {2}- sms\.from: printable ASCII only/m],
    ['an unknown default region', withMinimum({ sms: { defaultRegion: 'ZZ' } }), /^ {2}- sms\.defaultRegion: not a region libphonenumber knows/m],
    ['an unknown route region', withMinimum({ routes: [{ region: 'XX', carriers: ['primary'] }] }), /^ {2}- routes\.0\.region: not a region libphonenumber knows/m],
    ['a route prefix written with 00', withMinimum({ routes: [{ match: '0049', carriers: ['primary'] }] }), /^ {2}- routes\.0\.match: a number prefix like \+4915/m],
    ['more recipients per transaction than one intake script takes', withMinimum({ smtp: { maxRecipients: 10_000 } }), '  - smtp.maxRecipients: at most 1000 (one script records them all)'],
    ['a route prefix with a space', withMinimum({ routes: [{ match: '+44 79', carriers: ['primary'] }] }), /^ {2}- routes\.0\.match: a number prefix like \+4915/m],
  ];

  it.each(cases)('%s', (_what, raw, line) => {
    const error = configError(() => parseConfig(raw));
    expect(error.code).toBe('CONFIG_INVALID');
    if (typeof line === 'string') expect(error.message.split('\n')).toContain(line);
    else expect(error.message).toMatch(line);
  });

  it('lists every problem, one line each', () => {
    const error = configError(() => parseConfig(withMinimum({ smtp: { prot: 25, port: -1 }, sms: { maxSegments: 0 } })));
    const lines = error.message.split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toMatch(/smtp\.prot: unknown key/);
    expect(lines.join('\n')).toMatch(/smtp\.port: /);
    expect(lines.join('\n')).toMatch(/sms\.maxSegments: /);
  });

  it('accepts SMPP status overrides by name and hex', () => {
    const config = parseConfig(withMinimum({ delivery: { smppStatus: { ESME_RSUBMITFAIL: { outcome: 'temporary' }, '0x400': { outcome: 'permanent', dsnStatus: '5.1.1' } } } }));
    expect(Object.keys(config.delivery.smppStatus)).toEqual(['ESME_RSUBMITFAIL', '0x400']);
  });

  it.each([[[]], [null], ['smtp: {}'], [42]])('refuses a top level that is not a mapping: %j', (raw) => {
    expect(configError(() => parseConfig(raw)).code).toBe('CONFIG_NOT_MAPPING');
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1.5s', 1_500],
    [' 2m ', 120_000],
    ['1500', 1_500],
    [1500, 1_500],
    [0, 0],
  ] as const)('%j is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['soon', '', 'ms', '5 s', '-5s', '10x', '1h and 5m', '1w'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('%d ms is not a duration', (n) => {
    expect(parseDuration(n)).toBeUndefined();
  });

  it('turns duration keys into milliseconds in the config', () => {
    const config = parseConfig(withMinimum({
      smtp: { socketTimeout: '45s' },
      delivery: { validity: '2h' },
      queue: { backoff: { initial: '250ms', max: '1m' } },
      carriers: { primary: { type: 'smpp', systemId: 'x', responseTimeout: 2500, reconnect: { initial: '1s', max: '30s' } } },
    }));
    expect(config.smtp.socketTimeout).toBe(45_000);
    expect(config.delivery.validity).toBe(7_200_000);
    expect(config.queue.backoff).toEqual({ initial: 250, max: 60_000 });
    expect(config.carriers.primary).toMatchObject({ responseTimeout: 2_500, reconnect: { initial: 1_000, max: 30_000 } });
  });
});

describe('environment overrides', () => {
  it('REDIS_URL replaces redis.url', () => {
    expect(parseConfig(withMinimum({ redis: { url: 'redis://file:6379' } }), { REDIS_URL: 'redis://env-host:6380/2' }).redis.url).toBe('redis://env-host:6380/2');
    expect(parseConfig(MINIMUM, { REDIS_URL: 'redis://env-host:6380' }).redis).toEqual({ url: 'redis://env-host:6380', prefix: 'smtp2sms' });
  });

  it('REDIS_URL_FILE reads the URL (it may hold a password) from a file', () => {
    const file = join(tmp, 'redis-url');
    writeFileSync(file, 'redis://:pw@vault:6379\n');
    expect(parseConfig(MINIMUM, { REDIS_URL_FILE: file }).redis.url).toBe('redis://:pw@vault:6379');
  });

  it('SMTP2SMS_SMTP_PORT and SMTP2SMS_HTTP_PORT replace the ports', () => {
    const config = parseConfig(withMinimum({ smtp: { port: 25 } }), { SMTP2SMS_SMTP_PORT: '2626', SMTP2SMS_HTTP_PORT: '0' });
    expect(config.smtp.port).toBe(2626);
    expect(config.http.port).toBe(0);
  });

  it.each(['smtp', '70000', '-1', '25.5', '', ' ', '0x19', '1e3'])('refuses SMTP2SMS_SMTP_PORT=%j, naming the variable', (value) => {
    const error = configError(() => parseConfig(MINIMUM, { SMTP2SMS_SMTP_PORT: value }));
    expect(error.code).toBe('BAD_ENV');
    expect(error.message).toBe(`SMTP2SMS_SMTP_PORT: "${value}" is not a port number`);
  });

  it('SMTP2SMS_CARRIER_PRIMARY_PASSWORD_FILE reads the carrier password from a file, trimmed', () => {
    const file = join(tmp, 'primary-password');
    writeFileSync(file, 'from-a-file\n');
    const config = parseConfig(withMinimum({ carriers: { primary: { type: 'smpp', systemId: 'x', password: 'in-yaml' } } }), {
      SMTP2SMS_CARRIER_PRIMARY_PASSWORD_FILE: file,
      SMTP2SMS_CARRIER_PRIMARY_PASSWORD: 'plain-env-loses-to-file',
    });
    expect(config.carriers.primary!.password).toBe('from-a-file');
  });

  it('SMTP2SMS_CARRIER_<NAME>_PASSWORD upper-cases the name and turns - into _', () => {
    const raw = withMinimum({
      carriers: { 'eu-smsc': { type: 'smpp', systemId: 'x' }, primary: { type: 'smpp', systemId: 'y', password: 'kept' } },
    });
    const config = parseConfig(raw, { SMTP2SMS_CARRIER_EU_SMSC_PASSWORD: 'eu-secret' });
    expect(config.carriers['eu-smsc']!.password).toBe('eu-secret');
    expect(config.carriers.primary!.password).toBe('kept');
  });

  it('SMTP2SMS_SMTP_USER_<USER>_PASSWORD sets an SMTP AUTH password', () => {
    const raw = withMinimum({ smtp: { auth: { required: true, users: [{ username: 'alerts', password: 'yaml' }, { username: 'ops', password: 'ops-yaml' }] } } });
    const config = parseConfig(raw, { SMTP2SMS_SMTP_USER_ALERTS_PASSWORD: 'env' });
    expect(config.smtp.auth.users).toEqual([{ username: 'alerts', password: 'env' }, { username: 'ops', password: 'ops-yaml' }]);
  });

  it('names the variable when a _FILE cannot be read', () => {
    const error = configError(() => parseConfig(MINIMUM, { SMTP2SMS_CARRIER_PRIMARY_PASSWORD_FILE: join(tmp, 'missing') }));
    expect(error.code).toBe('SECRET_FILE_UNREADABLE');
    expect(error.message).toContain('SMTP2SMS_CARRIER_PRIMARY_PASSWORD_FILE');
  });

  it('loadConfigFile applies the environment it is given', () => {
    const file = join(tmp, 'env.yaml');
    writeFileSync(file, 'carriers:\n  primary: { type: smpp, systemId: x }\nroutes:\n  - { match: "*", carriers: [primary] }\n');
    expect(loadConfigFile(file, { SMTP2SMS_SMTP_PORT: '0', REDIS_URL: 'redis://r:1' })).toMatchObject({ smtp: { port: 0 }, redis: { url: 'redis://r:1' } });
  });
});

describe('maskSecrets', () => {
  const config = parseConfig(withMinimum({
    redis: { url: 'redis://default:hunter2@redis.internal:6379/0' },
    carriers: { primary: { type: 'smpp', systemId: 'smtp2sms', password: 'carrier-pw' }, empty: { type: 'smpp', systemId: 'e' } },
    smtp: { auth: { required: true, users: [{ username: 'alerts', password: 'smtp-pw' }] } },
  }));
  const masked = maskSecrets(config);
  const printed = JSON.stringify(masked);

  it('hides passwords and URL credentials', () => {
    expect(printed).not.toContain('hunter2');
    expect(printed).not.toContain('carrier-pw');
    expect(printed).not.toContain('smtp-pw');
    expect(masked.redis.url).toBe('redis://********@redis.internal:6379/0');
    expect(masked.carriers.primary!.password).toBe('********');
    expect(masked.smtp.auth.users[0]).toEqual({ username: 'alerts', password: '********' });
  });

  it('leaves everything else as it was', () => {
    expect(masked.carriers.empty!.password).toBe(''); // nothing to hide: showing that it is empty helps
    expect(masked.carriers.primary).toMatchObject({ systemId: 'smtp2sms' });
    expect(masked.redis.prefix).toBe('smtp2sms');
    expect({ ...masked, redis: config.redis, carriers: config.carriers, smtp: { ...masked.smtp, auth: config.smtp.auth } }).toEqual(config);
  });

  it('does not change the config it was given', () => {
    expect(config.redis.url).toBe('redis://default:hunter2@redis.internal:6379/0');
    expect(config.carriers.primary!.password).toBe('carrier-pw');
  });

  it.each([
    ['redis://:only-pw@h:6379', 'redis://********@h:6379'],
    ['rediss://user:pw@h', 'rediss://********@h'],
    ['redis://h:6379', 'redis://h:6379'],
    ['http://example.com/a@b', 'http://example.com/a@b'],
    // ioredis reads the password up to the last @ before the host, and from the query.
    ['redis://default:p@ss@h:6379/0', 'redis://********@h:6379/0'],
    ['redis://h:6379/0?password=s3cret&db=1', 'redis://h:6379/0?password=********&db=1'],
    ['http://kannel:13013/cgi-bin/sendsms?username=relay&password=K4nnel&to={to}', 'http://kannel:13013/cgi-bin/sendsms?username=relay&password=********&to={to}'],
    ['https://api.example/send?api_key=abc&sig=def&text={text}', 'https://api.example/send?api_key=********&sig=********&text={text}'],
    ['https://api.example/send?password={password}', 'https://api.example/send?password={password}'],
  ])('masks %s as %s', (url, expected) => {
    expect(maskSecrets({ url })).toEqual({ url: expected });
  });

  it('hides what an HTTP carrier carries in headers, query parameters and preset variables', () => {
    const carrier = { request: { headers: { Authorization: 'Bearer abc.def', 'X-Client': 'smtp2sms', Forward: 'Basic dXNlcjpwdw==', 'X-Auth-Key': 'hdr-secret' }, query: { pwd: 'kannel-pw', user: 'relay', key: 'query-key' } }, vars: { account: 'AC123' } };
    expect(maskSecrets(carrier)).toEqual({ request: { headers: { Authorization: '********', 'X-Client': 'smtp2sms', Forward: '********', 'X-Auth-Key': '********' }, query: { pwd: '********', user: 'relay', key: '********' } }, vars: { account: '********' } });
  });

  it.each(['password', 'apiKey', 'api_key', 'token', 'clientSecret', 'credentials', 'pwd', 'authorization', 'signatureSecret'])('hides a value under the key %s', (key) => {
    expect(maskSecrets({ nested: [{ [key]: 'x' }] })).toEqual({ nested: [{ [key]: '********' }] });
  });

  it('shows a key that names where the secret goes, and still hides the secret', () => {
    expect(maskSecrets({ verify: { type: 'token', tokenParam: 'token', secret: 's3cr3t-webhook' } })).toEqual({ verify: { type: 'token', tokenParam: 'token', secret: '********' } });
  });
});

describe('config files', () => {
  it('config/default.yaml loads and runs with the built-in simulator', () => {
    const config = loadConfigFile('config/default.yaml', {});
    expect(config.smtp).toMatchObject({ host: '127.0.0.1', port: 2525, domains: ['sms.localhost'], tls: { selfSigned: true, dir: 'var/tls' } });
    expect(config.simulator).toMatchObject({ enabled: true, port: 2775 });
    expect(config.carriers.primary).toMatchObject({ type: 'smpp', host: '127.0.0.1', port: 2775 });
    expect(config.routes).toEqual([{ match: '*', carriers: ['primary'] }]);
    expect(config.delivery.validity).toBe(3_600_000);
    expect(config.http.port).toBe(8025);
  });

  it('names the file when it cannot be read', () => {
    const error = configError(() => loadConfigFile(join(tmp, 'nope.yaml'), {}));
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.message).toContain('nope.yaml');
  });

  it('names the file when it is not YAML', () => {
    const file = join(tmp, 'broken.yaml');
    writeFileSync(file, 'smtp: [unclosed\n');
    const error = configError(() => loadConfigFile(file, {}));
    expect(error.code).toBe('CONFIG_NOT_YAML');
    expect(error.message).toContain('broken.yaml');
  });

  it('names the file and the key when a value is wrong', () => {
    const file = join(tmp, 'bad-port.yaml');
    writeFileSync(file, 'smtp: { port: "twenty-five" }\ncarriers:\n  primary: { type: smpp, systemId: x }\nroutes:\n  - { match: "*", carriers: [primary] }\n');
    const error = configError(() => loadConfigFile(file, {}));
    expect(error.message).toMatch(/bad-port\.yaml is invalid:\n {2}- smtp\.port: /);
  });

  it('refuses an empty file, naming what is missing', () => {
    const file = join(tmp, 'empty.yaml');
    writeFileSync(file, '');
    const error = configError(() => loadConfigFile(file, {}));
    expect(error.message).toMatch(/carriers: /);
    expect(error.message).toMatch(/routes: /);
  });
});

describe('SMTP2SMS_HTTP_TOKEN', () => {
  it('sets http.token, also from a file', () => {
    const file = join(tmpdir(), `s2s-token-${process.pid}`);
    writeFileSync(file, 'from-a-file-0123456789\n');
    const base = { carriers: { primary: { type: 'smpp', systemId: 'x' } }, routes: [{ match: '*', carriers: ['primary'] }] };
    expect(applyEnvironment(structuredClone(base), { SMTP2SMS_HTTP_TOKEN: 'plain-0123456789abcdef' })).toMatchObject({ http: { token: 'plain-0123456789abcdef' } });
    expect(applyEnvironment(structuredClone(base), { SMTP2SMS_HTTP_TOKEN_FILE: file })).toMatchObject({ http: { token: 'from-a-file-0123456789' } });
  });
});
