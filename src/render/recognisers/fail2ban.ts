/**
 * fail2ban's mail actions (sendmail-*, mail-whois*): subject "[Fail2Ban] <jail>: banned <ip>
 * from <host>", "… : started on <host>", "… : stopped on <host>"; body "The IP <ip> has just
 * been banned by Fail2Ban after <n> attempts against <jail>." plus whois and log lines.
 */
import type { Recogniser } from './types.js';
import { fields } from './util.js';

const SUBJECT = /^\[Fail2Ban\]\s*(\S+?):?\s+(banned|unbanned|started|stopped)\s*(\S*)(?:\s+(?:from|on)\s+(\S+))?/i;

export const fail2ban: Recogniser = {
  name: 'fail2ban',
  template: 'Fail2Ban {title}: {status} {value} {target}; {extra}',
  matches(mail) {
    let score = 0;
    if (SUBJECT.test(mail.subject)) score += 0.7;
    if (/has just been banned by Fail2Ban|jail .* has been (started|stopped)/i.test(mail.text.slice(0, 2000))) score += 0.3;
    return Math.min(1, score);
  },
  extract(mail) {
    const subject = SUBJECT.exec(mail.subject);
    const text = mail.text.slice(0, 20000).replace(/\s+/g, ' ');
    const attempts = /after (\d+) attempts against (\S+?)\.?( |$)/i.exec(text);
    const country = /\bcountry:\s*([A-Z]{2})\b/i.exec(text)?.[1];
    const verb = (subject?.[2] ?? '').toLowerCase();
    return fields({
      status: verb,
      title: subject?.[1] ?? attempts?.[2] ?? '',
      value: subject?.[3] ?? '',
      target: subject?.[4] ?? '',
      extra: [attempts !== null ? `${attempts[1]} attempts` : '', country !== undefined ? `country: ${country}` : ''],
      state: 'info',
    });
  },
};
