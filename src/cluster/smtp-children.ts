/**
 * The main process's side of `smtp.processes`: forks the SMTP child processes (node:cluster, so
 * they share one listening port), starts another when one dies, collects their metrics for
 * /metrics, and stops them first on shutdown so no mail is taken while dispatch winds down.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { usableCores } from './cpu-quota.js';
import { HEARTBEAT_MS, isChildMessage, type ChildMessage, type ChildMetrics } from './messages.js';

/**
 * `smtp.processes` as a count: 'auto' leaves one core to dispatch (and, on one core, forks none);
 * with `--role smtp` there is no dispatch here, so one per core. Cores are counted within a
 * container's CPU quota.
 */
export function smtpProcessCount(setting: number | 'auto', cores = usableCores(), dispatchHere = true): number {
  if (setting !== 'auto') return setting;
  return dispatchHere ? Math.max(0, cores - 1) : cores;
}

/** A child that dies this soon after starting counts towards giving up. */
const QUICK_EXIT_MS = 10_000;
/** So many quick exits in a row and the relay stops (a port in use, a broken config). */
const MAX_QUICK_EXITS = 5;
const METRICS_TIMEOUT_MS = 2_000;
/** A child silent this long is reported as not listening (it may only be busy for a moment). */
const STALE_MS = 5 * HEARTBEAT_MS;

/** One child's metrics, named by its slot (`smtp-1` …), which its replacement takes over. */
export interface NamedMetrics {
  process: string;
  metrics: ChildMetrics;
}

interface MetricsRequest {
  responses: NamedMetrics[];
  waiting: Set<Worker>;
  done(): void;
}

export class SmtpChildren {
  private readonly slots = new Map<Worker, number>();
  private stopping = false;
  private quickExits = 0;
  private requestIds = 0;
  private readonly requests = new Map<number, MetricsRequest>();
  private readonly listening = new Map<Worker, number>();
  /** When each child was last heard from (any message counts). */
  private readonly lastHeard = new Map<Worker, number>();
  /** When each child not yet listening was forked (or last killed for not listening). */
  private readonly starting = new Map<Worker, number>();
  private watchdog: NodeJS.Timeout | undefined;
  private readonly restarts = new Set<NodeJS.Timeout>();
  private onListening: (() => void) | undefined;
  private onEarlyExit: ((child: Worker, code: number | null) => void) | undefined;

  /** `onGiveUp` is called once children keep dying; the caller should stop the relay. */
  constructor(
    private readonly count: number,
    private readonly log: Logger,
    private readonly onGiveUp: (reason: string) => void,
    /** `smtp.unresponsiveAfter`: a listening child silent this long is killed (and replaced). */
    private readonly unresponsiveMs = 30_000,
    /**
     * A replacement child not listening this long after its fork is killed (and replaced) too:
     * with one SMTP process (`auto` on 2 cores), one stuck while starting would leave SMTP down.
     */
    private readonly startLimitMs = 60_000,
  ) {
    // One child: let it accept directly, rather than the main process accepting and handing over.
    cluster.schedulingPolicy = count === 1 ? cluster.SCHED_NONE : cluster.SCHED_RR;
  }

