/**
 * Which configuration keys each preset needs. Data only, read by the config schema (to name a
 * missing key) and by the presets themselves.
 */
import type { VerifyType } from '../spec.js';

export const PRESET_NAMES = ['twilio', 'vonage', 'infobip', 'plivo', 'telnyx', 'sinch', 'messagebird', 'clicksend', 'kannel'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Credential and account keys a carrier's config may carry; each preset uses some. */
export const CREDENTIAL_KEYS = [
  'accountSid', 'authToken', 'messagingServiceSid', 'apiKey', 'apiSecret', 'signatureSecret', 'signatureMethod',
  'authId', 'baseUrl', 'servicePlanId', 'apiToken', 'region', 'signingSecret', 'publicKey', 'username', 'password',
  'messagingProfileId', 'smsc',
] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/**
 * The keys each webhook verification reads, its secret (or Telnyx's public key) first; `token`
 * reads `webhook.token` only. Used to resolve the verifier and, for a carrier without a preset,
 * to refuse keys nothing would read.
 */
export const VERIFY_KEYS: Readonly<Record<VerifyType, readonly CredentialKey[]>> = {
  twilio: ['authToken'], plivo: ['authToken'], vonage: ['signatureSecret', 'signatureMethod', 'apiKey'],
  messagebird: ['signingSecret'], telnyx: ['publicKey'], token: [],
};

export interface PresetKeys {
  required: CredentialKey[];
  optional: CredentialKey[];
  /** What a webhook needs to be verified: a key, or `token` for `webhook.token`. */
  webhookNeeds: CredentialKey | 'token';
}

export const PRESET_KEYS: Record<PresetName, PresetKeys> = {
  twilio: { required: ['accountSid', 'authToken'], optional: ['messagingServiceSid'], webhookNeeds: 'authToken' },
  vonage: { required: ['apiKey', 'apiSecret'], optional: ['signatureSecret', 'signatureMethod'], webhookNeeds: 'signatureSecret' },
  infobip: { required: ['baseUrl', 'apiKey'], optional: [], webhookNeeds: 'token' },
  plivo: { required: ['authId', 'authToken'], optional: [], webhookNeeds: 'authToken' },
  telnyx: { required: ['apiKey'], optional: ['messagingProfileId', 'publicKey'], webhookNeeds: 'publicKey' },
  sinch: { required: ['servicePlanId', 'apiToken'], optional: ['region'], webhookNeeds: 'token' },
  messagebird: { required: ['apiKey'], optional: ['signingSecret'], webhookNeeds: 'signingSecret' },
  clicksend: { required: ['username', 'apiKey'], optional: [], webhookNeeds: 'token' },
  kannel: { required: ['username', 'password'], optional: ['baseUrl', 'smsc'], webhookNeeds: 'token' },
};
