/**
 * Builds the submit_sm fields for one OutboundSms, one entry per PDU, without leaving anything to
 * the `smpp` package's defaults: it guesses data_coding, re-encodes strings, pads short validity
 * strings into relative times and throws on a short_message over 255 octets. Every field we send
 * is set here, explicitly, as the octets we mean.
 *
 * Pure: input that an SMSC would reject is reported with the command_status the SMSC would have
 * answered, so the one classifier decides whether it is permanent.
 */
import { udhConcat } from '../../sms/index.js';
import type { OutboundSms } from '../carrier.js';
import type { ResolvedSmppOptions } from './options.js';

/** SMPP 3.4 command_status values this builder can report. */
export const LOCAL_STATUS = { ESME_RINVMSGLEN: 0x01, ESME_RINVSRCADR: 0x0a, ESME_RINVDSTADR: 0x0b } as const;

/** short_message has a one-octet length; the package throws past 255, SMPP 3.4 allows 254. */
export const MAX_SHORT_MESSAGE = 254;
/** A TLV length is 16 bits. */
const MAX_PAYLOAD = 0xffff;
const ESM_CLASS_UDHI = 0x40;
const DATA_CODING_UCS2 = 0x08;

export interface SubmitPart {
  /** 1-based position among this message's PDUs. */
  seq: number;
  params: Record<string, unknown>;
}

export type BuildResult =
  | { ok: true; parts: SubmitPart[] }
  | { ok: false; commandStatus: number; reason: string };

type SubmitOptions = Pick<ResolvedSmppOptions, 'concat' | 'gsmDataCoding' | 'sourceTon' | 'sourceNpi'>;

export function buildSubmitParts(sms: OutboundSms, options: SubmitOptions): BuildResult {
  const dest = destinationAddress(sms.to);
  if (!dest) return fail(LOCAL_STATUS.ESME_RINVDSTADR, 'destination is not an E.164 number');
  // source_addr is a C-Octet String of at most 21 octets including the NUL.
  if (sms.from.length === 0 || sms.from.length > 20 || !/^[\x20-\x7e]+$/.test(sms.from)) {
    return fail(LOCAL_STATUS.ESME_RINVSRCADR, 'source address is empty, longer than 20 characters or not ASCII');
  }
  const source = sourceAddressType(sms.from);
  const segments = sms.sms.segments;
  if (segments.length === 0) return fail(LOCAL_STATUS.ESME_RINVMSGLEN, 'message has no segments');

  const common: Record<string, unknown> = {
    service_type: '',
    source_addr_ton: options.sourceTon ?? source.ton,
    source_addr_npi: options.sourceNpi ?? source.npi,
    source_addr: source.addr,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: dest,
    esm_class: 0,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    // The package pads strings of 12 characters or fewer into relative times; ours are 16.
    validity_period: sms.validUntil !== undefined ? smppAbsoluteTime(sms.validUntil) : '',
    registered_delivery: sms.wantReceipt ? 1 : 0,
    replace_if_present_flag: 0,
    data_coding: sms.sms.encoding === 'ucs2' ? DATA_CODING_UCS2 : options.gsmDataCoding,
    sm_default_msg_id: 0,
  };

  if (options.concat === 'payload') {
    const payload = Buffer.concat(segments.map((s) => s.body));
    if (payload.length > MAX_PAYLOAD) return fail(LOCAL_STATUS.ESME_RINVMSGLEN, `message_payload of ${payload.length} octets`);
    return { ok: true, parts: [{ seq: 1, params: { ...common, short_message: Buffer.alloc(0), message_payload: payload } }] };
  }

  const total = segments.length;
  if (total > 255) return fail(LOCAL_STATUS.ESME_RINVMSGLEN, `${total} segments, at most 255 can be joined`);
  const parts: SubmitPart[] = [];
  for (let i = 0; i < total; i++) {
    const seq = i + 1;
    const body = segments[i]!.body;
    const params: Record<string, unknown> = { ...common };
    if (total === 1) {
      params.short_message = body;
    } else if (options.concat === 'sar') {
      params.short_message = body;
      // 8 bits: parts are sized for the 6-octet UDH an SMSC builds from an 8-bit reference; a
      // reference over 255 would make it use the 7-octet form, one octet more than a full part has.
      params.sar_msg_ref_num = sms.concatRef & 0xff;
      params.sar_total_segments = total;
      params.sar_segment_seqnum = seq;
    } else {
      const bits = options.concat === 'udh16' ? 16 : 8;
      const ref = sms.concatRef & (bits === 16 ? 0xffff : 0xff);
      params.short_message = Buffer.concat([udhConcat(ref, total, seq, bits), body]);
      params.esm_class = ESM_CLASS_UDHI;
    }
    const length = (params.short_message as Buffer).length;
    if (length > MAX_SHORT_MESSAGE) {
      return fail(LOCAL_STATUS.ESME_RINVMSGLEN, `part ${seq} is ${length} octets, short_message holds ${MAX_SHORT_MESSAGE}`);
    }
    parts.push({ seq, params });
  }
  return { ok: true, parts };
}

/** E.164 '+digits' -> the digits SMPP wants with TON 1 / NPI 1; null when it is not a number. */
export function destinationAddress(to: string): string | null {
  const match = /^\+?(\d{1,20})$/.exec(to);
  return match ? match[1]! : null;
}

/**
 * TON/NPI for a source address when the operator did not set them: a '+number' is international
 * (1/1), a short all-digit code is network specific (3/0), anything with letters is alphanumeric
 * (5/0). A long all-digit address without '+' is taken as international: our numbers are E.164.
 */
export function sourceAddressType(from: string): { ton: number; npi: number; addr: string } {
  if (/^\+\d+$/.test(from)) return { ton: 1, npi: 1, addr: from.slice(1) };
  if (/^\d{1,8}$/.test(from)) return { ton: 3, npi: 0, addr: from };
  if (/^\d+$/.test(from)) return { ton: 1, npi: 1, addr: from };
  return { ton: 5, npi: 0, addr: from };
}

/** SMPP 3.4 §7.1.1 absolute time "YYMMDDhhmmsstnnp", written in UTC ("00+"). */
export function smppAbsoluteTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) +
    two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()) +
    String(Math.floor(d.getUTCMilliseconds() / 100)) + '00+'
  );
}

function fail(commandStatus: number, reason: string): BuildResult {
  return { ok: false, commandStatus, reason };
}
