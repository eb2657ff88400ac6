import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every number an operator needs, in one registry per app instance (tests run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smtp2sms_process_' });
  const metrics = {
    registry,
    smtpTransactions: new Counter({ name: 'smtp2sms_smtp_transactions_total', help: 'SMTP DATA outcomes', labelNames: ['result'] as const, registers: [registry] }),
    smtpRecipients: new Counter({ name: 'smtp2sms_smtp_recipients_total', help: 'Recipients accepted into the queue', registers: [registry] }),
    smsSubmitted: new Counter({ name: 'smtp2sms_sms_submitted_total', help: 'Messages accepted by a carrier', labelNames: ['carrier', 'encoding'] as const, registers: [registry] }),
    smsSegments: new Counter({ name: 'smtp2sms_sms_segments_total', help: 'SMS parts accepted by a carrier', labelNames: ['carrier', 'encoding'] as const, registers: [registry] }),
    smsTruncated: new Counter({ name: 'smtp2sms_sms_truncated_total', help: 'Messages cut to sms.maxSegments', registers: [registry] }),
    smsFailures: new Counter({ name: 'smtp2sms_sms_failures_total', help: 'Failed submission attempts', labelNames: ['carrier', 'code', 'permanent'] as const, registers: [registry] }),
    smsFinalFailures: new Counter({ name: 'smtp2sms_sms_final_failures_total', help: 'Messages given up on', labelNames: ['code'] as const, registers: [registry] }),
    smsOutcomes: new Counter({ name: 'smtp2sms_sms_outcomes_total', help: 'Final outcomes per recipient (delivered, failed, expired), counted once each', labelNames: ['outcome'] as const, registers: [registry] }),
    receipts: new Counter({
      name: 'smtp2sms_receipts_total', help: 'Delivery receipts: matched to a message, held while its submission is not recorded yet, unmatched (given up on), unknown stat word, error (not stored; the carrier resends)',
      labelNames: ['carrier', 'result'] as const, registers: [registry],
    }),
    dsns: new Counter({ name: 'smtp2sms_dsn_total', help: 'Delivery status notifications (bounces, delay notices, success reports) handed to the outgoing mail transport, or not', labelNames: ['kind', 'result'] as const, registers: [registry] }),
    followupsAbandoned: new Counter({ name: 'smtp2sms_followups_abandoned_total', help: 'Follow-up tasks (delay checks, DSNs) given up on after every retry: a DSN that never went out', labelNames: ['task'] as const, registers: [registry] }),
    submitLatency: new Histogram({
      name: 'smtp2sms_submit_seconds', help: 'Time from SMTP acceptance to carrier acceptance', labelNames: ['carrier'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [registry],
    }),
    stormDecisions: new Counter({ name: 'smtp2sms_storm_decisions_total', help: 'Storm control decisions per recipient', labelNames: ['action', 'reason'] as const, registers: [registry] }),
    stormSummaries: new Counter({ name: 'smtp2sms_storm_summaries_total', help: 'Burst summaries and cap reports sent', labelNames: ['kind'] as const, registers: [registry] }),
    carrierUp: new Gauge({ name: 'smtp2sms_carrier_up', help: '1 when the carrier can take submissions', labelNames: ['carrier', 'type'] as const, registers: [registry] }),
    queueJobs: new Gauge({
      name: 'smtp2sms_queue_jobs', help: 'SMS jobs in the queue by state, read from Redis at each scrape (one queue for every relay on the prefix): waiting and delayed (retrying) grow while carriers cannot take them',
      labelNames: ['state'] as const, registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
