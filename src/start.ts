/**
 * `smtp2sms start`: the relay in one process, or with `smtp.processes` the SMTP side in child
 * processes (one core each) and dispatch and HTTP in this one. Resolves with the exit code once a
 * signal has stopped everything.
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { startApp, type AppRoles } from './app.js';
import { runSmtpChild } from './cluster/smtp-child.js';
import { SmtpChildren, smtpProcessCount } from './cluster/smtp-children.js';
import type { Config } from './config/schema.js';
import { untilSignal } from './signals.js';
import { loadTlsMaterial } from './smtp/tls-files.js';

export type Role = 'all' | 'smtp' | 'worker';

export async function runStart(config: Config, log: Logger, role: Role): Promise<number> {
  if (cluster.isWorker) return runSmtpChild(config, log.child({ process: `smtp-${cluster.worker?.id ?? 0}` }));
  const roles: AppRoles = { smtp: role !== 'worker', worker: role !== 'smtp' };
  const processes = roles.smtp ? smtpProcessCount(config.smtp.processes, undefined, roles.worker) : 0;
  if (processes === 0) {
    // Listening before the start: a SIGTERM while it waits for Redis must still stop gracefully.
    const signalled = untilSignal();
    const app = await startApp(config, log, roles);
    await signalled;
    log.info({ event: 'shutdown' }, 'shutting down');
    await app.stop();
    return 0;
  }

  // Listening for signals before anything starts: a SIGTERM while children start must still stop them.
  const signalled = untilSignal().then(() => undefined);
  // Made here, once: children starting together would each write a new self-signed certificate.
  if (config.smtp.tls) await loadTlsMaterial(config.smtp.tls, config.smtp.hostname);
  let gaveUp: (reason: string) => void = () => undefined;
  const givenUp = new Promise<string>((resolve) => (gaveUp = resolve));
  const children = new SmtpChildren(processes, log, (reason) => gaveUp(reason), config.smtp.unresponsiveAfter);
  const app = await startApp(config, log, { ...roles, smtp: false }, { childMetrics: () => children.metrics(), smtpProcesses: () => children.state() });
  try {
    const starting = children.start();
    starting.catch(() => undefined); // once a signal has won the race, a late failure is moot
    const port = await Promise.race([starting, signalled]);
    if (port !== undefined) log.info({ event: 'smtp.processes', processes, port }, `SMTP listening in ${processes} process${processes === 1 ? '' : 'es'}`);
  } catch (error) {
    await children.stop();
    await app.stop();
    throw error;
  }
  const reason = await Promise.race([signalled, givenUp]);
  if (reason !== undefined) log.error({ event: 'smtp.processes_failed', reason }, `stopping: ${reason}`);
  log.info({ event: 'shutdown' }, 'shutting down');
  // SMTP first, so nothing is accepted while dispatch winds down.
  await children.stop();
  await app.stop();
  return reason === undefined ? 0 : 1;
}
