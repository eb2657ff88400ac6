/** The built-in SMSC simulator (SMPP 3.4 server); see simulator.ts. */
export { SmscSimulator } from './simulator.js';
export { DEFAULT_SMSC_RULES, findRule, ruleMatches } from './rules.js';
export { formatReceiptId, MESSAGE_STATE, receiptText } from './receipts.js';
export { decodeText } from './reassembly.js';
export { SmppStatus } from './status.js';
export type {
  ReceiptIdFormat,
  ReceiptStat,
  ReceivedMessage,
  ReceivedPart,
  SmscBindEvent,
  SmscLogger,
  SmscOptions,
  SmscRejectEvent,
  SmscRule,
} from './types.js';
