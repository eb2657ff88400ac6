// Minimal typings for the `smpp` package (farhadi/node-smpp), covering what we use.
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import { Server as NetServer, Socket } from 'node:net';

  export interface PDU {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
    [field: string]: any;
  }
  export const PDU: {
    new (command: string, options?: Record<string, unknown>): PDU;
    new (buffer: Buffer): PDU;
    maxLength: number;
  };

  export class Session extends EventEmitter {
    socket: Socket;
    server?: Server;
    paused: boolean;
    constructor(options: Record<string, unknown>);
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    [command: string]: any;
  }
  export class Server extends NetServer {
    sessions: Session[];
  }
  export function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;
  export function createServer(listener?: (session: Session) => void): Server;
  export function connect(options: Record<string, unknown>, listener?: () => void): Session;

  export const commands: Record<string, { id: number; params?: Record<string, any>; tlvMap?: Record<string, string> }>;
  export const tlvs: Record<string, { id: number; filter?: unknown; type: unknown }>;
  export const errors: Record<string, number>;
  export const consts: Record<string, any>;
}
