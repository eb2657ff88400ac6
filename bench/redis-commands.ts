/**
 * Diagnostic, not part of `npm run bench`: how many Redis commands, socket writes and bytes one
 * SMS costs in the relay, counted in-process while BENCH_N (default 2000) messages go through the
 * persistent scenario. Unlike throughput, these counts do not depend on how busy the machine is.
 *
 *   node --import tsx bench/redis-commands.ts
 *
 * It counts by wrapping ioredis' Redis.prototype.sendCommand and net.Socket.prototype.write for
 * the duration of the run, which is why it is kept apart from the timing bench.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { SMS_STALL_MS, SmsArrivals } from './arrivals.js';
import { runLoad } from './load.js';
import { messageSet } from './messages.js';
import { REDIS_URL, startRelay } from './targets.js';

interface CountedCommand { name: string; args: unknown[] }
interface ScriptHost { scriptsSet?: Record<string, { sha: string }> }

const n = Number(process.env.BENCH_N ?? 2000) || 2000;
const redisPort = Number(new URL(REDIS_URL).port || 6379);
const commands = new Map<string, number>();
const writes = { redis: { count: 0, bytes: 0 }, other: { count: 0, bytes: 0 } };
let counting = false;

/** evalsha arguments carry a sha; name it after the BullMQ/ioredis script it belongs to. */
function commandName(host: ScriptHost, command: CountedCommand): string {
  if (command.name !== 'evalsha') return command.name;
  const sha = String(command.args[0]);
  const script = Object.entries(host.scriptsSet ?? {}).find(([, s]) => s.sha === sha);
  return `evalsha ${script ? script[0] : sha.slice(0, 8)}`;
}

const proto = Redis.prototype as unknown as { sendCommand(this: ScriptHost, command: CountedCommand, ...rest: unknown[]): unknown };
const originalSend = proto.sendCommand;
proto.sendCommand = function (command, ...rest) {
  if (counting) {
    const name = commandName(this, command);
    commands.set(name, (commands.get(name) ?? 0) + 1);
  }
  return originalSend.call(this, command, ...rest);
};
const socketProto = net.Socket.prototype as unknown as { write(this: net.Socket, chunk: string | Uint8Array, ...rest: unknown[]): boolean };
const originalWrite = socketProto.write;
socketProto.write = function (chunk, ...rest) {
  if (counting) {
    const bucket = this.remotePort === redisPort ? writes.redis : writes.other;
    bucket.count++;
    bucket.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }
  return originalWrite.call(this, chunk, ...rest);
};

/** Keys under `<prefix>:*` and their MEMORY USAGE total, read in pipelined batches. */
async function storedFootprint(prefix: string): Promise<{ keys: number; bytes: number; byKind: Map<string, number> }> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let keys = 0;
  let bytes = 0;
  const byKind = new Map<string, number>();
  // `sms:3f2a…-4915112345678` → `sms:*`: ids folded so that keys group by what they hold.
  const kind = (key: string) => key.slice(prefix.length + 1).split(':').map((part) => (/\d{5,}|[0-9a-f]{12,}/.test(part) ? '*' : part)).join(':');
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      const pipeline = redis.pipeline();
      for (const key of batch) pipeline.memory('USAGE', key);
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([, usage], i) => {
        bytes += Number(usage ?? 0);
        const k = kind(batch[i]!);
        byKind.set(k, (byKind.get(k) ?? 0) + Number(usage ?? 0));
      });
      keys += batch.length;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, bytes, byKind };
}

const relay = await startRelay({ window: 50, concurrency: 100 });
try {
  const set = messageSet(n);
  const arrivals = new SmsArrivals(relay.smsc, set, n);
  counting = true;
  const load = await runLoad({ scenario: 'persistent', port: relay.port, n, sessions: 50 }, set.make, () => undefined);
  await arrivals.wait(load.accepted, SMS_STALL_MS);
  counting = false;
  arrivals.close();
  const stored = await storedFootprint(relay.prefix);
  const per = (value: number) => Math.round((value / Math.max(1, arrivals.delivered)) * 100) / 100;
  const total = [...commands.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`${JSON.stringify({
    bench: 'redis-commands', n, accepted: load.accepted, delivered: arrivals.delivered,
    redis_commands_per_sms: per(total),
    redis_writes_per_sms: per(writes.redis.count), redis_bytes_per_sms: Math.round(per(writes.redis.bytes)),
    other_writes_per_sms: per(writes.other.count),
    // What stays in Redis after delivery (completed jobs, status, id index, pending deadline jobs).
    redis_keys_per_sms: per(stored.keys), redis_stored_bytes_per_sms: Math.round(per(stored.bytes)),
    stored_bytes_per_sms_by_key: Object.fromEntries([...stored.byKind].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, b]) => [k, Math.round(per(b))])),
    by_command: Object.fromEntries([...commands].sort((a, b) => b[1] - a[1]).map(([name, count]) => [name, per(count)])),
  })}\n`);
} finally {
  counting = false;
  await relay.stop();
}
