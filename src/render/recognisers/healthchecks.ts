/**
 * healthchecks.io (and self-hosted Healthchecks) alert mails: subject "DOWN | <check>", body
 * 'The check "<check>" has gone down.', "Details:" with Project, Tags, Period/Schedule, "Last
 * ping:", "Last ping type:" and the last ping body.
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, keyValues, pick, senderAddress } from './util.js';

const SUBJECT = /^(DOWN|UP)\s*\|\s*(.+)$/;
const GONE = /^The check "(.+)" has gone (down|up)\.$/i;

export const healthchecks: Recogniser = {
  name: 'healthchecks',
  template: '{status} {title}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (SUBJECT.test(mail.subject)) score += 0.4;
    if (bodyLines(mail, 10).some((l) => GONE.test(l))) score += 0.5;
    if (/healthchecks/i.test(senderAddress(mail)) || /healthchecks/i.test(mail.from)) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 120);
    const kv = keyValues(lines);
    const subject = SUBJECT.exec(mail.subject);
    const gone = lines.map((l) => GONE.exec(l)).find((m) => m !== null && m !== undefined);
    const status = (subject?.[1] ?? gone?.[2] ?? '').toUpperCase();
    const title = gone?.[1] ?? subject?.[2] ?? '';
    const value = pick(kv, 'last ping type');
    // The last ping body (often the job's stderr) says why; then when and where it ran.
    const extra: string[] = [];
    const bodyAt = lines.findIndex((l) => /^Last Ping Body:$/i.test(l));
    if (bodyAt >= 0) {
      for (const line of lines.slice(bodyAt + 1)) {
        if (line === '--' || /^Projects Overview:$/i.test(line)) break;
        if (line !== '' && !/^-{3,}$/.test(line)) extra.push(line);
      }
    }
    extra.push(pick(kv, 'last ping'), pick(kv, 'project'), pick(kv, 'schedule', 'period'));
    return fields({ status, title, value, extra, state: status === 'UP' ? 'recovery' : 'problem' });
  },
};
