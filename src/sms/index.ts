/** sms/: text → GSM 7-bit or UCS-2 parts ready for SMPP or an HTTP carrier. */
export type { BuildSmsOptions, ConcatMethod, GsmAlphabet, SmsEncoding, SmsMessage, SmsSegment } from './types.js';
export { buildSms, measureSms } from './build.js';
export { udhConcat } from './udh.js';
export { decodeGsm7, isGsm7 } from './gsm7.js';
export { decodeUcs2 } from './ucs2.js';
export { transliterate } from './transliterate.js';
