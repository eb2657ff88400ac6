/**
 * Twilio Programmable Messaging and Plivo: form/JSON POST with HTTP Basic auth (account id and
 * token), status callbacks signed with the same token.
 */
import { need, type PresetInput, type PresetSpec } from './types.js';
import { permanent, temporary } from './rules.js';

/**
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form To/From (or MessagingServiceSid)/Body/
 * StatusCallback; 201 with `sid`; errors as `{code, message, more_info, status}`.
 */
export function twilio(c: PresetInput): PresetSpec {
  const service = c.messagingServiceSid;
  return {
    vars: { account_sid: need(c, 'accountSid'), auth_token: need(c, 'authToken'), messaging_service_sid: service ?? '' },
    request: {
      method: 'POST',
      url: 'https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages.json',
      query: {},
      headers: {},
      auth: { type: 'basic', username: '{account_sid}', password: '{auth_token}' },
      body: {
        format: 'form',
        fields: { To: '{to}', ...(service ? { MessagingServiceSid: '{messaging_service_sid}' } : { From: '{from}' }), Body: '{text}', StatusCallback: '{webhook_url}' },
      },
    },
    response: {
      success: { status: [200, 201] },
      messageId: { json: 'sid' },
      reason: ['message'],
      errors: [
        permanent('TWILIO_21211', 'code', ['21211'], 'number', '5.1.1'),
        permanent('TWILIO_21614', 'code', ['21614'], 'number', '5.1.1'),
        permanent('TWILIO_21635', 'code', ['21635'], 'number', '5.1.1'), // "'To' number cannot be a landline"
        permanent('TWILIO_21610', 'code', ['21610'], 'number', '5.7.1'),
        permanent('TWILIO_21612', 'code', ['21612'], 'carrier', '5.4.4'),
        permanent('TWILIO_21408', 'code', ['21408'], 'carrier', '5.7.1'),
        permanent('TWILIO_21606', 'code', ['21606'], 'carrier', '5.1.7'),
        permanent('TWILIO_21212', 'code', ['21212'], 'carrier', '5.1.7'),
        permanent('TWILIO_21608', 'code', ['21608'], 'carrier', '5.7.1'),
        permanent('TWILIO_20003', 'code', ['20003'], 'carrier', '5.7.0'),
        permanent('TWILIO_21602', 'code', ['21602'], 'message', '5.6.0'),
        permanent('TWILIO_21617', 'code', ['21617'], 'message', '5.3.4'),
        temporary('TWILIO_20429', 'code', ['20429'], '4.4.5', 1_000),
        temporary('TWILIO_30001', 'code', ['30001'], '4.4.5', 5_000),
      ],
    },
    webhook: {
      query: {},
      verify: 'twilio',
      id: 'MessageSid',
      status: 'MessageStatus',
      err: 'ErrorCode',
      statuses: {
        accepted: 'ACCEPTD', scheduled: 'ACCEPTD', queued: 'ACCEPTD', sending: 'ENROUTE', sent: 'ENROUTE',
        delivered: 'DELIVRD', read: 'DELIVRD', undelivered: 'UNDELIV', failed: 'UNDELIV', canceled: 'DELETED',
      },
    },
  };
}

/**
 * POST /v1/Account/{auth_id}/Message/ with JSON src/dst/text/url/method; 202 with
 * `message_uuid: [..]`; errors as `{api_id, error}`. Status callbacks are form posts signed V3.
 */
export function plivo(c: PresetInput): PresetSpec {
  return {
    vars: { auth_id: need(c, 'authId'), auth_token: need(c, 'authToken') },
    request: {
      method: 'POST',
      url: 'https://api.plivo.com/v1/Account/{auth_id}/Message/',
      query: {},
      headers: {},
      auth: { type: 'basic', username: '{auth_id}', password: '{auth_token}' },
      body: { format: 'json', fields: { src: '{from_digits}', dst: '{to_digits}', text: '{text}', type: 'sms', url: '{webhook_url}', method: 'POST' } },
    },
    response: {
      success: { status: [200, 202] },
      messageId: { json: 'message_uuid[*]' },
      reason: ['error'],
      // Plivo answers a bad request with prose in `error`; one naming dst is about the number.
      errors: [{ status: [400], field: 'error', contains: 'dst', outcome: 'permanent', code: 'PLIVO_INVALID_DST', dsnStatus: '5.1.1', subject: 'number' }],
    },
    webhook: {
      query: {},
      verify: 'plivo',
      id: 'MessageUUID',
      status: 'Status',
      err: 'ErrorCode',
      statuses: { queued: 'ACCEPTD', sent: 'ENROUTE', delivered: 'DELIVRD', read: 'DELIVRD', undelivered: 'UNDELIV', failed: 'UNDELIV', rejected: 'REJECTD' },
    },
  };
}
