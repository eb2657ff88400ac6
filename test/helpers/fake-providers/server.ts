/**
 * A fake HTTP provider on 127.0.0.1, port 0: records every request as received and answers with
 * the provider's handler, which checks the request the way the provider documents it and picks
 * its answer by destination number (see numbers.ts), like the fake SMSCs do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** Parsed when the content type is JSON. */
  json?: unknown;
  /** Parsed when the content type is a form. */
  form?: URLSearchParams;
  /** The client's port: the same one across requests means the connection was kept alive. */
  remotePort: number;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON, a string as text/plain. */
  body?: unknown;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Send the status, headers and the first half of the body, then stall or reset the connection. */
  breakOff?: 'stall' | 'reset';
}

export type FakeHandler = (request: RecordedRequest) => FakeReply;

export class FakeProviderServer {
  readonly requests: RecordedRequest[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly origin: string, public handler: FakeHandler) {}

  static async start(handler: FakeHandler): Promise<FakeProviderServer> {
    let fake: FakeProviderServer | undefined;
    const server = createServer((req, res) => void fake!.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeProviderServer(server, `http://127.0.0.1:${port}`, handler);
    return fake;
  }

  get last(): RecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('the fake provider received no request');
    return last;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const type = req.headers['content-type'] ?? '';
    const recorded: RecordedRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, remotePort: req.socket.remotePort ?? 0 };
    if (type.includes('json')) {
      try {
        recorded.json = JSON.parse(body);
      } catch {
        recorded.json = undefined;
      }
    }
    if (type.includes('application/x-www-form-urlencoded')) recorded.form = new URLSearchParams(body);
    this.requests.push(recorded);
    const reply = this.handler(recorded);
    if (reply.hang) {
      this.hanging.add(res);
      return;
    }
    const isText = typeof reply.body === 'string';
    res.writeHead(reply.status, { 'content-type': isText ? 'text/plain' : 'application/json', ...reply.headers });
    if (reply.breakOff) {
      const text = isText ? (reply.body as string) : JSON.stringify(reply.body ?? {});
      res.write(text.slice(0, Math.floor(text.length / 2)));
      if (reply.breakOff === 'reset') setTimeout(() => res.socket?.destroy(), 20);
      else this.hanging.add(res);
      return;
    }
    res.end(reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body));
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
