/**
 * MessageBird (REST `/messages`, `Authorization: AccessKey <key>`, status reports signed with a
 * MessageBird-Signature-JWT) and Telnyx (v2 `/messages`, Bearer key, webhooks signed Ed25519).
 */
import { permanent, temporary } from './rules.js';
import { need, type PresetInput, type PresetSpec } from './types.js';

/**
 * POST https://rest.messagebird.com/messages {originator, recipients:[..], body, reference,
 * reportUrl}; 201 with `id`; errors as `{errors:[{code, description, parameter}]}`.
 * Status reports: `id, reference, recipient, status, statusErrorCode` in the query (GET) or body.
 */
export function messagebird(c: PresetInput): PresetSpec {
  const code = 'errors[*].code';
  return {
    vars: { api_key: need(c, 'apiKey') },
    request: {
      method: 'POST',
      url: 'https://rest.messagebird.com/messages',
      query: {},
      headers: {},
      auth: { type: 'header', name: 'Authorization', token: 'AccessKey {api_key}' },
      body: {
        format: 'json',
        fields: {
          originator: '{from_digits}',
          recipients: ['{to_digits}'],
          body: '{text}',
          reference: '{id}',
          reportUrl: '{webhook_url}',
          datacoding: '{encoding|gsm7=plain|ucs2=unicode}',
          validity: '{validity_seconds}',
        },
      },
    },
    response: {
      success: { status: [200, 201] },
      messageId: { json: 'id' },
      reason: ['errors[0].description'],
      errors: [
        permanent('MESSAGEBIRD_RECIPIENTS', 'errors[*].parameter', ['recipients', 'recipient'], 'number', '5.1.1'),
        permanent('MESSAGEBIRD_NOT_ALLOWED', code, ['2'], 'carrier', '5.7.0'),
        permanent('MESSAGEBIRD_NO_BALANCE', code, ['25'], 'carrier', '5.7.0'),
        temporary('MESSAGEBIRD_INTERNAL_ERROR', code, ['99'], '4.3.0'),
      ],
    },
    webhook: {
      query: {},
      verify: 'messagebird',
      id: 'id',
      status: 'status',
      err: 'statusErrorCode',
      statuses: {
        scheduled: 'ACCEPTD', sent: 'ENROUTE', buffered: 'ENROUTE', delivered: 'DELIVRD',
        expired: 'EXPIRED', delivery_failed: 'UNDELIV',
      },
    },
  };
}

/**
 * POST https://api.telnyx.com/v2/messages {from, to, text, messaging_profile_id, webhook_url};
 * 200 with `data.id`; errors as `{errors:[{code, title, detail}]}`. Webhooks: `message.sent` and
 * `message.finalized` events with `data.payload.to[0].status`.
 */
export function telnyx(c: PresetInput): PresetSpec {
  const code = 'errors[*].code';
  return {
    vars: { api_key: need(c, 'apiKey'), messaging_profile_id: c.messagingProfileId ?? '' },
    request: {
      method: 'POST',
      url: 'https://api.telnyx.com/v2/messages',
      query: {},
      headers: {},
      auth: { type: 'bearer', token: '{api_key}' },
      body: {
        format: 'json',
        fields: { from: '{from}', to: '{to}', text: '{text}', messaging_profile_id: '{messaging_profile_id}', webhook_url: '{webhook_url}' },
      },
    },
    response: {
      success: { status: [200] },
      messageId: { json: 'data.id' },
      reason: ['errors[0].detail', 'errors[0].title'],
      errors: [
        permanent('TELNYX_INVALID_NUMBER', code, ['10002', '40310', '40012'], 'number', '5.1.1'),
        permanent('TELNYX_NOT_ROUTABLE', code, ['40001'], 'number', '5.1.1'),
        permanent('TELNYX_STOPPED', code, ['40300'], 'number', '5.7.1'),
        permanent('TELNYX_INVALID_FROM', code, ['40305', '40013'], 'carrier', '5.1.7'),
        permanent('TELNYX_AUTHENTICATION', code, ['10009'], 'carrier', '5.7.0'),
        permanent('TELNYX_AUTHORIZATION', code, ['10010'], 'carrier', '5.7.1'),
        temporary('TELNYX_TOO_MANY_REQUESTS', code, ['10011'], '4.4.5', 1_000),
        temporary('TELNYX_UNEXPECTED', code, ['10007', '10008'], '4.3.0'),
      ],
    },
    webhook: {
      query: {},
      verify: 'telnyx',
      filter: { field: 'data.event_type', equals: ['message.sent', 'message.finalized'] },
      id: 'data.payload.id',
      status: 'data.payload.to[0].status',
      err: 'data.payload.errors[0].code',
      statuses: {
        queued: 'ACCEPTD', sending: 'ENROUTE', sent: 'ENROUTE', delivered: 'DELIVRD',
        sending_failed: 'UNDELIV', delivery_failed: 'UNDELIV', delivery_unconfirmed: 'UNKNOWN', expired: 'EXPIRED',
      },
    },
  };
}
