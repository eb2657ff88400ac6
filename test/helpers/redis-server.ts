/**
 * A private redis-server for tests that take Redis away: started on a free port with no
 * persistence, killable and restartable on the same port. The shared Redis on 6379 is never
 * touched. `redisServerAvailable()` says whether the binary is on PATH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';

// If the test worker exits without afterAll (a crash, a timeout), no redis-server is left behind.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export { freePort };

export class PrivateRedis {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<PrivateRedis> {
    const redis = new PrivateRedis(port ?? (await freePort()));
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts (or restarts) the server on the same port; resolves once it accepts connections. */
  async start(timeoutMs = 5_000): Promise<void> {
    if (this.running) return;
    this.output = '';
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    children.add(child);
    child.once('exit', () => children.delete(child));
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`redis-server did not start on ${this.port} within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = () => {
        if (/Ready to accept connections/i.test(this.output)) done();
      };
      const onExit = (code: number | null) => done(new Error(`redis-server exited with ${code}:\n${this.output}`));
      const done = (error?: Error) => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        if (error) {
          child.kill('SIGKILL');
          reject(error);
        } else {
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      onData();
    });
  }

  /** SIGKILL: the server vanishes without closing anything cleanly, like a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** For afterAll: safe to call whatever state the server is in. */
  async stop(): Promise<void> {
    await this.kill();
  }
}