  /** Forks every child; resolves with the SMTP port once all listen, rejects if one dies first. */
  start(timeoutMs = 30_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`SMTP processes not listening after ${timeoutMs / 1000} s`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.onListening = undefined;
        this.onEarlyExit = undefined;
        if (error) reject(error);
        else resolve([...this.listening.values()][0] ?? 0);
      };
      this.onListening = () => {
        if (this.listening.size === this.count) finish();
      };
      this.onEarlyExit = (child, code) => finish(new Error(`SMTP process ${child.process.pid} exited with code ${code} before listening`));
      for (let slot = 1; slot <= this.count; slot++) this.fork(slot);
      this.watchdog = setInterval(() => this.checkHeartbeats(), HEARTBEAT_MS);
      this.watchdog.unref();
    });
  }

  /** How many children listen and answer, of how many there should be (one may be being replaced). */
  state(): { listening: number; processes: number } {
    const now = Date.now();
    const answering = [...this.listening.keys()].filter((child) => now - (this.lastHeard.get(child) ?? 0) <= STALE_MS);
    return { listening: answering.length, processes: this.count };
  }

  /**
   * Kills a listening child whose event loop has been silent for `unresponsiveMs`, and one that has
   * not started listening within `startLimitMs` of its fork; onExit replaces it.
   */
  private checkHeartbeats(): void {
    if (this.stopping) return;
    const now = Date.now();
    for (const [child, since] of this.starting) {
      if (now - since < this.startLimitMs || child.isDead()) continue;
      this.log.error({ event: 'smtp.process_unresponsive', pid: child.process.pid, silentMs: now - since, listening: false }, 'an SMTP process has not started listening; killing it');
      this.starting.delete(child); // once: its exit comes next
      child.process.kill('SIGKILL');
    }
    for (const child of this.listening.keys()) {
      const silentMs = now - (this.lastHeard.get(child) ?? now);
      if (silentMs < this.unresponsiveMs || child.isDead()) continue;
      this.log.error({ event: 'smtp.process_unresponsive', pid: child.process.pid, silentMs }, 'an SMTP process stopped answering; killing it');
      this.lastHeard.set(child, now); // once: its exit comes next
      child.process.kill('SIGKILL');
    }
  }

  /** The metrics of every listening child that answers within 2 s. */
  metrics(): Promise<NamedMetrics[]> {
    const requestId = ++this.requestIds;
    return new Promise((resolve) => {
      // Only listening children: one still starting has no handler yet and would hold every scrape.
      const waiting = new Set([...this.listening.keys()].filter((child) => child.isConnected()));
      const request: MetricsRequest = { responses: [], waiting, done: () => undefined };
      const timer = setTimeout(() => {
        const silent = [...request.waiting].map((child) => `smtp-${this.slots.get(child) ?? 0}`);
        this.log.warn({ event: 'smtp.metrics_timeout', processes: silent }, 'SMTP processes did not send their metrics in time; /metrics leaves them out');
        request.done();
      }, METRICS_TIMEOUT_MS);
      request.done = () => {
        clearTimeout(timer);
        this.requests.delete(requestId);
        resolve(request.responses);
      };
      this.requests.set(requestId, request);
      if (waiting.size === 0) return request.done();
      for (const child of waiting) {
        // A child that died a moment ago may still look connected: its send fails (EPIPE), and
        // then it is simply left out of this scrape.
        child.send({ type: 'smtp2sms:metrics?', requestId }, (error: Error | null) => {
          if (error && request.waiting.delete(child) && request.waiting.size === 0) request.done();
        });
      }
    });
  }

  /** SIGTERM to every child; SIGKILL to any still running after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    await Promise.all([...this.slots.keys()].map((child) => new Promise<void>((resolve) => {
      if (child.isDead()) return resolve();
      const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.process.kill('SIGTERM');
    })));
  }

  private fork(slot: number): void {
    const child = cluster.fork();
    const startedAt = Date.now();
    this.slots.set(child, slot);
    this.starting.set(child, startedAt);
    // IPC errors (a send to a child that just died) must not become uncaught 'error' events.
    child.on('error', (error) => this.log.warn({ event: 'smtp.process_ipc', pid: child.process.pid, err: error.message }, 'IPC with an SMTP process failed'));
    child.on('message', (message: unknown) => {
      if (isChildMessage(message)) this.onMessage(child, message);
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal, startedAt));
  }

  private onMessage(child: Worker, message: ChildMessage): void {
    this.lastHeard.set(child, Date.now());
    if (message.type === 'smtp2sms:alive') return;
    if (message.type === 'smtp2sms:listening') {
      this.starting.delete(child);
      this.listening.set(child, message.port);
      this.onListening?.();
      return;
    }
    const request = this.requests.get(message.requestId);
    if (!request || !request.waiting.delete(child)) return;
    request.responses.push({ process: `smtp-${this.slots.get(child) ?? 0}`, metrics: message.metrics });
    if (request.waiting.size === 0) request.done();
  }

  private onExit(child: Worker, code: number | null, signal: string | null, startedAt: number): void {
    const slot = this.slots.get(child) ?? 0;
    this.slots.delete(child);
    const wasListening = this.listening.delete(child);
    this.lastHeard.delete(child);
    this.starting.delete(child);
    for (const request of this.requests.values()) {
      if (request.waiting.delete(child) && request.waiting.size === 0) request.done();
    }
    if (this.stopping) return;
    if (!wasListening && this.onEarlyExit) {
      this.onEarlyExit(child, code);
      return;
    }
    // One that never listened (killed for it, or died starting) counts as quick however long it took.
    const quick = Date.now() - startedAt < QUICK_EXIT_MS || !wasListening;
    this.quickExits = quick ? this.quickExits + 1 : 0;
    if (this.quickExits >= MAX_QUICK_EXITS) {
      this.onGiveUp(`SMTP processes keep exiting within ${QUICK_EXIT_MS / 1000} s of starting, or never start listening (${this.quickExits} times in a row)`);
      return;
    }
    const delayMs = Math.min(30_000, 500 * 2 ** this.quickExits);
    // Code 0 is a child that was told to stop (a Ctrl-C reaches every process of the terminal).
    this.log[code === 0 ? 'info' : 'error']({ event: 'smtp.process_exit', pid: child.process.pid, code, signal, restartInMs: delayMs }, 'an SMTP process exited; starting another');
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      if (!this.stopping) this.fork(slot);
    }, delayMs);
    this.restarts.add(timer);
  }
}
