/**
 * A bare SMPP client for tests: the `smpp` package with raw bodies and promise wrappers, and
 * nothing of our carrier code, so a failure points at the server under test.
 */
import type { PDU, Session } from 'smpp';
import { useRawMessageBodies } from '../../src/carriers/smpp/raw-pdus.js';

export type BindKind = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';

export interface TestEsme {
  readonly session: Session;
  /** deliver_sm PDUs received (each already answered with deliver_sm_resp). */
  readonly delivered: PDU[];
  bind(kind?: BindKind, credentials?: { system_id?: string; password?: string }): Promise<PDU>;
  /** Resolves with the response PDU; rejects with code 'TIMEOUT' when none comes in time. */
  request(command: string, fields?: Record<string, unknown>, timeoutMs?: number): Promise<PDU>;
  submit(fields: Record<string, unknown>, timeoutMs?: number): Promise<PDU>;
  waitForDelivered(count: number, timeoutMs?: number): Promise<PDU[]>;
  /** Resolves when the server closes the connection. */
  closed(): Promise<void>;
  destroy(): Promise<void>;
}

export class TimeoutError extends Error {
  readonly code = 'TIMEOUT';
}

export function connectEsme(port: number, host = '127.0.0.1'): Promise<TestEsme> {
  const smpp = useRawMessageBodies();
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ host, port });
    const delivered: PDU[] = [];
    let isClosed = false;
    session.on('close', () => {
      isClosed = true;
    });
    session.on('error', () => {
      // The tests look at the outcome ('close', timeouts); errors here are expected in fault tests.
    });
    session.on('deliver_sm', (pdu: PDU) => {
      delivered.push(pdu);
      session.send(pdu.response());
    });
    session.once('error', reject);
    session.once('connect', () => {
      session.off('error', reject);
      resolve(makeEsme(session, delivered, () => isClosed));
    });
  });
}

function makeEsme(session: Session, delivered: PDU[], isClosed: () => boolean): TestEsme {
  const request = (command: string, fields: Record<string, unknown> = {}, timeoutMs = 2000) =>
    new Promise<PDU>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`no ${command}_resp in ${timeoutMs} ms`)), timeoutMs);
      const sent = session[command](fields, (pdu: PDU) => {
        clearTimeout(timer);
        resolve(pdu);
      });
      if (sent === false) {
        clearTimeout(timer);
        reject(new Error(`socket not writable for ${command}`));
      }
    });

  return {
    session,
    delivered,
    bind: (kind = 'bind_transceiver', credentials = { system_id: 'test', password: 'secret' }) =>
      request(kind, credentials),
    request,
    submit: (fields, timeoutMs) => request('submit_sm', fields, timeoutMs),
    waitForDelivered: (count, timeoutMs = 3000) =>
      poll(() => (delivered.length >= count ? delivered.slice() : undefined), timeoutMs, `${count} deliver_sm`),
    closed: () => poll(() => (isClosed() ? true : undefined), 3000, 'connection close').then(() => undefined),
    destroy: () =>
      new Promise<void>((resolve) => {
        if (isClosed()) resolve();
        else session.destroy(() => resolve());
      }),
  };
}

/** Polls every 10 ms; plenty for tests on loopback, and simpler than wiring events per case. */
export function poll<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started >= timeoutMs) return reject(new TimeoutError(`waited ${timeoutMs} ms for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** UTF-16BE, what data_coding 8 carries. */
export function ucs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** A concatenation UDH (with its length octet): IEI 0x00 for an 8-bit ref, 0x08 for 16-bit. */
export function concatUdh(ref: number, total: number, seq: number, refBits: 8 | 16 = 8): Buffer {
  return refBits === 8
    ? Buffer.from([0x05, 0x00, 0x03, ref, total, seq])
    : Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]);
}
