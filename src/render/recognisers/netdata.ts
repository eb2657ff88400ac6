/**
 * Netdata agent alert mails (alarm-notify.sh): subject "<host> is critical|needs attention|
 * recovered - <alert name> - <chart>" (newer: "<host> is critical: <alert> (<chart>)"), headers
 * X-Netdata-Severity / -Alert-Name / -Chart / -Host, text part "<alert> = <value> <info>",
 * "Chart   :", "Family  :", "Severity:", "Date    :".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, header, keyValues, pick } from './util.js';

const SUBJECT = /^(\S+)\s+(is critical|needs attention|recovered|is warning|status unknown|back to normal)\b\s*[-:]\s*(.+)$/i;

export const netdata: Recogniser = {
  name: 'netdata',
  template: '{status} {target} {title}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (header(mail, 'x-netdata-severity') !== '' || header(mail, 'x-netdata-alert-name') !== '') score += 0.7;
    if (SUBJECT.test(mail.subject)) score += 0.3;
    if (/\bnetdata\b/i.test(mail.from) || /Notification generated (on|by) |\bNetdata\b/.test(mail.text.slice(0, 20000))) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 80);
    const kv = keyValues(lines);
    const subject = SUBJECT.exec(mail.subject);
    const severity = header(mail, 'x-netdata-severity') || (/critical/i.test(subject?.[2] ?? '') ? 'critical' : /recovered|normal/i.test(subject?.[2] ?? '') ? 'clear' : 'warning');
    const target = header(mail, 'x-netdata-host') || subject?.[1] || '';
    const name = header(mail, 'x-netdata-alert-name');
    // "<alert name with spaces> = <value string> <info sentence>" is the line that quotes the value.
    const spaced = name.replace(/_/g, ' ');
    const alarmLine = lines.find((l) => (spaced !== '' && l.startsWith(`${spaced} =`)) || / = -?\d/.test(l)) ?? '';
    const valueMatch = /=\s*(-?[\d.,]+\s?\S*)\s*(.*)$/.exec(alarmLine);
    const title = spaced || (subject?.[3] ?? '').split(/ - | \(/)[0] || '';
    const value = pick(kv, 'value') || (valueMatch?.[1] ?? '');
    const extra = [valueMatch?.[2] ?? '', pick(kv, 'chart') || header(mail, 'x-netdata-chart'), pick(kv, 'severity')];
    const raised = lines.find((l) => /^\((alarm|was) .* for .+\)$/i.test(l));
    if (raised !== undefined) extra.push(raised);
    const status = severity.toUpperCase();
    return fields({ status, title, target, value, extra, state: /clear|recovered/i.test(severity) ? 'recovery' : 'problem' });
  },
};
