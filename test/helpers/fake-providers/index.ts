/** Every provider fake, for table-driven tests. */
export { twilio, plivo } from './twilio-plivo.js';
export { vonage, infobip } from './vonage-infobip.js';
export { telnyx, sinch } from './telnyx-sinch.js';
export { messagebird, clicksend, kannel } from './messagebird-clicksend-kannel.js';
export { FakeProviderServer, basicAuth, type FakeReply, type RecordedRequest } from './server.js';
export { NUMBERS, type Scenario } from './numbers.js';
export type { ProviderFake, SentMessage } from './types.js';
