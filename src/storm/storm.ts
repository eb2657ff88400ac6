/**
 * Storm control per phone number, in Redis so that every relay process shares it:
 *
 * - dedup: the same text to the same number within `dedupWindow` is suppressed (unless
 *   something else was said about the same alert in between);
 * - bursts: past `burstLimit` SMS within `burstWindow`, messages are held in Redis and sent
 *   later as one summary ("+7 more alerts: …"); held messages survive a restart;
 * - cap: past `hourlyCap` SMS in a clock hour, messages are suppressed and counted, and one
 *   report ("12 more SMS suppressed") goes out when the hour ends;
 * - a recovery for an alert whose problem this number was sent is never suppressed or held.
 *
 * The intake runs the decision inside its record script (`decisionCall`/`decided`, see
 * pipeline/accept-script.ts; `decide` runs it alone); a timer calls `flushDue` to send what is due.
 * No I/O until a method is called.
 */
import type { Redis } from 'ioredis';
import { burstMember, capMember, digest, HOUR_MS, parseMember, StormKeys } from './keys.js';
import { takeLock } from '../redis-scripts.js';
import { DECIDE_SCRIPT, FINISH_BATCH_SCRIPT, UNDO_SCRIPT } from './script.js';
import { burstSummaryText, capReportText } from './summary.js';
import type {
  HeldMessage,
  StormConfig,
  StormCounters,
  StormDecision,
  StormMeta,
  StormNumberStatus,
  StormReason,
  StormSummary,
} from './types.js';

/** How long alert markers (problem sent, last text) and held lists live without activity. */
export const MARKER_TTL_MS = 24 * HOUR_MS;
/** Most held messages one summary takes; the rest wait for the next flush. */
export const MAX_SUMMARY_ITEMS = 200;
/** Lock on one due entry while it is being sent, longer than a queue add takes. */
const FLUSH_LOCK_MS = 30_000;

export interface StormOptions {
  /** Key prefix (config `redis.prefix`). */
  prefix: string;
  now?: () => number;
  /** Called for every decision, e.g. to count it in Prometheus. */
  onDecision?: (decision: StormDecision, number: string) => void;
}

export class StormControl {
  private readonly keys: StormKeys;
  private readonly now: () => number;
  private readonly totals: StormCounters = {
    sent: 0, recoveries: 0, duplicates: 0, capped: 0, deferred: 0, burstSummaries: 0, capReports: 0,
  };

  constructor(
    private readonly redis: Redis,
    private readonly config: StormConfig,
    private readonly options: StormOptions,
  ) {
    this.keys = new StormKeys(options.prefix);
    this.now = options.now ?? Date.now;
    // EVALSHA after the first call: the decision script is sent once, not with every recipient.
    if (!('s2sStormDecide' in redis)) redis.defineCommand('s2sStormDecide', { numberOfKeys: 9, lua: DECIDE_SCRIPT });
    if (!('s2sStormUndo' in redis)) redis.defineCommand('s2sStormUndo', { numberOfKeys: 2, lua: UNDO_SCRIPT });
  }

  /** Whether to send `text` to `number` now, suppress it, or hold it for a summary. */
  async decide(number: string, text: string, meta: StormMeta = {}): Promise<StormDecision> {
    const call = this.decisionCall(number, text, meta);
    if (call === undefined) return this.count({ action: 'send', reason: 'disabled' }, number);
    const { keys, args } = call;
    const decideScript = (this.redis as unknown as { s2sStormDecide(...args: string[]): Promise<unknown> }).s2sStormDecide;
    return this.decided(await decideScript.call(this.redis, ...keys, ...args), number);
  }

