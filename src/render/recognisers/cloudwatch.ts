/**
 * Amazon CloudWatch alarm notifications delivered by SNS email: From "AWS Notifications
 * <no-reply@sns.amazonaws.com>", subject 'ALARM: "<alarm name>" in <region>', body "You are
 * receiving this email because your Amazon CloudWatch Alarm "<name>" in the <region> region has
 * entered the ALARM state, because "Threshold Crossed: 1 out of the last 1 datapoints [95.5
 * (…)] was greater than the threshold (80.0) …"', then "Alarm Details:", "Monitored Metric:"
 * lists of "- Key: value", and the SNS unsubscribe footer. Subscriptions of protocol "email-json"
 * get the SNS envelope as JSON instead, with the alarm as a JSON string in "Message".
 */
import type { Recogniser } from './types.js';
import { bodyLines, fields, pick, senderAddress } from './util.js';

const SUBJECT = /^(ALARM|OK|INSUFFICIENT_DATA):\s*"(.+)"\s+in\s+(.+)$/;
const CROSSED = /\[(-?[\d.]+(?:E[-+]?\d+)?)\s*\([^)]*\)[^\]]*\]\s+(?:was|were)\s+(.{1,80}?the threshold \([^)]*\))/i;

export const cloudwatch: Recogniser = {
  name: 'cloudwatch',
  template: '{status} {title}: {value}; {extra}',
  matches(mail) {
    let score = 0;
    if (SUBJECT.test(mail.subject)) score += 0.5;
    if (/sns\.amazonaws\.com$/i.test(senderAddress(mail))) score += 0.3;
    if (/Amazon CloudWatch Alarm/i.test(mail.text.slice(0, 3000))) score += 0.3;
    if (alarmFromJson(mail.text) !== undefined) score += 0.5;
    return Math.min(1, score);
  },
  extract(mail) {
    const alarm = alarmFromJson(mail.text);
    if (alarm !== undefined) return fromJson(alarm);
    const lines = bodyLines(mail, 80);
    // "- Name: HighCPU" rows of the detail lists.
    const kv = new Map<string, string>();
    for (const line of lines) {
      const m = /^-\s*([A-Za-z][\w ]{0,40}?):\s*(.*)$/.exec(line);
      if (m?.[1] !== undefined && !kv.has(m[1].toLowerCase())) kv.set(m[1].toLowerCase(), (m[2] ?? '').trim());
    }
    const subject = SUBJECT.exec(mail.subject);
    const status = subject?.[1] ?? pick(kv, 'state change').split('->').pop()?.trim() ?? '';
    const title = subject?.[2] ?? pick(kv, 'name');
    const reason = pick(kv, 'reason for state change') || mail.text.slice(0, 2000);
    const crossed = CROSSED.exec(reason);
    const value = crossed !== null ? `${crossed[1]} ${crossed[2]}` : '';
    const metric = [pick(kv, 'metricname'), pick(kv, 'dimensions')].filter((p) => p !== '').join(' ');
    const extra = [metric, pick(kv, 'description'), subject?.[3] ?? '', crossed === null ? reason.slice(0, 200) : ''];
    const state = status === 'OK' ? 'recovery' : status === 'ALARM' ? 'problem' : 'info';
    return fields({ status, title, value, extra, state });
  },
};

interface Alarm {
  AlarmName?: string;
  AlarmDescription?: string;
  NewStateValue?: string;
  NewStateReason?: string;
  Region?: string;
  Trigger?: { MetricName?: string; Dimensions?: { name?: string; value?: string }[] };
}

/** The alarm inside an SNS email-json body, or undefined for anything else. */
function alarmFromJson(text: string): Alarm | undefined {
  const body = text.trim();
  if (!body.startsWith('{') || body.length > 64_000 || !body.includes('"Message"')) return undefined;
  try {
    const envelope = JSON.parse(body) as { Message?: unknown };
    if (typeof envelope.Message !== 'string') return undefined;
    const alarm = JSON.parse(envelope.Message) as Alarm;
    return typeof alarm.AlarmName === 'string' ? alarm : undefined;
  } catch {
    return undefined;
  }
}

function fromJson(alarm: Alarm) {
  const status = alarm.NewStateValue ?? '';
  const reason = alarm.NewStateReason ?? '';
  const crossed = CROSSED.exec(reason);
  const dimensions = (alarm.Trigger?.Dimensions ?? []).map((d) => d.value ?? '').filter((v) => v !== '').join(' ');
  return fields({
    status,
    title: alarm.AlarmName ?? '',
    value: crossed !== null ? `${crossed[1]} ${crossed[2]}` : '',
    extra: [[alarm.Trigger?.MetricName ?? '', dimensions].filter((p) => p !== '').join(' '), alarm.AlarmDescription ?? '', alarm.Region ?? '', crossed === null ? reason.slice(0, 200) : ''],
    state: status === 'OK' ? 'recovery' : status === 'ALARM' ? 'problem' : 'info',
  });
}
