/**
 * Concatenation User Data Header, 3GPP TS 23.040 §9.2.3.24.1 (IEI 0x00, 8-bit reference) and
 * §9.2.3.24.8 (IEI 0x08, 16-bit reference). The carrier prepends it to each part's body with
 * esm_class 0x40 (UDHI).
 */

/** UDH including its length octet: 6 octets for an 8-bit reference, 7 for a 16-bit one. */
export function udhConcat(ref: number, total: number, seq: number, refBits: 8 | 16): Buffer {
  const refMax = refBits === 8 ? 0xff : 0xffff;
  // A wrong header makes handsets show parts out of order or never join them, so refuse it.
  if (!Number.isInteger(ref) || ref < 0 || ref > refMax) {
    throw new RangeError(`concat reference ${ref} does not fit in ${refBits} bits`);
  }
  if (!Number.isInteger(total) || total < 1 || total > 255) {
    throw new RangeError(`concat total ${total} is not within 1..255`);
  }
  if (!Number.isInteger(seq) || seq < 1 || seq > total) {
    throw new RangeError(`concat sequence ${seq} is not within 1..${total}`);
  }
  if (refBits === 8) return Buffer.from([0x05, 0x00, 0x03, ref, total, seq]);
  return Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]);
}