  /**
   * The keys (9) and arguments (14) of DECIDE_FUNCTION for one recipient, for a caller that runs
   * the decision inside its own script; it hands the result to `decided`. Undefined when disabled.
   */
  decisionCall(number: string, text: string, meta: StormMeta = {}): { keys: string[]; args: string[] } | undefined {
    if (!this.config.enabled) return undefined;
    const now = this.now();
    const hour = Math.floor(now / HOUR_MS);
    const textHash = digest(text);
    const alertHash = digest(meta.alertKey ?? '');
    const state = meta.state ?? 'info';
    const held = JSON.stringify({ text, state, alertKey: meta.alertKey, jobId: meta.jobId, at: now });
    return {
      keys: [
        this.keys.dedup(number, textHash),
        this.keys.lastSent(number, alertHash),
        this.keys.problemSent(number, alertHash),
        this.keys.burst(number),
        this.keys.held(number),
        this.keys.due(),
        this.keys.sent(number, hour),
        this.keys.suppressed(number, hour),
        this.keys.heldSeq(number),
      ],
      args: [
        String(now),
        textHash,
        meta.alertKey !== undefined && meta.alertKey !== '' ? '1' : '0',
        state,
        String(this.config.dedupWindow),
        String(this.config.burstWindow),
        String(this.config.burstLimit),
        String(this.config.hourlyCap),
        String((hour + 1) * HOUR_MS),
        held,
        burstMember(number),
        capMember(number, hour),
        String(MARKER_TTL_MS),
        meta.jobId ?? '',
      ],
    };
  }

  /** A decision as DECIDE_FUNCTION returned it ({action, reason, flushAt}), counted. */
  decided(result: unknown, number: string): StormDecision {
    const [action, reason, flushAt] = result as [string, string, string];
    const decision: StormDecision = { action: action as StormDecision['action'], reason: reason as StormReason };
    if (decision.action === 'defer') decision.flushAt = Number(flushAt);
    return this.count(decision, number);
  }

  private count(decision: StormDecision, number: string): StormDecision {
    if (decision.reason === 'recovery') this.totals.recoveries++;
    if (decision.action === 'send' && decision.reason !== 'resend') this.totals.sent++;
    else if (decision.reason === 'duplicate') this.totals.duplicates++;
    else if (decision.reason === 'cap') this.totals.capped++;
    else if (decision.action === 'defer') this.totals.deferred++;
    this.options.onDecision?.(decision, number);
    return decision;
  }

  /**
   * Sends every summary that is due through `send` (which must enqueue the SMS and resolve only
   * once it is stored). Held messages are removed only after `send` resolves; if it throws they
   * stay and the next call tries again with the same summary id. Returns how many were sent;
   * rejects with the first failure after trying every due entry.
   */
  async flushDue(send: (summary: StormSummary) => Promise<void>, limit = 100): Promise<number> {
    const now = this.now();
    const members = await this.redis.zrangebyscore(this.keys.due(), '-inf', String(now), 'LIMIT', 0, limit);
    let sent = 0;
    let failure: unknown;
    for (const member of members) {
      const lock = await takeLock(this.redis, this.keys.lock(member), FLUSH_LOCK_MS);
      if (!lock) continue;
      try {
        if (await this.flushOne(member, send)) sent++;
      } catch (err) {
        // One number's failed summary must not hold back the others; it is retried next time.
        failure ??= err;
      } finally {
        await lock.release();
      }
    }
    if (failure !== undefined) throw failure;
    return sent;
  }

