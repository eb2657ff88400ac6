/**
 * Grafana alerting email. Unified alerting (Grafana 8+) renders ng_alert_notification with the
 * same "[FIRING:1] …" title as Alertmanager, "N firing instances" sections and per instance
 * Summary, Description, "Values" (A=95.2) and Labels; the text part says "(1) FIRING". Legacy
 * alerting (before 8) sent "[Alerting] <rule name>" with a metric/value table.
 */
import { groupFields, PROM_SUBJECT } from './alertmanager.js';
import { parseAlertGroups } from './alert-groups.js';
import type { Recogniser } from './types.js';
import { bodyLines, fields, senderAddress } from './util.js';

const LEGACY_SUBJECT = /^\[(Alerting|OK|No Data|Pending|Paused)\]\s+(.+)$/i;
const MARKERS = /\b(firing instances|resolved instances|Go to the Alerts page|View alert|Silence|Observed .* before this notification|firing alert\(s\))/i;

export const grafana: Recogniser = {
  name: 'grafana',
  template: '{status} {count}: {title} {severity}: {items}; {extra}',
  matches(mail) {
    let score = 0;
    const text = mail.text.slice(0, 20000);
    const grafanaish = /grafana/i.test(senderAddress(mail)) || /grafana/i.test(mail.from) || /\bGrafana\b/.test(text);
    if (PROM_SUBJECT.test(mail.subject)) score += 0.4;
    if (LEGACY_SUBJECT.test(mail.subject)) score += 0.3;
    if (MARKERS.test(text)) score += 0.3;
    if (grafanaish) score += 0.3;
    return Math.min(1, score);
  },
  extract(mail) {
    const legacy = LEGACY_SUBJECT.exec(mail.subject);
    if (legacy !== null) {
      // Legacy: rule name in the subject, "Metric name / Value" rows ("cpu 95.2") in the body.
      const lines = bodyLines(mail).filter((l) => l !== '');
      const start = lines.findIndex((l) => /^metric name\b/i.test(l));
      const rows = start >= 0 ? lines.slice(start + 1, start + 6).filter((l) => /\d/.test(l)) : [];
      const message = lines.find((l) => !/^(metric name|value|\[?(alerting|ok)\]?)/i.test(l) && !/^https?:/.test(l) && l !== legacy[2]) ?? '';
      return fields({ status: (legacy[1] ?? '').toUpperCase(), title: legacy[2] ?? '', value: rows.join(', '), extra: [message] });
    }
    return groupFields(mail, parseAlertGroups(bodyLines(mail)));
  },
};
