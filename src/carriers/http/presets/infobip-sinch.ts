/**
 * Infobip (SMS API v2 "advanced": `Authorization: App <key>`, per-account base URL) and Sinch
 * (XMS batches, Bearer token, regional host). Neither signs its delivery reports, so their
 * webhooks are checked with a shared token in the URL.
 */
import { permanent } from './rules.js';
import { baseUrl, need, type PresetInput, type PresetSpec } from './types.js';

const IB_NAME = 'messages[*].status.name';

/**
 * POST {baseUrl}/sms/2/text/advanced {messages:[{destinations:[{to}], from, text, notifyUrl}]};
 * 200 with `messages[0].status.groupName` PENDING and `messageId`; a REJECTED group is a refusal.
 * Delivery reports: `{results:[{messageId, status:{groupName}, error:{name}}]}`.
 */
export function infobip(c: PresetInput): PresetSpec {
  return {
    vars: { api_key: need(c, 'apiKey') },
    request: {
      method: 'POST',
      url: `${baseUrl(need(c, 'baseUrl'))}/sms/2/text/advanced`,
      query: {},
      headers: {},
      auth: { type: 'header', name: 'Authorization', token: 'App {api_key}' },
      body: {
        format: 'json',
        fields: {
          messages: [{
            destinations: [{ to: '{to_digits}' }],
            from: '{from_digits}',
            text: '{text}',
            notifyUrl: '{webhook_url}',
            notifyContentType: 'application/json',
            callbackData: '{id}',
          }],
        },
      },
    },
    response: {
      success: { status: [200], field: 'messages[*].status.groupName', equals: ['PENDING', 'DELIVERED'] },
      messageId: { json: 'messages[0].messageId' },
      reason: ['requestError.serviceException.text', 'messages[0].status.description', 'messages[0].status.name'],
      errors: [
        permanent('INFOBIP_NOT_ENOUGH_CREDITS', IB_NAME, ['REJECTED_NOT_ENOUGH_CREDITS'], 'carrier', '5.7.0'),
        permanent('INFOBIP_INVALID_DESTINATION', IB_NAME, ['REJECTED_DESTINATION', 'REJECTED_INVALID_DESTINATION', 'REJECTED_PREFIX_MISSING'], 'number', '5.1.1'),
        permanent('INFOBIP_DND', IB_NAME, ['REJECTED_DND'], 'number', '5.7.1'),
        permanent('INFOBIP_SENDER', IB_NAME, ['REJECTED_SENDER', 'REJECTED_SOURCE'], 'carrier', '5.1.7'),
        permanent('INFOBIP_ROUTE', IB_NAME, ['REJECTED_ROUTE_NOT_AVAILABLE', 'REJECTED_NETWORK'], 'carrier', '5.4.4'),
        permanent('INFOBIP_REJECTED', 'messages[*].status.groupName', ['REJECTED', 'UNDELIVERABLE'], 'carrier', '5.7.1'),
      ],
    },
    webhook: {
      query: {},
      verify: 'token',
      items: 'results',
      id: 'messageId',
      // status.name, not groupName: DELIVERED_TO_OPERATOR is in the "delivered" group but is an
      // intermediate report ("not yet the handset; a further DLR may follow", Infobip's status
      // codes), and taking it as final would ignore a later UNDELIVERABLE and its bounce.
      status: 'status.name',
      err: 'error.name',
      statuses: {
        delivered_to_handset: 'DELIVRD', delivered_to_operator: 'ENROUTE', 'delivered_*': 'DELIVRD', 'pending_*': 'ENROUTE',
        'undeliverable_*': 'UNDELIV', 'expired_*': 'EXPIRED', 'rejected_*': 'REJECTD', missing_to: 'REJECTD',
      },
    },
  };
}

/**
 * POST https://{region}.sms.api.sinch.com/xms/v1/{service_plan_id}/batches {from, to:[..], body,
 * delivery_report, callback_url}; 201 with the batch `id`; errors as `{code, text}`.
 * Delivery reports: `{type: recipient_delivery_report_sms, batch_id, recipient, status, code}`.
 */
export function sinch(c: PresetInput): PresetSpec {
  return {
    vars: { service_plan_id: need(c, 'servicePlanId'), api_token: need(c, 'apiToken'), region: c.region ?? 'us' },
    request: {
      method: 'POST',
      url: 'https://{region}.sms.api.sinch.com/xms/v1/{service_plan_id}/batches',
      query: {},
      headers: {},
      auth: { type: 'bearer', token: '{api_token}' },
      body: {
        format: 'json',
        fields: {
          from: '{from}',
          to: ['{to}'],
          body: '{text}',
          delivery_report: '{receipt|true=per_recipient|false=none}',
          callback_url: '{webhook_url}',
          client_reference: '{id}',
        },
      },
    },
    response: { success: { status: [200, 201] }, messageId: { json: 'id' }, reason: ['text', 'code'], errors: [] },
    webhook: {
      query: {},
      verify: 'token',
      filter: { field: 'type', equals: ['recipient_delivery_report_sms'] },
      id: 'batch_id',
      status: 'status',
      err: 'code',
      statuses: {
        queued: 'ACCEPTD', dispatched: 'ENROUTE', delivered: 'DELIVRD', failed: 'UNDELIV', expired: 'EXPIRED',
        rejected: 'REJECTD', aborted: 'REJECTD', cancelled: 'DELETED', deleted: 'DELETED', unknown: 'UNKNOWN',
      },
    },
  };
}