  private async flushOne(member: string, send: (summary: StormSummary) => Promise<void>): Promise<boolean> {
    const parsed = parseMember(member);
    if (parsed === undefined) {
      await this.redis.zrem(this.keys.due(), member);
      return false;
    }
    const { number } = parsed;
    if (parsed.kind === 'cap') {
      const key = this.keys.suppressed(number, parsed.hour);
      const count = Number((await this.redis.get(key)) ?? 0);
      if (count > 0) {
        const text = capReportText(this.config.capTemplate, count, this.config.hourlyCap);
        await send({ id: `storm-cap-${number}-${parsed.hour}`, number, kind: 'cap', text, count, held: [] });
        this.totals.capReports++;
      }
      await this.redis.multi().del(key).zrem(this.keys.due(), member).exec();
      return count > 0;
    }
    const heldKey = this.keys.held(number);
    const batchKey = this.keys.batch(number);
    // A batch left by a flush that failed after its SMS may have been queued is sent again as it
    // was (same id, which the queue ignores if it has it, same entries): never a second, larger
    // summary under the first one's id, which would leave the newer entries unsent.
    let batch = await this.redis.get(batchKey);
    let raw: string[] | undefined;
    if (batch === null) {
      raw = await this.redis.lrange(heldKey, 0, MAX_SUMMARY_ITEMS - 1);
      const firstHeld = raw.flatMap((entry) => parseHeld(entry));
      if (firstHeld.length === 0) {
        await this.redis.zrem(this.keys.due(), member);
        return false;
      }
      // The held sequence restarts after a quiet day; the first message's time keeps the id
      // unique, so a new burst never collides with an old summary job the queue still remembers.
      batch = JSON.stringify({ id: `storm-burst-${number}-${firstHeld[0]!.seq}-${firstHeld[0]!.at}`, entries: raw.length });
      await this.redis.set(batchKey, batch, 'PX', MARKER_TTL_MS);
    }
    const { id, entries } = JSON.parse(batch) as { id: string; entries: number };
    // A saved batch is read again: its entries are the list's first ones (only flushes trim it).
    raw ??= await this.redis.lrange(heldKey, 0, entries - 1);
    const held = raw.flatMap((entry) => parseHeld(entry));
    const text = burstSummaryText(this.config.summaryTemplate, held);
    if (held.length > 0) {
      await send({ id, number, kind: 'burst', text, count: held.length, held });
      this.totals.burstSummaries++;
    }
    const now = this.now();
    const hour = Math.floor(now / HOUR_MS);
    const finished = await this.redis.eval(FINISH_BATCH_SCRIPT, 3, heldKey, batchKey, this.keys.due(), batch, String(raw.length), String(now + this.config.burstWindow), member);
    if (finished !== 1 || held.length === 0) return false;
    const tx = this.redis.multi();
    // The summary told the number about these problems: their recoveries must get through.
    for (const h of held) {
      if (h.alertKey === undefined || h.alertKey === '') continue;
      const alertHash = digest(h.alertKey);
      if (h.state === 'problem') tx.set(this.keys.problemSent(number, alertHash), '1', 'PX', MARKER_TTL_MS);
      if (h.state === 'recovery') tx.del(this.keys.problemSent(number, alertHash));
    }
    tx.incr(this.keys.sent(number, hour)).pexpire(this.keys.sent(number, hour), 2 * HOUR_MS);
    await tx.exec();
    return true;
  }

  /**
   * Takes back a 'send' decision whose SMS could not be enqueued (the SMTP client is told 451 and
   * will retry): the marker is kept as `undone:`, so the retry of the same job is sent again
   * (never held, which could send it twice) and another message with the text is not suppressed
   * for it. `jobId` is the `meta.jobId` given to `decide`. A 'defer' needs no undo: the held
   * message is already safe in Redis and goes out with its summary.
   */
  async undo(number: string, text: string, decision: StormDecision, jobId?: string): Promise<void> {
    if (decision.action !== 'send' || decision.reason === 'disabled') return;
    const hour = Math.floor(this.now() / HOUR_MS);
    const undoScript = (this.redis as unknown as { s2sStormUndo(...args: string[]): Promise<number> }).s2sStormUndo;
    const undone = await undoScript.call(this.redis, this.keys.dedup(number, digest(text)), this.keys.sent(number, hour), jobId || '1');
    if (undone === 1 && decision.reason !== 'resend') this.totals.sent = Math.max(0, this.totals.sent - 1);
  }

  /** Per-number state, for the status API. */
  async status(number: string): Promise<StormNumberStatus> {
    const hour = Math.floor(this.now() / HOUR_MS);
    const [burst, held, sent, suppressed] = await Promise.all([
      this.redis.get(this.keys.burst(number)),
      this.redis.llen(this.keys.held(number)),
      this.redis.get(this.keys.sent(number, hour)),
      this.redis.get(this.keys.suppressed(number, hour)),
    ]);
    return {
      burstCount: Number(burst ?? 0),
      held,
      sentThisHour: Number(sent ?? 0),
      suppressedThisHour: Number(suppressed ?? 0),
    };
  }

  /** Totals since this instance started. */
  counters(): Readonly<StormCounters> {
    return { ...this.totals };
  }
}

function parseHeld(entry: string): HeldMessage[] {
  const bar = entry.indexOf('|');
  if (bar < 0) return [];
  try {
    const { messageId, ...data } = JSON.parse(entry.slice(bar + 1)) as Omit<HeldMessage, 'seq'> & { messageId?: string };
    if (typeof data.text !== 'string') return [];
    // Entries held before the field was named jobId (kept up to 24 h) still name their job.
    const jobId = data.jobId ?? messageId;
    return [{ ...data, ...(jobId !== undefined ? { jobId } : {}), seq: Number(entry.slice(0, bar)) }];
  } catch {
    return [];
  }
}
