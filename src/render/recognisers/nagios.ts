/**
 * Nagios' sample notify-host-by-email / notify-service-by-email commands (also Icinga 1,
 * Naemon, Shinken, which copied them): "***** Nagios *****", "Notification Type:", "Host:",
 * "State:", "Service:", "Info:" or "Additional Info:", subject "** PROBLEM Host Alert: h is DOWN **".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, keyValues, pick } from './util.js';

const BANNER = /^\*{3,}\s*(Nagios|Icinga|Naemon|Shinken|Centreon|Op5 Monitor)\s*\*{3,}$/i;
const SUBJECT = /^\*\*\s*(\w+)\s+(Host|Service)\s+Alert:\s*(.+?)\s+is\s+(\w+)\s*\*\*$/i;

export const nagios: Recogniser = {
  name: 'nagios',
  template: '{status} {target} {title} {severity}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    const lines = bodyLines(mail, 12);
    if (lines.some((l) => BANNER.test(l))) score += 0.5;
    if (SUBJECT.test(mail.subject)) score += 0.4;
    if (lines.some((l) => /^Notification Type:\s*\S/.test(l))) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 80);
    const kv = keyValues(lines);
    const subject = SUBJECT.exec(mail.subject);
    const status = (pick(kv, 'notification type') || subject?.[1] || '').toUpperCase();
    const service = pick(kv, 'service');
    const target = pick(kv, 'host') || (subject?.[3] ?? '').split('/')[0] || '';
    const severity = pick(kv, 'state') || subject?.[4] || '';
    // "Additional Info:" is followed by a blank line and the plugin output.
    let value = pick(kv, 'info');
    if (value === '') {
      const at = lines.findIndex((l) => /^Additional Info:\s*$/i.test(l));
      value = at >= 0 ? (lines.slice(at + 1).find((l) => l !== '') ?? '') : '';
    }
    const extra = [pick(kv, 'address'), pick(kv, 'comment'), pick(kv, 'author')].filter((e) => e !== '');
    return fields({ status, title: service, target, severity, value, extra });
  },
};
