/**
 * An SMTP child process (a node:cluster worker): runs the ingest role on the port it shares with
 * its siblings, answers the main process's metrics requests, and stops on SIGTERM. The HTTP API is
 * the main process's; children serve none.
 */
import type { Logger } from 'pino';
import { startApp } from '../app.js';
import type { Config } from '../config/schema.js';
import { untilSignal } from '../signals.js';
import { HEARTBEAT_MS, isPrimaryMessage, type ChildMessage } from './messages.js';

export async function runSmtpChild(config: Config, log: Logger): Promise<number> {
  const app = await startApp({ ...config, http: { ...config.http, enabled: false } }, log, { smtp: true, worker: false });
  const send = (message: ChildMessage) => process.send?.(message);
  process.on('message', (message: unknown) => {
    if (!isPrimaryMessage(message)) return;
    void app.metrics.registry.getMetricsAsJSON().then(
      (metrics) => send({ type: 'smtp2sms:metrics', requestId: message.requestId, metrics }),
      (err: Error) => log.warn({ event: 'smtp.metrics_failed', err: err.message }, 'could not collect this process\'s metrics; it is left out of /metrics'),
    );
  });
  send({ type: 'smtp2sms:listening', port: app.smtpPort });
  // Sent from the event loop, so silence means it is blocked (or the process is stopped).
  const heartbeat = setInterval(() => send({ type: 'smtp2sms:alive' }), HEARTBEAT_MS);
  heartbeat.unref();
  // If the main process dies instead, node:cluster ends this process itself (exit 0) when the IPC
  // channel closes: sessions in flight are cut, and their senders retry (no 250 was given).
  await untilSignal();
  clearInterval(heartbeat);
  await app.stop();
  return 0;
}
