/** Shapes shared by the encoder and its callers (render/ produces text, carriers/ sends parts). */

export type SmsEncoding = 'gsm7' | 'ucs2';

/**
 * How a long message reaches the carrier: a UDH with an 8- or 16-bit reference in each part,
 * SMPP sar_* TLVs (no UDH, so the same room as udh8), or the whole text in message_payload
 * for the SMSC to split.
 */
export type ConcatMethod = 'udh8' | 'udh16' | 'sar' | 'payload';

/**
 * The octets an SMSC expects for GSM-7 text: unpacked GSM 03.38 septets (data_coding 0 and the
 * GSM message-class codings), or ASCII (data_coding 1, IA5) or Latin-1 (3), which the SMSC turns
 * into GSM itself. Text outside the chosen alphabet goes as UCS-2 instead.
 */
export type GsmAlphabet = 'gsm' | 'ascii' | 'latin1';

export interface SmsSegment {
  /** The characters of this part. */
  text: string;
  /**
   * Payload octets without any UDH: gsm7 = unpacked septets, one per octet (SMPP data_coding 0
   * convention), escape 0x1B included, or the ASCII/Latin-1 octets of the text (GsmAlphabet);
   * ucs2 = UTF-16BE.
   */
  body: Buffer;
}

export interface SmsMessage {
  /** Final text after transliteration and truncation. */
  text: string;
  encoding: SmsEncoding;
  /** 0 for gsm7, 8 for ucs2; callers may override gsm7's per carrier. */
  dataCoding: number;
  /** One for a single SMS or for concat 'payload'. */
  segments: SmsSegment[];
  /**
   * The SMS the handset receives (and the carrier bills): the segments, or for 'payload' the parts
   * the SMSC will cut the text into.
   */
  parts: number;
  /** Septets (gsm7) or UTF-16 code units (ucs2) of the whole text. */
  units: number;
  truncated: boolean;
}

export interface BuildSmsOptions {
  /** At least 1. */
  maxSegments: number;
  /** Default 'udh8'. */
  concat?: ConcatMethod;
  /** Default true. */
  transliterate?: boolean;
  /** Default '...' for gsm7, '…' for ucs2. */
  truncationMarker?: string;
  /** Default 'gsm'. */
  gsmAlphabet?: GsmAlphabet;
}
