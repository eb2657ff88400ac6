/**
 * UPS daemons. apcupsd's apccontrol scripts mail "<host> UPS <ups> Power Failure !!!", "<host>
 * UPS <ups> Power has returned...", "<host> Communications with UPS <ups> lost", "... battery
 * needs changing NOW." with `apcaccess status` (STATUS, BCHARGE, TIMELEFT, LOADPCT, LINEV) as
 * body. NUT's upsmon messages (NOTIFYMSG defaults) via a NOTIFYCMD mailer: "UPS <ups> on
 * battery", "UPS <ups> on line power", "UPS <ups> battery is low", "Communications with UPS
 * <ups> lost".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, keyValues } from './util.js';

const APC_SUBJECT = /^(\S+)\s+(?:UPS\s+(\S+)\s+)?(Power Failure|Power has returned|Communications with UPS \S+ (?:lost|restored)|battery needs changing|UPS batteries have failed|Emergency|UPS \S+ battery|.*?(?:shutdown|battery))/i;
const NUT_EVENT = /\b(?:UPS\s+(\S+)\s+(on battery|on line power|battery is low|battery needs to be replaced|is unavailable|: forced shutdown in progress)|Communications with UPS\s+(\S+)\s+(lost|established))/i;
const RECOVERY = /(returned|restored|established|on line power)/i;
// apcaccess fields worth an SMS, in order of use.
const APC_FIELDS = ['status', 'bcharge', 'timeleft', 'loadpct', 'linev', 'upsname', 'model'];

export const ups: Recogniser = {
  name: 'ups',
  template: '{target} {status}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    const head = bodyLines(mail, 40);
    const apcaccess = head.some((l) => /^(APC|UPSNAME|BCHARGE|TIMELEFT)\s*:/.test(l));
    if (APC_SUBJECT.test(mail.subject) && /UPS|Power/i.test(mail.subject)) score += 0.4;
    if (NUT_EVENT.test(mail.subject) || head.some((l) => NUT_EVENT.test(l))) score += 0.5;
    if (apcaccess) score += 0.4;
    if (/apcupsd|upsmon|\bnut\b/i.test(`${mail.from} ${mail.subject}`)) score += 0.1;
    return Math.min(1, score);
  },
  extract(mail) {
    const lines = bodyLines(mail, 80);
    const kv = keyValues(lines);
    const nut = NUT_EVENT.exec(mail.subject) ?? lines.map((l) => NUT_EVENT.exec(l)).find((m) => m !== null) ?? null;
    let status: string;
    let target: string;
    if (nut !== null) {
      status = nut[2] ?? (nut[4] !== undefined ? `Communications ${nut[4]}` : '');
      target = `UPS ${nut[1] ?? nut[3] ?? ''}`;
    } else {
      const apc = APC_SUBJECT.exec(mail.subject);
      status = (apc?.[3] ?? mail.subject).replace(/\s*!+\s*$/, '').replace(/\.+$/, '');
      target = [apc?.[1], apc?.[2] !== undefined ? `UPS ${apc[2]}` : ''].filter((p) => p !== undefined && p !== '').join(' ');
    }
    const present = APC_FIELDS.filter((name) => (kv.get(name) ?? '') !== '');
    const value = present.slice(0, 1).map((name) => `${name.toUpperCase()} ${kv.get(name)}`).join('');
    const extra = present.slice(1).map((name) => `${name.toUpperCase()} ${kv.get(name)}`);
    return fields({ status, target, value, extra, state: RECOVERY.test(status) ? 'recovery' : 'problem' });
  },
};
