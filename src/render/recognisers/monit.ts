/**
 * monit's default mail-format: subject "monit alert -- $EVENT $SERVICE", body
 * "$EVENT Service $SERVICE / Date: / Action: / Host: / Description: / Your faithful employee,".
 * X-Mailer: Monit <version>.
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, header, keyValues, pick } from './util.js';

const SUBJECT = /^monit alert\s*--\s*(.+)$/i;
// Events that say a problem went away (monit's "succeeded"/"Exists"/"changed back" events).
const RECOVERY = /(succeeded|^exists|changed back|^connection succeeded|passed)/i;
const INFO = /^(action done|monit instance changed|instance changed|monit instance)/i;

export const monit: Recogniser = {
  name: 'monit',
  template: '{status} {title} {target}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (/^monit\b/i.test(header(mail, 'x-mailer'))) score += 0.6;
    if (SUBJECT.test(mail.subject)) score += 0.4;
    if (/Your faithful employee,\s*\n\s*Monit/i.test(mail.text.slice(-400))) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 40);
    const kv = keyValues(lines);
    const first = lines.find((l) => / Service /.test(l)) ?? '';
    const split = /^(.+?) Service (.+)$/.exec(first);
    const subjectRest = SUBJECT.exec(mail.subject)?.[1] ?? '';
    const status = split?.[1] ?? subjectRest;
    const title = split?.[2] ?? '';
    const action = pick(kv, 'action');
    const state = RECOVERY.test(status) ? 'recovery' : INFO.test(status) ? 'info' : 'problem';
    return fields({
      status,
      title,
      target: pick(kv, 'host'),
      value: pick(kv, 'description'),
      extra: action !== '' ? [`Action: ${action}`] : [],
      state,
    });
  },
};
