/**
 * Icinga 2's mail-host-notification.sh / mail-service-notification.sh: subject
 * "[PROBLEM] <service> on <host> is WARNING!" or "[RECOVERY] Host <host> is UP!", body
 * "***** Service Monitoring on <instance> *****", "Info:", "When:", "Service:", "Host:",
 * "IPv4:", optional "Comment by <author>:" and a link to Icinga Web.
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, keyValues, pick } from './util.js';

const BANNER = /^\*{3,}\s*(Host|Service) Monitoring on .+\*{3,}$/i;
const SUBJECT = /^\[([A-Z]+)\]\s+(.+?)\s+is\s+([A-Z]+)!?$/;

export const icinga2: Recogniser = {
  name: 'icinga2',
  template: '{status} {target} {title} {severity}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (bodyLines(mail, 6).some((l) => BANNER.test(l))) score += 0.5;
    if (SUBJECT.test(mail.subject)) score += 0.4;
    if (/icinga/i.test(mail.from)) score += 0.1;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 80);
    const kv = keyValues(lines);
    const subject = SUBJECT.exec(mail.subject);
    const status = (subject?.[1] ?? pick(kv, 'notification type')).toUpperCase();
    const severity = subject?.[3] ?? '';
    // "<service> on <host>" for services, "Host <host>" for hosts: display names, short.
    const what = subject?.[2] ?? '';
    const on = what.lastIndexOf(' on ');
    const title = on >= 0 ? what.slice(0, on) : '';
    const target = on >= 0 ? what.slice(on + 4) : what.replace(/^Host\s+/i, '') || pick(kv, 'host');
    const value = pick(kv, 'info');
    const extra: string[] = [];
    const commentAt = lines.findIndex((l) => /^Comment by .+:$/i.test(l));
    if (commentAt >= 0) {
      const author = (lines[commentAt] ?? '').replace(/^Comment by\s+/i, '').replace(/:$/, '');
      const comment = lines.slice(commentAt + 1).find((l) => l !== '') ?? '';
      if (comment !== '') extra.push(`${author}: ${comment}`);
    }
    const host = pick(kv, 'host');
    if (host !== '' && host !== target) extra.push(host);
    extra.push(pick(kv, 'ipv4', 'ipv6'));
    return fields({ status, title, target, severity, value, extra });
  },
};
