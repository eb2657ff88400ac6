/**
 * mdadm --monitor mails (Monitor.c): subject "<Event> event on <md device>:<host>", body "This is
 * an automatically generated mail message from mdadm", "A <Event> event had been detected on md
 * device <dev>.", "It could be related to component device <disk>." and /proc/mdstat.
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields } from './util.js';

const SUBJECT = /^(\w+) event on (\/dev\/\S+?|md\S*):(\S+)$/;
const PROBLEMS = /^(Fail|FailSpare|DegradedArray|SparesMissing|DeviceDisappeared|MoveSpare)$/;
const RECOVERIES = /^(RebuildFinished|SpareActive)$/;

export const mdadm: Recogniser = {
  name: 'mdadm',
  template: '{status} {target} {title}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (SUBJECT.test(mail.subject)) score += 0.5;
    if (/generated mail message from mdadm/i.test(mail.text.slice(0, 1000))) score += 0.5;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 80);
    const subject = SUBJECT.exec(mail.subject);
    const event = subject?.[1] ?? /A (\w+) event had been detected/.exec(mail.text)?.[1] ?? '';
    const device = subject?.[2] ?? '';
    const component = /related to component device (\S+?)\.?$/m.exec(mail.text.slice(0, 4000))?.[1] ?? '';
    // The device's mdstat lines: "md0 : active raid1 sdb1[1](F) sda1[0]" and "[2/1] [U_]".
    const name = device.replace(/^\/dev\//, '');
    const at = lines.findIndex((l) => name !== '' && l.startsWith(`${name} :`));
    const extra = at >= 0 ? [lines[at] ?? '', (lines[at + 1] ?? '').replace(/^.*?(\[\d+\/\d+\]\s*\[[U_]+\]).*$/, '$1')] : [];
    const state = PROBLEMS.test(event) ? 'problem' : RECOVERIES.test(event) ? 'recovery' : 'info';
    return fields({ status: event, title: device, target: subject?.[3] ?? '', value: component, extra, state });
  },
};
