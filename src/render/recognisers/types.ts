import type { ParsedMail } from '../../mail/parse.js';

/** Whether a notification opens a problem, closes one, or just informs. Storm control uses it. */
export type AlertState = 'problem' | 'recovery' | 'info';

/** One alert of a grouped notification (Alertmanager, Grafana): where, and how bad. */
export interface AlertItem {
  target: string;
  value: string;
}

/**
 * What a recogniser pulls out of a notification. Values are the source's own words (never
 * translated); empty strings for what the mail does not say.
 */
export interface AlertFields {
  /** The source's status word: FIRING, RESOLVED, PROBLEM, RECOVERY, DOWN, "Does not exist", … */
  status: string;
  /** What is wrong: alert name, problem name, service, job, check. */
  title: string;
  /** Where: host, instance, device, project. */
  target: string;
  /** How bad, as the source names it: critical, Average, WARNING. */
  severity: string;
  /** The measurement or the tool's own one-line output: "94.6 %", "412 seconds behind master". */
  value: string;
  /** Alerts in a grouped notification (undefined for a single one). */
  count: number | undefined;
  /** Further details, most important first; used while they fit. */
  extra: string[];
  /** The alerts of a group, in the order the source lists them. */
  items?: AlertItem[];
  /** Normalised state, for storm control (a recovery is never suppressed after its problem). */
  state?: AlertState;
  /** Additional template placeholders; `subject`, `text` or `from` replace the mail's own. */
  fields?: Record<string, string>;
}

/**
 * Knows one family of notification mails (Alertmanager, Zabbix, Nagios, ...) and pulls out what
 * an on-call reader needs, so it fits in few SMS segments. Chosen by headers and structure
 * (sender, X-Mailer, subject pattern, template markers), never by matching a whole text.
 */
export interface Recogniser {
  /** Stable name, for logs, `render.templates` keys and `smtp2sms preview`. */
  name: string;
  /** Confidence 0..1 that `mail` is of this family; cheap to compute. */
  matches(mail: ParsedMail): number;
  /** The fields; may throw on a mail it cannot read (the plain path takes over). */
  extract(mail: ParsedMail): AlertFields;
  /**
   * The family's layout over `{status} {title} {target} {severity} {value} {count} {items}
   * {extra}`; `render.templates.<name>` overrides it.
   */
  template?: string;
  /**
   * Its details are log lines (cron output, CI consoles): a shorter form ("tar: No space left")
   * may stand in for a long line in the first segment.
   */
  compact?: boolean;
}
