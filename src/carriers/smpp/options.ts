/**
 * The SMPP carrier's options and their defaults, resolved once so the rest of the carrier never
 * has to remember what an omitted option means.
 */
import type { ConcatMethod, GsmAlphabet } from '../../sms/index.js';

export interface SmppCarrierOptions {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  tls?: boolean;
  /** Default transceiver: receipts come back on the same session. */
  bindMode?: 'transceiver' | 'transmitter';
  /** Max outstanding submit_sm, default 10. */
  window?: number;
  /** Per request (bind, submit_sm, enquire_link, unbind), default 10_000. */
  responseTimeoutMs?: number;
  /** Default 30_000; unanswered within responseTimeoutMs -> drop and reconnect. */
  enquireLinkMs?: number;
  /** Exponential backoff with full jitter, default 1_000..60_000. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** 0/undefined = unlimited; smooth pacing, in-process. */
  throughputPerSecond?: number;
  /** data_coding for GSM-7 text, default 0 (some SMSCs want 1 or 0xF1; 0xF0 would be class 0, flash SMS). */
  gsmDataCoding?: number;
  /** Default udh8; exposed as carrier.concat. */
  concat?: ConcatMethod;
  /** Default: derived from the source address (see sourceAddressType). */
  sourceTon?: number;
  sourceNpi?: number;
  /** Per part, default 20. */
  maxThrottleRetries?: number;
}

export interface ResolvedSmppOptions {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  tls: boolean;
  bindMode: 'transceiver' | 'transmitter';
  window: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  throughputPerSecond: number;
  gsmDataCoding: number;
  concat: ConcatMethod;
  sourceTon: number | undefined;
  sourceNpi: number | undefined;
  maxThrottleRetries: number;
}

export function resolveSmppOptions(options: SmppCarrierOptions): ResolvedSmppOptions {
  const resolved: ResolvedSmppOptions = {
    name: options.name,
    host: options.host,
    port: options.port,
    systemId: options.systemId,
    password: options.password,
    systemType: options.systemType ?? '',
    tls: options.tls ?? false,
    bindMode: options.bindMode ?? 'transceiver',
    window: options.window ?? 10,
    responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
    enquireLinkMs: options.enquireLinkMs ?? 30_000,
    reconnectInitialMs: options.reconnect?.initialMs ?? 1_000,
    reconnectMaxMs: options.reconnect?.maxMs ?? 60_000,
    throughputPerSecond: options.throughputPerSecond ?? 0,
    gsmDataCoding: options.gsmDataCoding ?? 0,
    concat: options.concat ?? 'udh8',
    sourceTon: options.sourceTon,
    sourceNpi: options.sourceNpi,
    maxThrottleRetries: options.maxThrottleRetries ?? 20,
  };
  // A zero window or timeout would wedge the carrier silently; the config schema should stop
  // these first, so reaching here is a programming error.
  for (const key of ['window', 'responseTimeoutMs', 'enquireLinkMs', 'reconnectInitialMs', 'reconnectMaxMs'] as const) {
    if (!(resolved[key] > 0)) throw new RangeError(`smpp carrier ${options.name}: ${key} must be > 0`);
  }
  if (!(resolved.gsmDataCoding >= 0 && resolved.gsmDataCoding <= 0xff)) {
    throw new RangeError(`smpp carrier ${options.name}: gsmDataCoding must be an octet`);
  }
  return resolved;
}

/**
 * What the octets of GSM-7 text must be for a data_coding: 1 (IA5) is ASCII and 3 is Latin-1, which
 * the SMSC converts itself; every other value (0, the GSM message classes 0xF0-0xF3) means GSM
 * septets. Sending septets labelled 1 put `@` on the wire as NUL and `$` as 0x02.
 */
export function gsmAlphabetFor(dataCoding: number): GsmAlphabet {
  if (dataCoding === 1) return 'ascii';
  if (dataCoding === 3) return 'latin1';
  return 'gsm';
}
