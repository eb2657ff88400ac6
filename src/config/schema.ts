import { isIP } from 'node:net';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { httpCarrierSchema } from '../carriers/http/schema.js';
import { SmppStatusClassifier } from '../delivery/classify-smpp.js';
import { carrierDeliveryOptions } from './carrier-delivery.js';
import { duration, positiveDuration } from './duration.js';
import { SENT_JOBS_KEPT_MS } from '../queue/retention.js';

/**
 * The whole configuration contract in one schema. Every option has a default so that
 * config/default.yaml stays short; config/example.yaml documents each key.
 */
const cidr = z.string().refine(isAddressOrCidr, 'expected an address or CIDR like 10.0.0.0/8');
const concat = z.enum(['udh8', 'udh16', 'sar', 'payload']);
// A plain boolean, not libphonenumber's type guard: the config keeps the region as a string.
const region = z.string().length(2).toUpperCase().refine((code): boolean => isSupportedCountry(code), 'not a region libphonenumber knows (ISO 3166 code like DE or US)');

const smtpSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(2525),
  /** The name in the greeting and in Received/Reporting-MTA. */
  hostname: z.string().default('smtp2sms.localhost'),
  domains: z.array(z.string().min(1)).min(1).default(['sms.localhost']),
  maxMessageBytes: z.number().int().positive().default(10 * 1024 * 1024),
  // The intake records every recipient in one script call: tens of thousands of arguments passed
  // V8's limit for a call and failed each such mail with 451. RFC 5321 asks for at least 100.
  maxRecipients: z.number().int().positive().max(1000, 'at most 1000 (one script records them all)').default(100),
  maxClients: z.number().int().positive().default(500),
  /**
   * Most bytes of DATA held in memory at once, across the sessions of one process; a message that
   * does not fit gets 452 4.3.1 (try again later). At least maxMessageBytes.
   */
  maxBufferedBytes: z.number().int().positive().default(256 * 1024 * 1024),
  /**
   * Processes that accept SMTP. 0: the main process, beside dispatch. N: N child processes sharing
   * the port (node:cluster) while the main process dispatches and serves HTTP; 'auto': one per CPU
   * core beyond the first (none on one core). One Node process uses one core.
   */
  processes: z.union([z.number().int().min(0).max(64), z.literal('auto')]).default(0),
  /**
   * With `processes`: an SMTP child whose event loop has not answered for this long (it reports
   * every second) is killed and replaced; one silent for 5 s already counts as not listening.
   */
  unresponsiveAfter: positiveDuration.default(30_000),
  socketTimeout: duration.default(60_000),
  auth: z.strictObject({
    required: z.boolean().default(false),
    users: z.array(z.strictObject({ username: z.string().min(1), password: z.string().min(1) })).default([]),
  }).prefault({}),
  tls: z.strictObject({
    key: z.string().optional(),
    cert: z.string().optional(),
    /** Create a self-signed certificate under this folder when key/cert are not given. */
    selfSigned: z.boolean().default(false),
    dir: z.string().default('var/tls'),
  }).optional(),
  clients: z.array(cidr).default(['127.0.0.0/8', '::1/128']),
  senders: z.array(z.string().min(1)).default([]),
  reverseDns: z.boolean().default(false),
  /**
   * Messages per minute from one client (its AUTH user, else its address), shared through Redis;
   * over it MAIL FROM gets 450 4.7.1 and the sender retries later. 0 = no limit.
   */
  messagesPerMinute: z.number().int().min(0).default(0),
});

const smppCarrierSchema = z.strictObject({
  type: z.literal('smpp'),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(2775),
  systemId: z.string().min(1),
  password: z.string().default(''),
  systemType: z.string().optional(),
  tls: z.boolean().default(false),
  bindMode: z.enum(['transceiver', 'transmitter']).default('transceiver'),
  window: z.number().int().min(1).max(1000).default(10),
  responseTimeout: positiveDuration.default(10_000),
  enquireLinkInterval: positiveDuration.default(30_000),
  reconnect: z.strictObject({ initial: positiveDuration.default(1_000), max: positiveDuration.default(60_000) }).prefault({}),
  throughputPerSecond: z.number().min(0).default(0),
  gsmDataCoding: z.number().int().min(0).max(255).default(0),
  concat: concat.default('udh8'),
  sourceTon: z.number().int().min(0).max(6).optional(),
  sourceNpi: z.number().int().min(0).max(18).optional(),
  maxThrottleRetries: z.number().int().min(0).default(20),
  ...carrierDeliveryOptions,
});

