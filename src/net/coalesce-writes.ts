import type { Socket } from 'node:net';

/**
 * Holds a socket's writes until the end of the current event-loop turn (cork, then uncork in
 * setImmediate), so what many sessions or jobs send in one turn leaves in one writev instead of
 * one write each. Costs at most one turn of latency. Used for the Redis connections of the SMTP
 * path (see redis-connections.ts); tried on SMPP sockets and BullMQ's worker connection without a
 * clear gain.
 */
export function coalesceWrites(socket: Socket): void {
  if (patched.has(socket)) return;
  patched.add(socket);
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write;
  socket.write = function corkedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

const patched = new WeakSet<Socket>();
