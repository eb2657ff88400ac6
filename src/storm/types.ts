/** Shapes of storm control: its settings, what the intake tells it, what it answers. */

/** The `storm:` config section, durations in milliseconds. */
export interface StormConfig {
  enabled: boolean;
  /** An identical text to the same number within this window is suppressed. */
  dedupWindow: number;
  /** Burst window: more than `burstLimit` SMS to one number within it are held. */
  burstWindow: number;
  /** 0 turns aggregation off. */
  burstLimit: number;
  /** Most SMS per number per clock hour; 0 = no cap. */
  hourlyCap: number;
  /** Burst summary: {count} held messages, {texts} their texts joined by " | ". */
  summaryTemplate: string;
  /** End-of-hour report: {count} suppressed by the cap, {limit} the cap. */
  capTemplate: string;
}

/** What the renderer knows about a message (from `RenderResult.fields`). */
export interface StormMeta {
  /** problem | recovery | info; unknown mails are 'info'. */
  state?: 'problem' | 'recovery' | 'info';
  /**
   * Identity of the alert across its problem and recovery mails, e.g.
   * "alertmanager|NodeFilesystemAlmostOutOfSpace|db-01"; without it a recovery cannot be
   * matched to its problem and only the text dedup applies.
   */
  alertKey?: string;
  /**
   * The recipient's job id: kept with a held message so its summary can be recorded on it, and
   * in the dedup marker so that the sender's retry of the same message is not its own duplicate.
   */
  jobId?: string;
}

export type StormAction = 'send' | 'suppress' | 'defer';

export type StormReason =
  | 'disabled'
  | 'new'
  | 'recovery' // a recovery whose problem was sent: always goes out
  | 'resend' // the same message (job id) again, after a 451: sent, counted once
  | 'duplicate'
  | 'cap'
  | 'burst';

export interface StormDecision {
  action: StormAction;
  reason: StormReason;
  /** For 'defer': when the summary holding this message is due (epoch ms). */
  flushAt?: number;
}

/** A message held during a burst. */
export interface HeldMessage {
  text: string;
  state: 'problem' | 'recovery' | 'info';
  alertKey?: string;
  /** The held recipient's job id. */
  jobId?: string;
  at: number;
  /** Per-number sequence, for a stable summary id. */
  seq: number;
}

/** An SMS storm control asks the relay to send on its own (burst summary or cap report). */
export interface StormSummary {
  /** Deterministic: use it as the job id so a re-flush after a crash does not send twice. */
  id: string;
  number: string;
  kind: 'burst' | 'cap';
  text: string;
  /** Messages it stands for. */
  count: number;
  /** For 'burst': the held messages, oldest first. */
  held: HeldMessage[];
}

/** Totals since start, for Prometheus counters. */
export interface StormCounters {
  sent: number;
  recoveries: number;
  duplicates: number;
  capped: number;
  deferred: number;
  burstSummaries: number;
  capReports: number;
}

/** Per-number state for the status API. */
export interface StormNumberStatus {
  burstCount: number;
  held: number;
  sentThisHour: number;
  suppressedThisHour: number;
}
