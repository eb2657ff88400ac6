import type { Classification } from '../delivery/outcome.js';
import { CarrierError } from '../errors.js';

/**
 * A classified carrier answer as the error dispatch handles: code and permanence from the
 * classifier, with what the DSN and failover need (status, subject, typed Diagnostic-Code), so
 * SMPP and HTTP carriers report failures alike.
 */
export function classifiedError(
  carrier: string,
  diagnosticType: 'smpp' | 'http',
  classification: Classification,
  extra: Pick<CarrierError['details'], 'commandStatus' | 'acceptedPartIds'> = {},
  reason = classification.reason,
): CarrierError {
  const details: CarrierError['details'] = {
    carrier,
    ...extra,
    dsnStatus: classification.dsnStatus,
    subject: classification.subject,
    diagnostic: `${diagnosticType}; ${classification.reason}`,
  };
  if (classification.retryAfterMs !== undefined) details.retryAfterMs = classification.retryAfterMs;
  return new CarrierError(classification.code, `${carrier}: ${reason}`, classification.outcome === 'permanent', details);
}
