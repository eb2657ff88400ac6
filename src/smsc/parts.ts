/**
 * Reads one submit_sm into the simulator's record of it: where the text octets are, and which
 * concatenation group (UDH or SAR) it belongs to. Pure, so hostile field combinations can be
 * tested without a socket.
 */
import { SmppStatus } from './status.js';
import type { ReceivedPart } from './types.js';

/** esm_class bit 6: short_message starts with a user data header. */
export const ESM_UDHI = 0x40;

/** Which group a part belongs to; `kind` keeps an 8-bit and a 16-bit ref of equal value apart. */
export interface ConcatInfo {
  kind: 'udh8' | 'udh16' | 'sar';
  ref: number;
  total: number;
  seq: number;
}

/** The submit_sm fields we read, as the `smpp` package parses them (bodies raw, see raw-pdus). */
export interface SubmitFields {
  source_addr?: unknown;
  destination_addr?: unknown;
  data_coding?: unknown;
  esm_class?: unknown;
  registered_delivery?: unknown;
  short_message?: unknown;
  message_payload?: unknown;
  sar_msg_ref_num?: unknown;
  sar_total_segments?: unknown;
  sar_segment_seqnum?: unknown;
}

export type ParsedPart = Omit<ReceivedPart, 'systemId' | 'messageId' | 'receivedAt'>;

export type ParseResult =
  | { ok: true; part: ParsedPart; concat?: ConcatInfo }
  | { ok: false; commandStatus: number; reason: string };

const ESME_RINVOPTPARAMVAL = 0xc4;

function asBuffer(value: unknown): Buffer | undefined {
  return Buffer.isBuffer(value) ? value : undefined;
}

function asNumber(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A concat IE that points outside its own group is a client bug worth failing loudly on. */
function validConcat(total: number, seq: number): boolean {
  return total >= 1 && seq >= 1 && seq <= total;
}

/**
 * Splits a UDH off `data`. Returns null when the header's lengths run past the data: such a
 * message would reach the handset garbled, so the simulator refuses it.
 */
export function parseUdh(data: Buffer): { udh: Buffer; rest: Buffer; concat?: ConcatInfo } | null {
  if (data.length < 1) return null;
  const udhLength = data[0]!;
  if (1 + udhLength > data.length) return null;
  const udh = data.subarray(1, 1 + udhLength);
  let concat: ConcatInfo | undefined;
  let offset = 0;
  while (offset < udh.length) {
    if (offset + 2 > udh.length) return null;
    const iei = udh[offset]!;
    const length = udh[offset + 1]!;
    const value = udh.subarray(offset + 2, offset + 2 + length);
    if (value.length !== length) return null;
    if (iei === 0x00 && length === 3) {
      concat = { kind: 'udh8', ref: value[0]!, total: value[1]!, seq: value[2]! };
    } else if (iei === 0x08 && length === 4) {
      concat = { kind: 'udh16', ref: value.readUInt16BE(0), total: value[2]!, seq: value[3]! };
    }
    // Other IEs (ports, national language shifts) are carried but not interpreted.
    offset += 2 + length;
  }
  return { udh, rest: data.subarray(1 + udhLength), concat };
}

function parseSar(pdu: SubmitFields): ConcatInfo | null | undefined {
  const fields = [pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum];
  const present = fields.filter((field) => typeof field === 'number').length;
  if (present === 0) return undefined;
  if (present !== 3) return null; // the three TLVs only make sense together
  return {
    kind: 'sar',
    ref: asNumber(pdu.sar_msg_ref_num),
    total: asNumber(pdu.sar_total_segments),
    seq: asNumber(pdu.sar_segment_seqnum),
  };
}

export function parseSubmit(pdu: SubmitFields & Record<string, unknown>): ParseResult {
  const shortMessage = asBuffer(pdu.short_message) ?? Buffer.alloc(0);
  const messagePayload = asBuffer(pdu.message_payload);
  const esmClass = asNumber(pdu.esm_class);
  // SMPP 3.4 §5.3.2.32: message_payload carries the text when short_message is empty.
  let data = shortMessage.length > 0 || !messagePayload ? shortMessage : messagePayload;

  let udh: Buffer | undefined;
  let concat: ConcatInfo | undefined;
  if (esmClass & ESM_UDHI) {
    const parsed = parseUdh(data);
    if (!parsed) {
      return { ok: false, commandStatus: SmppStatus.ESME_RINVESMCLASS, reason: 'UDH lengths overrun the message' };
    }
    udh = parsed.udh;
    data = parsed.rest;
    concat = parsed.concat;
  }
  if (concat && !validConcat(concat.total, concat.seq)) {
    return { ok: false, commandStatus: SmppStatus.ESME_RINVESMCLASS, reason: 'UDH concat seq/total out of range' };
  }

  const sar = parseSar(pdu);
  if (sar === null || (sar && !validConcat(sar.total, sar.seq))) {
    return { ok: false, commandStatus: ESME_RINVOPTPARAMVAL, reason: 'incomplete or out-of-range SAR TLVs' };
  }
  if (sar && concat) {
    return { ok: false, commandStatus: ESME_RINVOPTPARAMVAL, reason: 'both UDH concat and SAR TLVs' };
  }

  const part: ParsedPart = {
    source: asString(pdu.source_addr),
    destination: asString(pdu.destination_addr),
    dataCoding: asNumber(pdu.data_coding),
    esmClass,
    registeredDelivery: asNumber(pdu.registered_delivery),
    shortMessage,
    body: data,
  };
  if (udh) part.udh = udh;
  if (messagePayload) part.messagePayload = messagePayload;
  if (sar) part.sar = { ref: sar.ref, total: sar.total, seq: sar.seq };
  return { ok: true, part, concat: concat ?? sar };
}
