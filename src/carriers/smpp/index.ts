/** The SMPP 3.4 carrier. Importing this module does no I/O; start() connects. */
export { createSmppCarrier, SmppCarrier, type SmppCarrierDeps, type SmppCarrierStats } from './smpp-carrier.js';
export type { SmppCarrierOptions } from './options.js';
export { parseReceipt, type ParsedReceipt } from './receipt-parser.js';
