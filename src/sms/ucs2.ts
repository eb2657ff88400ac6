/**
 * Text ⇄ UCS-2 bodies for data_coding 8. Encoded as UTF-16BE: handsets and SMSCs pass
 * surrogate pairs through, so emoji survive even though the standard says UCS-2.
 */

/** UTF-16 code units → big-endian octets. Lone surrogates are kept as they are. */
export function encodeUcs2(text: string): Buffer {
  // Node's 'utf16le' writes code units verbatim; swapping gives big-endian.
  return Buffer.from(text, 'utf16le').swap16();
}

/** Big-endian octets → text. A trailing odd octet cannot be a code unit, so U+FFFD. */
export function decodeUcs2(body: Buffer): string {
  const even = body.length - (body.length % 2);
  // Copy first: swap16 works in place and the body belongs to the caller.
  const text = Buffer.from(body.subarray(0, even)).swap16().toString('utf16le');
  return even === body.length ? text : `${text}\uFFFD`;
}
