/**
 * Vonage (Nexmo) SMS API: POST https://rest.nexmo.com/sms/json with api_key/api_secret in the form.
 * The reply is always 200: success is `messages[*].status == "0"`, anything else is an error code
 * in the same field. Vonage splits long text itself and returns one message-id per part.
 * Delivery receipts come to the callback URL as GET/POST with messageId/status/err-code, signed
 * with the signature secret (a JWT in Authorization, or the SMS API's `sig` parameter).
 */
import { permanent, temporary } from './rules.js';
import { need, type PresetInput, type PresetSpec } from './types.js';

const STATUS = 'messages[*].status';

export function vonage(c: PresetInput): PresetSpec {
  return {
    vars: { api_key: need(c, 'apiKey'), api_secret: need(c, 'apiSecret') },
    request: {
      method: 'POST',
      url: 'https://rest.nexmo.com/sms/json',
      query: {},
      headers: {},
      auth: { type: 'none' },
      body: {
        format: 'form',
        fields: {
          api_key: '{api_key}',
          api_secret: '{api_secret}',
          from: '{from_digits}',
          to: '{to_digits}',
          text: '{text}',
          type: '{encoding|gsm7=text|ucs2=unicode}',
          'status-report-req': '{receipt|true=1|false=0}',
          callback: '{webhook_url}',
          'client-ref': '{id}',
        },
      },
    },
    response: {
      success: { status: [200], field: STATUS, equals: ['0'] },
      messageId: { json: 'messages[*].message-id' },
      reason: ['messages[0].error-text'],
      errors: [
        temporary('VONAGE_THROTTLED', STATUS, ['1'], '4.4.5', 1_000),
        permanent('VONAGE_MISSING_PARAMS', STATUS, ['2'], 'carrier', '5.5.2'),
        permanent('VONAGE_INVALID_PARAMS', STATUS, ['3'], 'carrier', '5.5.2'),
        permanent('VONAGE_INVALID_CREDENTIALS', STATUS, ['4'], 'carrier', '5.7.0'),
        temporary('VONAGE_INTERNAL_ERROR', STATUS, ['5'], '4.3.0'),
        permanent('VONAGE_INVALID_MESSAGE', STATUS, ['6'], 'number', '5.1.1'),
        permanent('VONAGE_NUMBER_BARRED', STATUS, ['7'], 'number', '5.7.1'),
        permanent('VONAGE_ACCOUNT_BARRED', STATUS, ['8'], 'carrier', '5.7.0'),
        permanent('VONAGE_QUOTA_EXCEEDED', STATUS, ['9'], 'carrier', '5.7.0'),
        temporary('VONAGE_TOO_MANY_BINDS', STATUS, ['10'], '4.4.5', 1_000),
        permanent('VONAGE_ACCOUNT_NOT_ENABLED', STATUS, ['11'], 'carrier', '5.7.0'),
        permanent('VONAGE_MESSAGE_TOO_LONG', STATUS, ['12'], 'message', '5.3.4'),
        permanent('VONAGE_INVALID_SIGNATURE', STATUS, ['14'], 'carrier', '5.7.0'),
        permanent('VONAGE_INVALID_SENDER', STATUS, ['15'], 'carrier', '5.1.7'),
        permanent('VONAGE_INVALID_NETWORK', STATUS, ['22'], 'carrier', '5.4.4'),
        permanent('VONAGE_INVALID_CALLBACK', STATUS, ['23'], 'carrier', '5.0.0'),
        permanent('VONAGE_NOT_WHITELISTED', STATUS, ['29'], 'carrier', '5.7.1'),
        permanent('VONAGE_SIGNATURE_AND_SECRET', STATUS, ['32'], 'carrier', '5.7.0'),
        permanent('VONAGE_NUMBER_DEACTIVATED', STATUS, ['33'], 'number', '5.1.1'),
      ],
    },
    webhook: {
      query: {},
      verify: 'vonage',
      id: 'messageId',
      status: 'status',
      err: 'err-code',
      statuses: {
        delivered: 'DELIVRD', expired: 'EXPIRED', failed: 'UNDELIV', rejected: 'REJECTD',
        accepted: 'ACCEPTD', buffered: 'ENROUTE', unknown: 'UNKNOWN',
      },
    },
  };
}