export const carrierSchema = z.discriminatedUnion('type', [smppCarrierSchema, httpCarrierSchema]);

const routeSchema = z.strictObject({
  // Compared with E.164 numbers: `+4915`, `4915` or `*`; `0049` or spaces would never match.
  match: z.string().regex(/^(\*|\+?[1-9][0-9]*\*?)$/, 'a number prefix like +4915 (country code first, no spaces), or *').optional(),
  region: region.optional(),
  carriers: z.array(z.string().min(1)).min(1),
}).refine((r) => (r.match === undefined) !== (r.region === undefined), 'a route needs exactly one of match or region');

const smppStatusOverride = z.strictObject({
  outcome: z.enum(['temporary', 'permanent']),
  dsnStatus: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/).optional(),
  subject: z.enum(['number', 'message', 'carrier']).optional(),
  retryAfterMs: z.number().int().min(0).optional(),
});

/** What net.BlockList takes (smtp/policy.ts): checked here so that check-config names the key. */
function isAddressOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export const configSchema = z.strictObject({
  smtp: smtpSchema.default(() => smtpSchema.parse({})),
  redis: z.strictObject({
    url: z.string().default('redis://127.0.0.1:6379'),
    prefix: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/).default('smtp2sms'),
  }).prefault({}),
  sms: z.strictObject({
    defaultRegion: region.default('US'),
    // SMPP source_addr is C-Octet ASCII: anything else is refused before every submit.
    from: z.string().min(1).max(20).regex(/^[\x20-\x7e]+$/, 'printable ASCII only (a number or an alphanumeric sender id)').default('ALERTS'),
    maxSegments: z.number().int().min(1).max(255).default(3),
    template: z.string().min(1).default('{subject}: {text}'),
    numberValidation: z.enum(['possible', 'strict']).default('possible'),
    transliterate: z.boolean().default(true),
    truncationMarker: z.string().optional(),
  }).default(() => ({ defaultRegion: 'US', from: 'ALERTS', maxSegments: 3, template: '{subject}: {text}', numberValidation: 'possible' as const, transliterate: true })),
  carriers: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'carrier names use letters, digits, - and _'), carrierSchema),
  routes: z.array(routeSchema).min(1),
  /** Failover between a route's carriers. */
  failover: z.strictObject({
    /** Consecutive failures after which a carrier is skipped for `breakerCooldown`. */
    breakerFailures: z.number().int().min(1).default(5),
    breakerCooldown: duration.default(30_000),
  }).prefault({}),
  queue: z.strictObject({
    concurrency: z.number().int().min(1).max(10_000).default(50),
    attempts: z.number().int().min(1).default(50),
    backoff: z.strictObject({ initial: duration.default(5_000), max: duration.default(600_000) }).prefault({}),
  }).prefault({}),
  delivery: z.strictObject({
    validity: duration.default(3_600_000),
    /** NOTIFY=DELAY: one notice when a message is still undelivered after this long. */
    delayNotice: duration.default(900_000),
    /** A final receipt may still come this long after the validity end (receipts travel too). */
    receiptGrace: duration.default(120_000),
    /** A receipt that matches no submitted part yet is kept and retried this long. */
    unmatchedReceiptHold: duration.default(60_000),
    smppStatus: z.record(z.string(), smppStatusOverride).default({}),
    receiptErrors: z.record(z.string().regex(/^\d{3}$/, 'receipt err codes have three digits: quote them, e.g. "034"'), z.strictObject({
      dsnStatus: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/),
      subject: z.enum(['number', 'message', 'carrier']).optional(),
      description: z.string().optional(),
    })).default({}),
  }).prefault({}),
  bounces: z.strictObject({
    from: z.string().default('MAILER-DAEMON@sms.localhost'),
    smtp: z.strictObject({ host: z.string(), port: z.number().int().min(1).max(65535).default(25) }).optional(),
    outbox: z.string().default('var/outbox'),
    /** Failures of one message within this window are reported in one DSN. */
    aggregate: duration.default(30_000),
  }).prefault({}),
  /** The built-in SMSC simulator, run inside the relay: `npm start` works with no carrier account. */
  simulator: z.strictObject({
    enabled: z.boolean().default(false),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(2775),
    systemId: z.string().optional(),
    password: z.string().optional(),
    receiptDelay: duration.default(200),
  }).prefault({}),
  http: z.strictObject({
    enabled: z.boolean().default(true),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8025),
    /**
     * Bearer token that /api/* and /metrics require (Authorization: Bearer <token>); none by
     * default. /healthz, /readyz and the carrier webhooks (which verify their own signatures) stay open.
     */
    token: z.string().min(16, 'at least 16 characters: a token that can be guessed protects nothing').optional(),
  }).prefault({}),
  /** How a mail becomes SMS text (src/render): family recognisers, body clean-up, templates. */
  render: z.strictObject({
    /** Use the family recognisers (Alertmanager, Zabbix, Nagios, cron, ...). */
    recognisers: z.boolean().default(true),
    /** Clean (quotes, signatures, disclaimers, footers) and condense the body of other mails. */
    condense: z.boolean().default(true),
    /** Long URLs: keep, drop, or cut to their host. Tracking links always go. */
    urls: z.enum(['keep', 'drop', 'host']).default('drop'),
    /** Layout per recogniser name ("*" for all), e.g. "{status} {title} {target} {value}". */
    templates: z.record(z.string().regex(/^([a-z0-9-]+|\*)$/, 'a recogniser name or *'), z.string().min(1)).default({}),
  }).prefault({}),
  /** Storm control per phone number (src/storm): dedup, burst aggregation, an hourly cap. */
  storm: z.strictObject({
    enabled: z.boolean().default(true),
    /**
     * An identical SMS to the same number within this window is suppressed. At most 24 h: the
     * sender's retry of the same message is recognised by its queue job, which is kept that long.
     */
    dedupWindow: duration.pipe(z.number().max(SENT_JOBS_KEPT_MS, 'at most 24h (how long sent jobs are kept to recognise a resend)')).default(300_000),
    /** More than burstLimit SMS to one number within burstWindow are held and sent as one summary. 0 = off. */
    burstWindow: duration.default(60_000),
    burstLimit: z.number().int().min(0).default(3),
    /** Most SMS per number per clock hour; the rest are counted and reported in one SMS. 0 = no cap. */
    hourlyCap: z.number().int().min(0).default(30),
    /** Text of a burst summary: {count} held, {texts} their texts joined by " | ". */
    summaryTemplate: z.string().min(1).default('+{count} more alerts: {texts}'),
    /** Text of the end-of-hour report: {count} suppressed, {limit} the cap. */
    capTemplate: z.string().min(1).default('{count} more SMS suppressed (limit {limit}/h)'),
  }).prefault({}),
  logging: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Log SMS and mail text. Off by default: message content is the sender's business. */
    content: z.boolean().default(false),
  }).prefault({}),
}).superRefine((config, ctx) => {
  config.routes.forEach((route, i) => {
    route.carriers.forEach((name, j) => {
      if (!(name in config.carriers)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'carriers', j], message: `no carrier named "${name}" under carriers` });
      }
    });
  });
  // Checked here too (the classifier is built only at start) so check-config names a bad key.
  for (const [key, override] of Object.entries(config.delivery.smppStatus)) {
    try {
      new SmppStatusClassifier({ [key]: override });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['delivery', 'smppStatus', key], message: `unknown SMPP status "${key}" (use a name like ESME_RSUBMITFAIL or hex like 0x45)` });
    }
  }
  if (config.smtp.maxBufferedBytes < config.smtp.maxMessageBytes) {
    // A message of the allowed size would then never fit, and be told to try again forever.
    ctx.addIssue({ code: 'custom', path: ['smtp', 'maxBufferedBytes'], message: `at least smtp.maxMessageBytes (${config.smtp.maxMessageBytes})` });
  }
  if (config.smtp.auth.required && config.smtp.auth.users.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['smtp', 'auth', 'users'], message: 'auth.required is true but no users are configured' });
  }
  if (config.smtp.tls && !config.smtp.tls.selfSigned && (!config.smtp.tls.key || !config.smtp.tls.cert)) {
    ctx.addIssue({ code: 'custom', path: ['smtp', 'tls'], message: 'tls needs key and cert files, or selfSigned: true' });
  }
});

export type Config = z.infer<typeof configSchema>;
export type CarrierConfig = z.infer<typeof carrierSchema>;
export type SmppCarrierConfig = z.infer<typeof smppCarrierSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
