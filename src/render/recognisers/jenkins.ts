/**
 * Jenkins build mails: the Mailer plugin ("Build failed in Jenkins: job #12", "Jenkins build is
 * back to normal : job #13") and email-ext (default subject "$PROJECT_NAME - Build #
 * $BUILD_NUMBER - $BUILD_STATUS!", groovy-html template with "BUILD FAILURE", CHANGES and
 * CONSOLE OUTPUT; X-Jenkins-Job and X-Jenkins-Result headers). The failing test or error is
 * the news; it is found in the console tail.
 */
import { scoreLines } from '../lines.js';
import type { Recogniser } from './types.js';
import { bodyLines, fields, header, senderAddress } from './util.js';

const EXT_SUBJECT = /^(.+?) - Build # ?(\d+) - ([\w -]+?)!?$/;
const MAILER_SUBJECT = /^(Build failed in Jenkins|Jenkins build is [\w ]+?|Jenkins build became [\w ]+?)\s*:\s*(.+?) #(\d+)/i;
const STATUS_LINE = /^BUILD (SUCCESS|FAILURE|FAILED|UNSTABLE|ABORTED|FIXED|STILL FAILING|STILL UNSTABLE|NOT BUILT)$/;
// Headers of the lists Maven, Gradle and JUnit print after a failed run.
const FAILURE_LIST = /^(\[ERROR\]\s*)?(Failures|Failed tests|Tests in error|Errors|FAILURE: Build failed with an exception|What went wrong):?\s*$/i;
const NOISE = /^(\[INFO\]|\[WARNING\]|at |\s*\.\.\. \d+ more|\[ERROR\]\s*$|\[ERROR\] -> \[Help|\[ERROR\] (Re-run|To see the full|For more information|Please refer to)|\[Help \d\])/;

/** Console lines worth an SMS, best first: listed failures, then errors by score. */
export function consoleDetails(lines: readonly string[]): string[] {
  const start = lines.findIndex((l) => /^CONSOLE OUTPUT$/i.test(l));
  const consoleLines = (start >= 0 ? lines.slice(start + 1) : lines).filter((l) => l !== '' && !NOISE.test(l));
  const listed = new Set<number>();
  consoleLines.forEach((line, i) => {
    if (!FAILURE_LIST.test(line)) return;
    for (let j = i + 1; j < consoleLines.length && j <= i + 5; j++) {
      if (FAILURE_LIST.test(consoleLines[j] ?? '') || /^\[ERROR\] Tests run:/.test(consoleLines[j] ?? '')) break;
      listed.add(j);
    }
  });
  const cleaned = consoleLines.map((l) => l.replace(/^\[(ERROR|FATAL)\]\s*/, ''));
  return scoreLines(cleaned)
    .map((l) => ({ ...l, score: l.score + (listed.has(l.index) ? 4 : 0) }))
    .filter((l) => l.score >= 2 && !FAILURE_LIST.test(l.text))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((l) => l.text);
}

export const jenkins: Recogniser = {
  name: 'jenkins',
  template: '{status} {title} {value}: {extra}',
  compact: true,
  matches(mail) {
    let score = 0;
    if (header(mail, 'x-jenkins-job') !== '' || header(mail, 'x-jenkins-result') !== '') score += 0.6;
    if (EXT_SUBJECT.test(mail.subject) || MAILER_SUBJECT.test(mail.subject)) score += 0.3;
    if (/jenkins/i.test(senderAddress(mail)) || /jenkins/i.test(mail.from)) score += 0.2;
    return Math.min(1, score);
  },
  extract(mail) {
    const ext = EXT_SUBJECT.exec(mail.subject);
    const mailer = MAILER_SUBJECT.exec(mail.subject);
    const lines = bodyLines(mail, 400);
    const statusLine = lines.map((l) => STATUS_LINE.exec(l.trim())?.[0]).find((s) => s !== undefined);
    const status = statusLine ?? mailer?.[1] ?? (ext?.[3] ?? header(mail, 'x-jenkins-result')).toUpperCase();
    const title = header(mail, 'x-jenkins-job') || ext?.[1] || mailer?.[2] || '';
    const number = ext?.[2] ?? mailer?.[3] ?? '';
    const state = /success|normal|fixed|stable/i.test(status) && !/unstable/i.test(status) ? 'recovery' : 'problem';
    return fields({ status, title, value: number !== '' ? `#${number}` : '', extra: consoleDetails(lines), state });
  },
};
