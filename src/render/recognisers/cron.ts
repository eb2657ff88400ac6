/**
 * Output of cron jobs as Vixie/ISC cron (Debian, cronie) mails it: From "(Cron Daemon)",
 * subject "Cron <user@host> command", Debian adding " (failed)" on a non-zero exit, and
 * X-Cron-Env headers; anacron: "Anacron job 'cron.daily' on host". The body is whatever the
 * job printed, so the lines that say what went wrong are chosen and put first.
 */
import { isBoilerplateLine, scoreLines } from '../lines.js';
import type { Recogniser } from './types.js';
import { bodyLines, fields, header } from './util.js';

const SUBJECT = /^Cron <([^<>\s]+)>\s+(.*?)(\s+\(failed\))?$/;
const ANACRON = /^Anacron job '([^']+)' on (\S+)$/;
// run-parts --report prints the script's name on a line of its own before its output.
const RUN_PARTS_HEADER = /^(\/[^\s:]+):$/;

/** A command line made short: paths cut to their last part ("/usr/local/bin/x.sh" → "x.sh"). */
export function shortCommand(command: string): string {
  const short = command
    .split(/\s+/)
    .map((word) => (/^\/[^\s]*\/[^\s/]+$/.test(word) ? word.slice(word.lastIndexOf('/') + 1) : word))
    .join(' ');
  return short.length > 60 ? `${short.slice(0, 57).trimEnd()}...` : short;
}

export const cron: Recogniser = {
  name: 'cron',
  template: 'Cron {target} {status}: {title}; {extra}',
  compact: true,
  matches(mail) {
    let score = 0;
    if (SUBJECT.test(mail.subject) || ANACRON.test(mail.subject)) score += 0.6;
    if (/\(Cron Daemon\)|^Cron Daemon\b/i.test(`${mail.from} ${header(mail, 'from')}`)) score += 0.3;
    if (Object.keys(mail.headers).some((name) => name.startsWith('x-cron-env'))) score += 0.3;
    return Math.min(1, score);
  },
  extract(mail) {
    const subject = SUBJECT.exec(mail.subject);
    const anacron = ANACRON.exec(mail.subject);
    const target = subject?.[1] ?? anacron?.[2] ?? '';
    const command = subject?.[2] ?? anacron?.[1] ?? mail.subject;
    const lines = bodyLines(mail, 400).filter((l) => l !== '');
    // The failing run-parts script says more than the wrapper command around it.
    const script = lines.map((l) => RUN_PARTS_HEADER.exec(l)?.[1]).find((s) => s !== undefined);
    const title = script ?? shortCommand(command);
    // run-parts' own "X exited with return code 1" repeats the title; FAILED says it already.
    const scored = scoreLines(lines.filter((l) => !RUN_PARTS_HEADER.test(l))).map((l) =>
      script !== undefined && l.text.includes(script) ? { ...l, score: Math.min(l.score, 1) } : l,
    );
    const useful = scored.filter((l) => !isBoilerplateLine(l.text));
    const ranked = (useful.length > 0 ? useful : scored).sort((a, b) => b.score - a.score || a.index - b.index);
    const failed = subject?.[3] !== undefined;
    const troubled = failed || ranked.some((l) => l.score >= 3);
    return fields({
      status: failed ? 'FAILED' : '',
      title,
      target,
      extra: ranked.map((l) => l.text),
      state: troubled ? 'problem' : 'info',
    });
  },
};
