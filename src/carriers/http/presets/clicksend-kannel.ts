/**
 * ClickSend (REST v3, Basic auth username:API key) and Kannel's smsbox `/cgi-bin/sendsms` (GET
 * with the sendsms-user's credentials in the query). Neither signs delivery reports: their
 * webhook URLs carry a shared token.
 */
import { permanent, textRule } from './rules.js';
import { baseUrl, need, type PresetInput, type PresetSpec } from './types.js';

const CS_STATUS = 'data.messages[*].status';

/**
 * POST https://rest.clicksend.com/v3/sms/send {messages:[{source, from, body, to, custom_string}]};
 * 200 with `response_code: SUCCESS` and a per-message `status` (SUCCESS or a refusal such as
 * INVALID_RECIPIENT). Delivery receipts go to the URL set in the ClickSend account.
 */
export function clicksend(c: PresetInput): PresetSpec {
  return {
    vars: { username: need(c, 'username'), api_key: need(c, 'apiKey') },
    request: {
      method: 'POST',
      url: 'https://rest.clicksend.com/v3/sms/send',
      query: {},
      headers: {},
      auth: { type: 'basic', username: '{username}', password: '{api_key}' },
      body: { format: 'json', fields: { messages: [{ source: 'smtp2sms', from: '{from}', body: '{text}', to: '{to}', custom_string: '{id}' }] } },
    },
    response: {
      success: { status: [200], field: CS_STATUS, equals: ['SUCCESS'] },
      messageId: { json: 'data.messages[*].message_id' },
      reason: ['data.messages[0].status', 'response_msg'],
      errors: [
        permanent('CLICKSEND_INVALID_RECIPIENT', CS_STATUS, ['INVALID_RECIPIENT'], 'number', '5.1.1'),
        permanent('CLICKSEND_INSUFFICIENT_CREDIT', CS_STATUS, ['INSUFFICIENT_CREDIT'], 'carrier', '5.7.0'),
        permanent('CLICKSEND_COUNTRY_NOT_ENABLED', CS_STATUS, ['COUNTRY_NOT_ENABLED'], 'carrier', '5.7.1'),
        permanent('CLICKSEND_INVALID_SENDER', CS_STATUS, ['INVALID_SENDER_ID'], 'carrier', '5.1.7'),
      ],
    },
    webhook: {
      query: {},
      verify: 'token',
      id: 'message_id',
      status: 'status',
      err: 'error_code',
      statuses: {
        delivered: 'DELIVRD', undelivered: 'UNDELIV', failed: 'UNDELIV', expired: 'EXPIRED',
        rejected: 'REJECTD', sent: 'ENROUTE', queued: 'ACCEPTD', cancelled: 'DELETED',
      },
    },
  };
}

/**
 * GET {baseUrl}/cgi-bin/sendsms?username&password&from&to&text&charset&coding&dlr-mask&dlr-url.
 * 202 "0: Accepted for delivery" (or "3: Queued for later delivery", "Sent."); Kannel returns no
 * message id, so our id travels in the dlr-url with the DLR type (%d), the SMSC's reply or receipt
 * text (%A) and the SMSC id (%i). dlr-mask 27 = delivered (1) + failed (2) + SMSC accepted (8) +
 * SMSC rejected (16).
 */
export function kannel(c: PresetInput): PresetSpec {
  return {
    vars: { username: need(c, 'username'), password: need(c, 'password'), smsc: c.smsc ?? '' },
    request: {
      method: 'GET',
      url: `${baseUrl(c.baseUrl ?? 'http://127.0.0.1:13013')}/cgi-bin/sendsms`,
      query: {
        username: '{username}',
        password: '{password}',
        from: '{from}',
        to: '{to}',
        text: '{text}',
        charset: 'UTF-8',
        coding: '{encoding|gsm7=0|ucs2=2}',
        smsc: '{smsc}',
        'dlr-mask': '{webhook_url|=|*=27}',
        'dlr-url': '{webhook_url}',
      },
      headers: {},
      auth: { type: 'none' },
      body: { format: 'none', fields: {} },
    },
    response: {
      success: { status: [200, 202] },
      messageId: { ours: true },
      reason: ['$body'],
      errors: [
        textRule('KANNEL_AUTHORIZATION', 403, 'Authorization failed', 'permanent', 'carrier', '5.7.0'),
        textRule('KANNEL_NOT_ROUTABLE', 403, 'Not routable', 'permanent', 'carrier', '5.4.4'),
        textRule('KANNEL_DENIED', 400, 'denied by white- and/or black-lists', 'permanent', 'carrier', '5.7.1'),
        textRule('KANNEL_CHARSET', 400, 'Charset or body misformed', 'permanent', 'message', '5.6.0'),
        textRule('KANNEL_TEMPORARY', 503, 'Temporal failure', 'temporary', 'carrier', '4.4.1'),
      ],
    },
    webhook: {
      query: { id: '{id}', type: '%d', reply: '%A', smsc: '%i' },
      verify: 'token',
      id: 'id',
      status: 'type',
      receiptText: 'reply',
      statuses: { '1': 'DELIVRD', '2': 'UNDELIV', '4': 'ENROUTE', '8': 'ACCEPTD', '16': 'REJECTD' },
    },
  };
}
