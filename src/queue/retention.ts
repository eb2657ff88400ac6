/**
 * How long a sent SMS job is kept: a resend of the same Message-ID within it sends nothing, and
 * storm control's dedup window may not be longer (its resend rule relies on the job). Its own
 * file so that the config schema can name it without loading BullMQ.
 */
export const SENT_JOBS_KEPT_MS = 86_400_000;
