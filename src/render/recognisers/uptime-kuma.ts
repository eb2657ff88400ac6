/**
 * Uptime Kuma's SMTP notification without a custom template: subject and body are the monitor
 * message "[<monitor name>] [🔴 Down] <reason>" (✅ Up), the body adding "Time (<zone>): <date>".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields } from './util.js';

const MESSAGE = /^\[(.+?)\]\s*\[\s*(?:\S+\s+)?(Up|Down|Pending|Maintenance)\s*\]\s*(.*)$/iu;

export const uptimeKuma: Recogniser = {
  name: 'uptime-kuma',
  template: '{status} {title}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (MESSAGE.test(mail.subject)) score += 0.5;
    const lines = bodyLines(mail, 6);
    if (lines.some((l) => MESSAGE.test(l))) score += 0.3;
    if (lines.some((l) => /^Time \([^)]+\):/.test(l))) score += 0.2;
    if (/uptime.?kuma/i.test(`${mail.from} ${mail.subject}`)) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 20);
    const match = MESSAGE.exec(mail.subject) ?? lines.map((l) => MESSAGE.exec(l)).find((m) => m !== null) ?? null;
    if (match === null) throw new Error('no Uptime Kuma message');
    const status = (match[2] ?? '').toUpperCase();
    const extra = lines.filter((l) => l !== '' && !MESSAGE.test(l) && !/^Time \(/.test(l));
    return fields({ status, title: match[1] ?? '', value: match[3] ?? '', extra, state: status === 'UP' ? 'recovery' : 'problem' });
  },
};
