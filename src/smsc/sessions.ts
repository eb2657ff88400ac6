/**
 * One ESME connection to the simulator: the bind state machine, enquire_link, unbind, and
 * generic_nack for what we do not serve. submit_sm goes to the host. Whatever a peer sends, the
 * worst outcome is that its own connection is closed with a log line; the process never stops.
 */
import type { PDU, Session } from 'smpp';
import { useRawMessageBodies } from '../carriers/smpp/raw-pdus.js';
import { SmppStatus } from './status.js';
import type { SmscBindEvent, SmscLogger } from './types.js';

export type BindMode = SmscBindEvent['mode'];

export interface SessionState {
  readonly session: Session;
  readonly remoteAddress?: string;
  systemId?: string;
  mode?: BindMode;
}

/** What a session needs from the simulator that owns it. */
export interface SessionHost {
  readonly logger: SmscLogger;
  /** ESME_ROK, or the status refusing these credentials. */
  checkCredentials(systemId: string, password: string): number;
  onBound(state: SessionState): void;
  onSubmit(state: SessionState, pdu: PDU): void;
  onClosed(state: SessionState): void;
}

const BIND_MODES: Readonly<Record<string, BindMode>> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

/** The system_id the simulator names itself with in bind responses. */
export const SMSC_SYSTEM_ID = 'smtp2sms-smsc';

/** SMPP 3.4 §3.2: the header alone is 16 octets, so a shorter command_length is garbage. */
const MIN_PDU_LENGTH = 16;

export function attachSession(session: Session, host: SessionHost): SessionState {
  const state: SessionState = { session, remoteAddress: session.socket.remoteAddress };
  const log = host.logger;

  const fail = (reason: string, err?: unknown) => {
    log.warn({ remoteAddress: state.remoteAddress, systemId: state.systemId, reason, err: describe(err) }, 'smsc session closed on protocol error');
    session.destroy();
  };

  // The package emits parse failures (and socket errors) here; unhandled, they would throw.
  session.on('error', (err: unknown) => fail('read error', err));

  // The package accepts a command_length of 1-15, then waits forever for a negative number of
  // octets. It runs its reader first (it registered first), so by now the length is known.
  session.socket.on('readable', () => {
    const pending = (session as unknown as { _command_length?: number | null })._command_length;
    if (typeof pending === 'number' && pending > 0 && pending < MIN_PDU_LENGTH) {
      fail(`command_length ${pending} is shorter than a PDU header`);
    }
  });

  session.on('pdu', (pdu: PDU) => {
    // The package calls us inside its socket reader, where a throw would be uncaught.
    try {
      dispatch(state, pdu, host);
    } catch (err) {
      fail(`failed to handle ${pdu.command}`, err);
    }
  });

  session.on('close', () => host.onClosed(state));
  return state;
}

function dispatch(state: SessionState, pdu: PDU, host: SessionHost): void {
  const { session } = state;
  if (pdu.isResponse()) return; // deliver_sm_resp, enquire_link_resp: nothing to answer
  const mode = BIND_MODES[pdu.command];
  if (mode) {
    bind(state, pdu, mode, host);
    return;
  }
  switch (pdu.command) {
    case 'enquire_link':
      session.send(pdu.response());
      return;
    case 'unbind':
      host.logger.info({ systemId: state.systemId, remoteAddress: state.remoteAddress }, 'smsc unbind');
      state.mode = undefined;
      session.send(pdu.response(), () => session.close());
      return;
    case 'submit_sm':
      if (state.mode !== 'transmitter' && state.mode !== 'transceiver') {
        session.send(pdu.response({ command_status: SmppStatus.ESME_RINVBNDSTS }));
        return;
      }
      host.onSubmit(state, pdu);
      return;
    default:
      // Unknown ids and operations we do not serve (query_sm, data_sm, ...) alike.
      session.send(
        new (useRawMessageBodies().PDU)('generic_nack', {
          sequence_number: pdu.sequence_number,
          command_status: SmppStatus.ESME_RINVCMDID,
        }),
      );
  }
}

function bind(state: SessionState, pdu: PDU, mode: BindMode, host: SessionHost): void {
  const { session } = state;
  if (state.mode) {
    session.send(pdu.response({ command_status: SmppStatus.ESME_RALYBND }));
    return;
  }
  const systemId = typeof pdu.system_id === 'string' ? pdu.system_id : '';
  const password = typeof pdu.password === 'string' ? pdu.password : '';
  const status = host.checkCredentials(systemId, password);
  if (status !== SmppStatus.ESME_ROK) {
    host.logger.warn({ systemId, remoteAddress: state.remoteAddress, commandStatus: status }, 'smsc bind refused');
    session.send(pdu.response({ command_status: status }));
    return;
  }
  state.systemId = systemId;
  state.mode = mode;
  session.send(pdu.response({ system_id: SMSC_SYSTEM_ID }));
  host.logger.info({ systemId, mode, remoteAddress: state.remoteAddress }, 'smsc bind');
  host.onBound(state);
}

function describe(err: unknown): string | undefined {
  if (err === undefined) return undefined;
  return err instanceof Error ? err.message : String(err);
}
