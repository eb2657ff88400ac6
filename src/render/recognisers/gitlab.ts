/**
 * GitLab pipeline mails (Emails::Pipelines): subject "<project> | Failed pipeline for <ref> |
 * <sha>" (also Successful/Fixed; older: "Failed pipeline for <ref> | <project> | <sha>"),
 * headers X-GitLab-Project, X-GitLab-Pipeline-Id/-Ref/-Status; text body "Pipeline #N has
 * failed!", Project/Branch/Commit lines, "had N failed jobs." and per job "Stage:"/"Name:".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, header } from './util.js';

const SUBJECT = /(Failed|Successful|Fixed) pipeline for (\S+)/i;

export const gitlabCi: Recogniser = {
  name: 'gitlab-ci',
  template: '{status} {title} {target} {value}: {extra}',
  compact: true,
  matches(mail) {
    let score = 0;
    if (header(mail, 'x-gitlab-pipeline-status') !== '' || header(mail, 'x-gitlab-pipeline-id') !== '') score += 0.7;
    if (SUBJECT.test(mail.subject)) score += 0.3;
    if (/gitlab/i.test(mail.from)) score += 0.1;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 200).filter((l) => l !== '');
    const subject = SUBJECT.exec(mail.subject);
    // GitLab's own words ("Failed pipeline"): the reader knows at once what failed.
    const word = subject?.[1] ?? header(mail, 'x-gitlab-pipeline-status');
    const status = word === '' ? '' : `${word.charAt(0).toUpperCase()}${word.slice(1).toLowerCase()} pipeline`;
    const project = header(mail, 'x-gitlab-project') || mail.subject.split(' | ')[0] || '';
    const ref = header(mail, 'x-gitlab-pipeline-ref') || subject?.[2] || '';
    const id = header(mail, 'x-gitlab-pipeline-id');
    // Each failed job: "Stage: test" and "Name: rspec" → "rspec (test)".
    const jobs: string[] = [];
    lines.forEach((line, i) => {
      const name = /^Name:\s*(.+)$/.exec(line)?.[1];
      if (name === undefined) return;
      const stage = /^Stage:\s*(.+)$/.exec(lines[i - 1] ?? '')?.[1];
      jobs.push(stage !== undefined ? `${name} (${stage})` : name);
    });
    const failedCount = lines.find((l) => /^had \d+ failed jobs?\.?$/.test(l));
    const commit = lines.find((l) => /^Commit Message:/.test(l))?.replace(/^Commit Message:\s*/, '');
    const author = lines.find((l) => /^Commit Author:/.test(l))?.replace(/^Commit Author:\s*/, '').replace(/\s*\(.*$/, '');
    const state = /success|fixed|passed/i.test(status) ? 'recovery' : 'problem';
    return fields({
      status,
      title: project,
      target: ref,
      value: id !== '' ? `#${id}` : '',
      extra: [...jobs, failedCount ?? '', commit ?? '', author ?? ''],
      state,
    });
  },
};
