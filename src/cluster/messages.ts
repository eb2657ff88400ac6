/** What the main process and its SMTP child processes say to each other over the IPC channel. */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** How often an SMTP child says it is alive. */
export const HEARTBEAT_MS = 1_000;

export type ChildMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type PrimaryMessage = { type: 'smtp2sms:metrics?'; requestId: number };

export type ChildMessage =
  | { type: 'smtp2sms:listening'; port: number }
  /** Every HEARTBEAT_MS while the child's event loop runs. */
  | { type: 'smtp2sms:alive' }
  | { type: 'smtp2sms:metrics'; requestId: number; metrics: ChildMetrics };

export function isChildMessage(value: unknown): value is ChildMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'smtp2sms:listening' || type === 'smtp2sms:metrics' || type === 'smtp2sms:alive';
}

export function isPrimaryMessage(value: unknown): value is PrimaryMessage {
  return (value as { type?: unknown } | null)?.type === 'smtp2sms:metrics?';
}
