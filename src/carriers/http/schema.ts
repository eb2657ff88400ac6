/**
 * The `type: http` carrier's configuration. Everything is optional at this level because a preset
 * fills in the rest; the refinement names what a preset (or a generic carrier) still lacks, and
 * resolves the whole spec once so a bad template or path is reported by check-config.
 */
import { z } from 'zod';
import { carrierDeliveryOptions } from '../../config/carrier-delivery.js';
import { positiveDuration } from '../../config/duration.js';
import { RECEIPT_STATS } from '../../delivery/receipt-stats.js';
import { CREDENTIAL_KEYS, PRESET_KEYS, PRESET_NAMES, VERIFY_KEYS, type CredentialKey } from './presets/meta.js';
import { ResolveError } from './resolve-error.js';
import { resolveHttpSpec } from './resolve.js';

const texts = z.union([z.string(), z.number()]).transform(String);
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('basic'), username: z.string(), password: z.string() }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({ type: z.literal('header'), name: z.string().min(1), token: z.string().min(1) }),
]);

export const httpErrorRuleSchema = z.strictObject({
  status: oneOrMany(z.number().int().min(100).max(599)).optional(),
  field: z.string().min(1).optional(),
  equals: oneOrMany(texts).optional(),
  contains: z.string().min(1).optional(),
  outcome: z.enum(['temporary', 'permanent']),
  code: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  dsnStatus: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/),
  subject: z.enum(['number', 'message', 'carrier']),
  retryAfterMs: z.number().int().min(0).optional(),
});

const requestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT']).optional(),
  url: z.string().min(1).optional(),
  query: z.record(z.string(), z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  auth: authSchema.optional(),
  body: z.strictObject({
    format: z.enum(['form', 'json', 'none']),
    fields: z.record(z.string(), z.json()).default({}),
  }).optional(),
});

const responseSchema = z.strictObject({
  success: z.strictObject({
    status: oneOrMany(z.number().int().min(100).max(599)).optional(),
    field: z.string().min(1).optional(),
    equals: oneOrMany(texts).optional(),
  }).optional(),
  messageId: z.union([
    z.strictObject({ json: z.string().min(1) }),
    z.strictObject({ header: z.string().min(1) }),
    z.strictObject({ ours: z.literal(true) }),
  ]).optional(),
  reason: oneOrMany(z.string().min(1)).optional(),
  errors: z.array(httpErrorRuleSchema).optional(),
});

const webhookSchema = z.strictObject({
  /** The public URL of this carrier's webhook, e.g. https://relay.example.com/webhooks/twilio. */
  url: z.url({ protocol: /^https?$/ }),
  /** Shared secret for providers that do not sign (Kannel, Infobip, Sinch, ClickSend, generic). */
  token: z.string().min(16, 'use a token of at least 16 characters').optional(),
  tokenParam: z.string().min(1).optional(),
  verify: z.enum(['twilio', 'plivo', 'telnyx', 'vonage', 'messagebird', 'token']).optional(),
  toleranceSeconds: z.number().int().min(1).max(3600).optional(),
  query: z.record(z.string(), z.string()).optional(),
  items: z.string().min(1).optional(),
  id: z.string().min(1).optional(),
  status: z.string().min(1).optional(),
  err: z.string().min(1).optional(),
  receiptText: z.string().min(1).optional(),
  statuses: z.record(z.string(), z.enum(RECEIPT_STATS)).optional(),
  filter: z.strictObject({ field: z.string().min(1), equals: oneOrMany(z.string()) }).optional(),
});

const credentials = {
  ...(Object.fromEntries(CREDENTIAL_KEYS.filter((key) => key !== 'signatureMethod').map((key) => [key, z.string().min(1).optional()])) as Record<Exclude<CredentialKey, 'signatureMethod'>, z.ZodOptional<z.ZodString>>),
  /** Vonage SMS API signed DLRs: the method chosen in the dashboard. */
  signatureMethod: z.enum(['md5hash', 'md5', 'sha1', 'sha256', 'sha512']).optional(),
};

export const httpCarrierSchema = z.strictObject({
  type: z.literal('http'),
  preset: z.enum(PRESET_NAMES).optional(),
  /** Source address for this carrier; `sms.from` when not set. */
  from: z.string().min(1).max(20).optional(),
  responseTimeout: positiveDuration.default(10_000),
  /** Keep-alive connections per origin. */
  connections: z.number().int().min(1).max(1000).default(10),
  /** Refuse (and fail over) messages with more segments than this carrier takes. */
  maxSegments: z.number().int().min(1).max(255).optional(),
  /** HTTP providers concatenate themselves: the whole text goes in one request. */
  concat: z.literal('payload').default('payload'),
  ...carrierDeliveryOptions,
  ...credentials,
  request: requestSchema.optional(),
  response: responseSchema.optional(),
  webhook: webhookSchema.optional(),
  /** Extra placeholders for the templates. */
  vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
}).superRefine((config, ctx) => {
  let complete = true;
  const issue = (path: (string | number)[], message: string) => {
    complete = false;
    ctx.addIssue({ code: 'custom', path, message });
  };
  const preset = config.preset;
  if (preset) {
    const keys = PRESET_KEYS[preset];
    for (const key of keys.required) {
      if (config[key] === undefined) issue([key], `required by preset ${preset}`);
    }
    for (const key of CREDENTIAL_KEYS) {
      if (config[key] !== undefined && !keys.required.includes(key) && !keys.optional.includes(key)) {
        issue([key], `not used by preset ${preset}`);
      }
    }
    if (config.webhook && !config.webhook.verify) {
      const need = keys.webhookNeeds;
      if (need === 'token' ? config.webhook.token === undefined : config[need] === undefined) {
        issue(need === 'token' ? ['webhook', 'token'] : [need], `needed to verify ${preset} webhooks`);
      }
    }
  } else {
    if (!config.request?.url) issue(['request', 'url'], 'a carrier without a preset needs request.url');
    // Without a preset only webhook verification reads a credential key: any other would be
    // silently ignored (its value never sent), which check-config must not call valid.
    const verifyKeys = VERIFY_KEYS[config.webhook?.verify ?? 'token'];
    for (const key of CREDENTIAL_KEYS) {
      if (config[key] !== undefined && !verifyKeys.includes(key)) {
        issue([key], 'not used by a carrier without a preset: put it in request.auth, request.headers or vars');
      }
    }
  }
  if (!complete) return;
  try {
    resolveHttpSpec(config);
  } catch (err) {
    if (!(err instanceof ResolveError)) throw err;
    ctx.addIssue({ code: 'custom', path: err.path, message: err.message });
  }
});

export type HttpCarrierConfig = z.infer<typeof httpCarrierSchema>;
