/**
 * Sentry issue alert mails: subject "<prefix, default [Sentry]> <SHORT-ID> - <issue title>",
 * headers X-Sentry-Project, X-Sentry-Logger-Level, X-Sentry-Reply-To; body "New alert from
 * <project>" / "Regression", the culprit, tags and links.
 */
import { scoreLines } from '../lines.js';
import type { Recogniser } from './types.js';
import { bodyLines, fields, header, senderAddress } from './util.js';

const SUBJECT = /^(?:\[[^\]]{1,40}\]\s*)?([A-Z][A-Z0-9-]*-[A-Z0-9]+)\s+-\s+(.+)$/;

export const sentry: Recogniser = {
  name: 'sentry',
  template: '{severity} {target} {value}: {title}; {extra}',
  matches(mail) {
    let score = 0;
    if (header(mail, 'x-sentry-project') !== '') score += 0.6;
    if (/^\[Sentry\]/i.test(mail.subject)) score += 0.3;
    if (/sentry/i.test(senderAddress(mail))) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const subject = SUBJECT.exec(mail.subject);
    const lines = bodyLines(mail, 120).filter((l) => l !== '');
    const kind = lines.find((l) => /^(New (alert|issue)|Regression)\b/i.test(l)) ?? '';
    const details = scoreLines(lines.filter((l) => l !== kind && !l.includes(subject?.[2] ?? '\u0000')))
      .filter((l) => l.score >= 1)
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .map((l) => l.text);
    return fields({
      status: kind,
      title: subject?.[2] ?? mail.subject.replace(/^\[Sentry\]\s*/i, ''),
      target: header(mail, 'x-sentry-project'),
      severity: header(mail, 'x-sentry-logger-level'),
      value: subject?.[1] ?? '',
      extra: details,
      state: 'problem',
    });
  },
};
