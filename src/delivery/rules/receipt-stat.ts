import type { FailureSubject } from '../outcome.js';

/**
 * What a delivery receipt's `stat` means (SMPP 3.4 Appendix B message states, plus the words HTTP
 * providers' webhooks are mapped to). `final: false` rows are progress reports: recorded, but the
 * message waits for a later receipt. Data, with one test row each.
 */
export interface ReceiptStatRule {
  stat: string;
  final: boolean;
  outcome: 'delivered' | 'permanent' | 'accepted';
  dsnStatus: string;
  subject: FailureSubject;
  description: string;
}

export const RECEIPT_STAT_RULES: readonly ReceiptStatRule[] = [
  { stat: 'DELIVRD', final: true, outcome: 'delivered', dsnStatus: '2.0.0', subject: 'number', description: 'delivered to the handset' },
  { stat: 'EXPIRED', final: true, outcome: 'permanent', dsnStatus: '4.4.7', subject: 'number', description: 'validity period expired before delivery' },
  { stat: 'UNDELIV', final: true, outcome: 'permanent', dsnStatus: '5.0.0', subject: 'number', description: 'undeliverable' },
  { stat: 'REJECTD', final: true, outcome: 'permanent', dsnStatus: '5.7.1', subject: 'carrier', description: 'rejected by the network' },
  { stat: 'DELETED', final: true, outcome: 'permanent', dsnStatus: '5.0.0', subject: 'carrier', description: 'deleted by the SMSC' },
  { stat: 'UNKNOWN', final: true, outcome: 'permanent', dsnStatus: '5.0.0', subject: 'carrier', description: 'the SMSC reports the state as unknown' },
  { stat: 'ACCEPTD', final: false, outcome: 'accepted', dsnStatus: '2.0.0', subject: 'carrier', description: 'accepted by the SMSC on behalf of the handset' },
  { stat: 'ENROUTE', final: false, outcome: 'accepted', dsnStatus: '2.0.0', subject: 'carrier', description: 'on its way' },
];

/**
 * The `err` field refines a failure where its meaning is widely shared: GSM MAP error causes as
 * many SMSCs report them (3GPP TS 29.002). Other values keep the stat's status. Overridable in
 * `delivery.receiptErrors`.
 */
export const RECEIPT_ERR_RULES: Readonly<Record<string, { dsnStatus: string; subject: FailureSubject; description: string }>> = {
  '001': { dsnStatus: '5.1.1', subject: 'number', description: 'unknown subscriber' },
  '005': { dsnStatus: '5.1.1', subject: 'number', description: 'unidentified subscriber' },
  '009': { dsnStatus: '5.1.1', subject: 'number', description: 'illegal subscriber' },
  '011': { dsnStatus: '5.3.3', subject: 'number', description: 'teleservice not provisioned' },
  '013': { dsnStatus: '5.7.1', subject: 'number', description: 'call barred' },
  '027': { dsnStatus: '4.4.1', subject: 'number', description: 'absent subscriber' },
  '031': { dsnStatus: '4.2.2', subject: 'number', description: 'subscriber busy for SMS' },
  '032': { dsnStatus: '4.3.1', subject: 'number', description: 'handset memory full' },
};
