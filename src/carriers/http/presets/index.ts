/**
 * Presets: each is the generic carrier's spec filled in with one provider's documented request,
 * reply, error codes and webhook shape. No preset has code of its own beyond building that data.
 */
import { clicksend, kannel } from './clicksend-kannel.js';
import { infobip, sinch } from './infobip-sinch.js';
import type { PresetName } from './meta.js';
import { messagebird, telnyx } from './messagebird-telnyx.js';
import { plivo, twilio } from './twilio-plivo.js';
import type { PresetInput, PresetSpec } from './types.js';
import { vonage } from './vonage.js';

export type { PresetInput, PresetSpec, PresetWebhook } from './types.js';

const BUILDERS: Record<PresetName, (c: PresetInput) => PresetSpec> = {
  twilio, vonage, infobip, plivo, telnyx, sinch, messagebird, clicksend, kannel,
};

export function buildPreset(name: PresetName, config: PresetInput): PresetSpec {
  return BUILDERS[name](config);
}
