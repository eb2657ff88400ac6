/**
 * The wire: an undici Agent with keep-alive pools per origin and per-request timeouts. Its only
 * job is to turn a BuiltRequest into a read reply or a typed transport failure; meaning is
 * decided by the classifier.
 */
import { Agent } from 'undici';
import type { BuiltRequest } from './request.js';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export type TransportResult =
  /**
   * The provider answered. `bodyError`: its status and headers came, the body then broke off
   * (timeout, reset); `reply.text` is what arrived. The provider may well have the message.
   */
  | { ok: true; reply: RawReply; bodyError?: string }
  /** timeout: connect, headers or body took too long; unavailable: refused, reset, DNS, TLS. */
  | { ok: false; kind: 'timeout' | 'unavailable'; detail: string };

export interface TransportOptions {
  timeoutMs: number;
  /** Connections kept per origin. */
  connections: number;
  /** Largest reply body read; the rest is discarded. */
  maxBodyBytes?: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export class HttpTransport {
  private readonly agent: Agent;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: TransportOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(request: BuiltRequest): Promise<TransportResult> {
    const { timeoutMs } = this.options;
    let response: Awaited<ReturnType<Agent['request']>>;
    try {
      response = await this.agent.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method as 'GET' | 'POST' | 'PUT',
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      const code = errorCode(err);
      return { ok: false, kind: code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'unavailable', detail: describe(err) };
    }
    // Read apart from the request: once the status is in, a failure is not "no answer".
    const chunks: Buffer[] = [];
    const reply = () => ({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
    try {
      await readCapped(response.body, this.maxBodyBytes, chunks);
      return { ok: true, reply: reply() };
    } catch (err) {
      return { ok: true, reply: reply(), bodyError: describe(err) };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Reads up to `max` bytes into `chunks` (kept by the caller, so a broken body keeps its start). */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number, chunks: Buffer[]): Promise<void> {
  let size = 0;
  for await (const chunk of body) {
    const room = max - size;
    if (room <= 0) break;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= max) break;
  }
  if (size >= max) body.destroy();
}

function describe(err: unknown): string {
  return `${errorCode(err) ?? 'ERROR'}: ${(err as Error)?.message ?? String(err)}`;
}

/** undici errors carry a `code` (UND_ERR_*); socket errors carry errno codes, sometimes on `cause`. */
function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    if (typeof code === 'string' && !(current as { cause?: unknown }).cause) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
