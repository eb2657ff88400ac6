/**
 * Zabbix media-type messages. Defaults since 5.0: subject "Problem: {EVENT.NAME}", "Resolved in
 * {EVENT.DURATION}: {EVENT.NAME}", "Updated problem in {EVENT.AGE}: …"; body "Problem started at
 * … / Problem name: / Host: / Severity: / Operational data: / Original problem ID:". Older
 * defaults (3.x/4.x): "Trigger: / Trigger status: / Trigger severity: / Item values: 1. … : v".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, keyValues, pick, senderAddress } from './util.js';

const SUBJECT = /^(Problem|Resolved|Resolved in [^:]{1,40}|Updated problem|Updated problem in [^:]{1,40}|Problem resolved|OK|PROBLEM|RECOVERY)\s*:\s*(.+)$/i;
const BODY_MARKERS = /^(Problem started at|Problem has been resolved at|Problem name:|Original problem ID:|Trigger status:|Trigger severity:|Current problem status is)/m;

export const zabbix: Recogniser = {
  name: 'zabbix',
  template: '{status} {target}: {title} ({severity}) {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (/zabbix/i.test(senderAddress(mail)) || /zabbix/i.test(mail.from)) score += 0.3;
    if (SUBJECT.test(mail.subject)) score += 0.3;
    if (BODY_MARKERS.test(mail.text.slice(0, 4000))) score += 0.4;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 80);
    const kv = keyValues(lines);
    const subject = SUBJECT.exec(mail.subject);
    const word = (subject?.[1] ?? '').split(' ')[0] ?? '';
    const status = (word !== '' ? word : pick(kv, 'trigger status')).toUpperCase();
    const title = pick(kv, 'problem name', 'trigger', 'event name') || (subject?.[2] ?? mail.subject);
    // Old item rows name the host inside the key: "(mail-02:vfs.fs.size[/var,pfree])".
    const itemHost = lines.map((l) => /^1\.\s.*\(([^:()\s]+):[^()]*\)\s*:/.exec(l)?.[1]).find((h) => h !== undefined);
    const target = pick(kv, 'host', 'host name', 'hostname', 'host.name') || (itemHost ?? '');
    const severity = pick(kv, 'severity', 'trigger severity');
    // Operational data, or the first of the old "Item values:" rows ("1. CPU load (web:system.cpu.load): 7.2").
    let value = pick(kv, 'operational data');
    if (value === '') {
      const item = lines.find((l) => /^1\.\s.+:\s*\S/.test(l));
      value = item?.replace(/^1\.\s.*?\)\s*:\s*/, '').replace(/^1\.\s[^:]*:\s*/, '') ?? '';
    }
    const extra: string[] = [];
    const duration = pick(kv, 'problem duration');
    if (duration !== '') extra.push(duration);
    const update = lines.find((l) => /\b(acknowledged|closed|changed severity|commented|updated) problem\b/i.test(l));
    if (update !== undefined) extra.push(update);
    const message = lines.find((l) => /^current problem status is/i.test(l));
    if (message !== undefined) extra.push(message);
    const state = /^(resolved|ok|recovery)/i.test(status) ? 'recovery' : /^updated/i.test(status) ? 'info' : 'problem';
    return fields({ status, title, target, severity, value, extra, state });
  },
};
