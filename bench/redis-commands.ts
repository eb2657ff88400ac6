import net from 'node:net';
import { Redis } from 'ioredis';
import { startRelay } from './targets.js';
import { runLoad } from './load.js';
import { messageSet } from './messages.js';
import { SmsArrivals } from './arrivals.js';

const cmds = new Map<string, number>();
let counting = false;
const orig = (Redis.prototype as any).sendCommand;
(Redis.prototype as any).sendCommand = function (command: any, ...rest: any[]) {
  if (counting) {
    let name = command.name;
    if (name === 'evalsha' || name === 'eval') {
      name += ':' + (this.__shaNames?.get(command.args[0]) ?? String(command.args[0]).slice(0, 8));
    }
    cmds.set(name, (cmds.get(name) ?? 0) + 1);
  }
  return orig.call(this, command, ...rest);
};
const writes = new Map<string, { n: number; bytes: number }>();
const ow = net.Socket.prototype.write;
(net.Socket.prototype as any).write = function (chunk: any, ...rest: any[]) {
  if (counting) {
    const k = this.remotePort === 6379 ? 'redis' : `port${this.remotePort}/local${this.localPort}`;
    const key = this.remotePort === 6379 ? 'redis' : 'other';
    const w = writes.get(key) ?? { n: 0, bytes: 0 };
    w.n++; w.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    writes.set(key, w);
    void k;
  }
  return ow.call(this, chunk, ...rest);
};

const N = Number(process.env.N ?? 2000);
const relay = await startRelay({ window: 50, concurrency: 100 });
try {
  // map script sha -> name using bullmq's commands loaded on connections: approximate by args count
  const set = messageSet(N);
  const arrivals = new SmsArrivals(relay.smsc, set, N);
  counting = true;
  const load = await runLoad({ scenario: 'persistent', port: relay.port, n: N, sessions: 50 }, set.make, () => undefined);
  await arrivals.wait(load.accepted, 10000);
  counting = false;
  arrivals.close();
  console.log('accepted', load.accepted, 'delivered', arrivals.delivered);
  const rows = [...cmds].sort((a, b) => b[1] - a[1]);
  let total = 0; for (const [, c] of rows) total += c;
  console.log('redis commands per message:', (total / N).toFixed(2));
  for (const [k, c] of rows) console.log(k.padEnd(30), (c / N).toFixed(2));
  for (const [k, w] of writes) console.log('socket writes', k, (w.n / N).toFixed(2), 'per msg,', (w.bytes / N).toFixed(0), 'bytes per msg');
} finally {
  await relay.stop();
}
