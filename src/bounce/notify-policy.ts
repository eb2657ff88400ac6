import type { FinalOutcome } from '../delivery/tracker.js';
import type { DsnKind } from './dsn-message.js';

/**
 * RFC 3461 NOTIFY, per recipient: NEVER, or any of SUCCESS, FAILURE, DELAY. Without NOTIFY only
 * failures are reported. Never a DSN to the null sender: that would be a bounce of a bounce.
 */
export function dsnKindFor(outcome: FinalOutcome | 'delayed', sender: string, notify: string[] | undefined): DsnKind | undefined {
  if (sender === '') return undefined;
  const wanted = notify && notify.length > 0 ? new Set(notify.map((n) => n.toUpperCase())) : new Set(['FAILURE']);
  if (wanted.has('NEVER')) return undefined;
  if (outcome === 'delivered') return wanted.has('SUCCESS') ? 'delivered' : undefined;
  if (outcome === 'delayed') return wanted.has('DELAY') ? 'delayed' : undefined;
  return wanted.has('FAILURE') ? 'failed' : undefined;
}
