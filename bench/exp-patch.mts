// TEMPORARY experiment (not part of the bench): monkeypatches selected by EXP=a,b,c.
import { SmsQueue } from '../src/queue/sms-queue.js';
import { StatusStore } from '../src/delivery/status-store.js';
import { TaskQueue } from '../src/queue/task-queue.js';
const exp = (process.env.EXP ?? '').split(',');
if (exp.includes('a')) {
  const orig = SmsQueue.prototype.enqueue;
  SmsQueue.prototype.enqueue = async function (this: any, jobs) {
    if (jobs.length !== 1) return orig.call(this, jobs);
    const { id, data } = jobs[0]!;
    await this.withTimeout(this.queue.add('sms', data, { jobId: id, attempts: Number.MAX_SAFE_INTEGER, backoff: { type: 'smtp2sms' }, removeOnComplete: { age: this.keepCompletedSeconds }, removeOnFail: { age: this.keepCompletedSeconds * 7 } }), 'store the message');
  };
}
if (exp.includes('b')) {
  StatusStore.prototype.recordSubmitted = async function (this: any, jobId, fields) {
    const key = this.rcptKey(jobId);
    const multi = this.redis.multi();
    const flat: Record<string, string> = { route: fields.route, carrier: fields.carrier, attempts: String(fields.attempts), parts: String(fields.partIds.length), expectedParts: String(fields.expectedParts), submittedAt: String(Date.now()), updatedAt: String(Date.now()) };
    fields.partIds.forEach((id: string, i: number) => { flat[`part:${i}:id`] = id; multi.set(this.idKey(fields.carrier, id), `${jobId}|${i}`, 'EX', 7 * 86400); });
    multi.hset(key, flat);
    multi.hsetnx(key, 'finalState', '');
    multi.eval("if redis.call('HGET', KEYS[1], 'finalState') == '' then redis.call('HSET', KEYS[1], 'state', 'submitted') end return 1", 1, key);
    await multi.exec();
  };
}
if (exp.includes('c')) {
  const orig = TaskQueue.prototype.add;
  TaskQueue.prototype.add = async function (this: any, name: string, ...rest: any[]) {
    if (name === 'deadline') return;
    return (orig as any).call(this, name, ...rest);
  };
}
process.stderr.write(`exp-patch: ${exp.join(',') || 'none'}\n`);
import { Redis } from 'ioredis';
if (exp.includes('d')) (Redis as unknown as { defaultOptions: Record<string, unknown> }).defaultOptions.enableAutoPipelining = true;
