/**
 * Prometheus Alertmanager's default email (template/email.tmpl, subject from default.tmpl's
 * __subject: "[FIRING:3] <group label values> (<common labels>)"). One mail is one alert group,
 * firing and resolved alerts listed with their labels and annotations.
 */
import type { ParsedMail } from '../../mail/parse.js';
import { alertTarget, alertValue, common, parseAlertGroups, type GroupedAlert } from './alert-groups.js';
import type { AlertFields, Recogniser } from './types.js';
import { bodyLines, fields, senderAddress } from './util.js';

export const PROM_SUBJECT = /^\[(FIRING|RESOLVED)(?::(\d+))?(?:,\s*RESOLVED:(\d+))?\]\s*(.*)$/i;

/** Fields for a Prometheus-style alert group; shared with the Grafana recogniser. */
export function groupFields(mail: ParsedMail, alerts: readonly GroupedAlert[]): AlertFields {
  const subject = PROM_SUBJECT.exec(mail.subject);
  const status = (subject?.[1] ?? (alerts.some((a) => a.status === 'firing') ? 'FIRING' : 'RESOLVED')).toUpperCase();
  const shown = alerts.filter((a) => a.status === (status === 'FIRING' ? 'firing' : 'resolved'));
  const listed = shown.length > 0 ? shown : alerts;
  const resolved = status === 'FIRING' ? alerts.filter((a) => a.status === 'resolved') : [];
  // Subject after the bracket: group label values, then "(common labels)".
  const groupText = (subject?.[4] ?? mail.subject).replace(/\s*\([^()]*\)\s*$/, '').trim();
  const title = common(alerts, (a) => a.labels.get('alertname')) || groupText.split(' ')[0] || groupText;
  const severity = common(alerts, (a) => a.labels.get('severity'));
  const count = listed.length > 0 ? listed.length : Number(subject?.[2] ?? '') || undefined;
  const items = listed.map((a) => ({ target: alertTarget(a), value: alertValue(a) }));
  const extra: string[] = [];
  const summary = common(listed, (a) => a.annotations.get('summary'));
  if (listed.length === 1) {
    const only = listed[0]!;
    for (const name of ['summary', 'description', 'message']) {
      const text = only.annotations.get(name);
      if (text !== undefined && text !== '') extra.push(text);
    }
  } else if (summary !== '') {
    extra.push(summary);
  }
  if (resolved.length > 0) {
    extra.push(`RESOLVED ${resolved.length}: ${resolved.map(alertTarget).filter((t) => t !== '').join(', ')}`);
  }
  if (listed.length > 1) {
    const description = common(listed, (a) => a.annotations.get('description'));
    if (description !== '' && description !== summary) extra.push(description);
  }
  return fields({ status, title, severity, count, items, extra, state: status === 'RESOLVED' ? 'recovery' : 'problem' });
}

export const alertmanager: Recogniser = {
  name: 'alertmanager',
  template: '{status} {count}: {title} {severity}: {items}; {extra}',
  matches(mail) {
    let score = 0;
    if (PROM_SUBJECT.test(mail.subject)) score += 0.5;
    const head = mail.text.slice(0, 4000);
    if (/^\s*(-\s*)?alertname\s*=\s*\S/m.test(head)) score += 0.3;
    if (/\b(View in Alertmanager|Sent by Alertmanager)\b/i.test(mail.text.slice(0, 20000))) score += 0.2;
    if (/alertmanager/i.test(senderAddress(mail))) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const alerts = parseAlertGroups(bodyLines(mail));
    if (alerts.length === 0 && !PROM_SUBJECT.test(mail.subject)) throw new Error('no alert group');
    return groupFields(mail, alerts);
  },
};
