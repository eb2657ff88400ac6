import type { ParsedMail } from '../../mail/parse.js';

/**
 * Knows one family of notification mails (Alertmanager, Zabbix, Nagios, ...) and pulls out what
 * an on-call reader needs, so it fits in few SMS segments.
 */
export interface Recogniser {
  /** Stable name, for logs and `smtp2sms preview`. */
  name: string;
  /** Confidence 0..1 that `mail` is of this family; from headers and subject, cheap to compute. */
  matches(mail: ParsedMail): number;
  /**
   * Fields for the template (`{status}`, `{host}`, ...). A field named `subject`, `text` or `from`
   * replaces the mail's own value, which is how a recogniser condenses the default template.
   */
  extract(mail: ParsedMail): Record<string, string>;
}
