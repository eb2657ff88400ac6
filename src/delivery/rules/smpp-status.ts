import { permanent, temporary, type StatusRule } from './status-rule.js';

/**
 * How each SMPP 3.4 command_status of a submit_sm_resp is treated. Data, not code: one row per
 * status, with its own test row. Statuses not listed are treated as temporary (a vendor code we do
 * not know is no proof that the message can never be delivered). Operators override rows with
 * `delivery.smppStatus` in the config.
 *
 * The temporary baseline follows SMPP 3.4 §5.1.3 and common SMSC practice (Jasmin, Kannel):
 * system error, queue full, throttled and "temporary application error"; plus the bind-state
 * errors, which describe our session, not the message.
 */
export type SmppStatusRule = StatusRule;

const t = temporary;
const p = permanent;

export const SMPP_STATUS_RULES: readonly SmppStatusRule[] = [
  p(0x01, 'ESME_RINVMSGLEN', '5.6.0', 'message'),
  p(0x02, 'ESME_RINVCMDLEN', '5.6.0', 'message'),
  p(0x03, 'ESME_RINVCMDID', '5.3.5', 'carrier'),
  t(0x04, 'ESME_RINVBNDSTS', '4.4.1'),
  t(0x05, 'ESME_RALYBND', '4.4.1'),
  p(0x06, 'ESME_RINVPRTFLG', '5.6.0', 'message'),
  p(0x07, 'ESME_RINVREGDLVFLG', '5.6.0', 'message'),
  t(0x08, 'ESME_RSYSERR', '4.3.0'),
  p(0x0a, 'ESME_RINVSRCADR', '5.1.7', 'carrier'),
  p(0x0b, 'ESME_RINVDSTADR', '5.1.1', 'number'),
  p(0x0c, 'ESME_RINVMSGID', '5.6.0', 'message'),
  p(0x0d, 'ESME_RBINDFAIL', '5.7.0', 'carrier'),
  p(0x0e, 'ESME_RINVPASWD', '5.7.0', 'carrier'),
  p(0x0f, 'ESME_RINVSYSID', '5.7.0', 'carrier'),
  t(0x14, 'ESME_RMSGQFUL', '4.4.5', 5_000),
  p(0x15, 'ESME_RINVSERTYP', '5.6.0', 'carrier'),
  p(0x33, 'ESME_RINVNUMDESTS', '5.5.3', 'message'),
  p(0x40, 'ESME_RINVDESTFLAG', '5.6.0', 'message'),
  p(0x43, 'ESME_RINVESMCLASS', '5.6.0', 'message'),
  p(0x45, 'ESME_RSUBMITFAIL', '5.0.0', 'carrier'),
  p(0x48, 'ESME_RINVSRCTON', '5.1.7', 'carrier'),
  p(0x49, 'ESME_RINVSRCNPI', '5.1.7', 'carrier'),
  p(0x50, 'ESME_RINVDSTTON', '5.1.3', 'number'),
  p(0x51, 'ESME_RINVDSTNPI', '5.1.3', 'number'),
  p(0x53, 'ESME_RINVSYSTYP', '5.7.0', 'carrier'),
  t(0x58, 'ESME_RTHROTTLED', '4.4.5', 1_000),
  p(0x61, 'ESME_RINVSCHED', '5.6.0', 'message'),
  p(0x62, 'ESME_RINVEXPIRY', '5.6.0', 'message'),
  t(0x64, 'ESME_RX_T_APPN', '4.4.0'),
  p(0x65, 'ESME_RX_P_APPN', '5.0.0', 'carrier'),
  p(0x66, 'ESME_RX_R_APPN', '5.7.1', 'carrier'),
  p(0xc0, 'ESME_RINVTLVSTREAM', '5.6.0', 'message'),
  p(0xc1, 'ESME_RTLVNOTALLWD', '5.6.0', 'message'),
  p(0xc2, 'ESME_RINVTLVLEN', '5.6.0', 'message'),
  p(0xc3, 'ESME_RMISSINGTLV', '5.6.0', 'message'),
  p(0xc4, 'ESME_RINVTLVVAL', '5.6.0', 'message'),
  p(0xfe, 'ESME_RDELIVERYFAILURE', '5.0.0', 'number'),
  p(0x100, 'ESME_RSERTYPUNAUTH', '5.7.1', 'carrier'),
  p(0x101, 'ESME_RPROHIBITED', '5.7.1', 'carrier'),
  p(0x102, 'ESME_RSERTYPUNAVAIL', '5.7.1', 'carrier'),
  p(0x103, 'ESME_RSERTYPDENIED', '5.7.1', 'carrier'),
  p(0x104, 'ESME_RINVDCS', '5.6.3', 'message'),
];
