/**
 * The `smpp` package decodes and encodes message bodies itself: it labels GSM text as
 * data_coding=1, turns characters outside its table into '@', and splits the UDH off in a way that
 * loses bytes. smtp2sms encodes every SMS itself (src/sms), so both directions must see the raw
 * octets. Removing the package's message filters makes `short_message` and `message_payload` plain
 * Buffers on the wire and in parsed PDUs.
 *
 * The package keeps these definitions in module-global tables, so this runs once per process and
 * affects every Session and Server in it (our carrier and our simulator alike): both want raw bytes.
 *
 * It also refuses any PDU over 16 KB, ending the session; but message_payload may hold 64 KB, and
 * an SMSC resends an unanswered deliver_sm after every bind, so one such MO looped for ever.
 */
import smpp from 'smpp';

/** The largest legal PDU: a 64 KB message_payload plus every other field at its longest. */
const MAX_PDU_OCTETS = 65_535 + 4_096;

let applied = false;

export function useRawMessageBodies(): typeof smpp {
  if (applied) return smpp;
  for (const command of ['submit_sm', 'deliver_sm', 'data_sm', 'submit_multi', 'replace_sm']) {
    const field = smpp.commands[command]?.params?.short_message;
    if (field) delete field.filter;
  }
  const payload = smpp.tlvs.message_payload;
  if (payload) delete payload.filter;
  smpp.PDU.maxLength = Math.max(smpp.PDU.maxLength, MAX_PDU_OCTETS);
  applied = true;
  return smpp;
}
