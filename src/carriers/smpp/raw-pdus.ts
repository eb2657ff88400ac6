/**
 * The `smpp` package decodes and encodes message bodies itself: it labels GSM text as
 * data_coding=1, turns characters outside its table into '@', and splits the UDH off in a way that
 * loses bytes. smtp2sms encodes every SMS itself (src/sms), so both directions must see the raw
 * octets. Removing the package's message filters makes `short_message` and `message_payload` plain
 * Buffers on the wire and in parsed PDUs.
 *
 * The package keeps these definitions in module-global tables, so this runs once per process and
 * affects every Session and Server in it (our carrier and our simulator alike): both want raw bytes.
 */
import smpp from 'smpp';

let applied = false;

export function useRawMessageBodies(): typeof smpp {
  if (applied) return smpp;
  for (const command of ['submit_sm', 'deliver_sm', 'data_sm', 'submit_multi', 'replace_sm']) {
    const field = smpp.commands[command]?.params?.short_message;
    if (field) delete field.filter;
  }
  const payload = smpp.tlvs.message_payload;
  if (payload) delete payload.filter;
  applied = true;
  return smpp;
}
