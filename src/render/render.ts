/**
 * ParsedMail → the SMS text, before GSM/UCS-2 encoding and segmenting (sms/). The template says
 * what goes in; a recogniser that knows the mail's family may add condensed fields to it.
 */
import type { ParsedMail } from '../mail/parse.js';
import { recognisers, type Recogniser } from './recognisers/index.js';
import { fillTemplate, parseTemplate } from './template.js';

export const DEFAULT_TEMPLATE = '{subject}: {text}';

/** Below this confidence a recogniser's fields are not used. */
export const RECOGNISER_THRESHOLD = 0.5;

export interface RenderOptions {
  /** Placeholders `{subject}`, `{text}`, `{from}` and any a recogniser adds. */
  template: string;
}

/**
 * Renders `mail` through the template as one line of text: newlines and whitespace runs become
 * single spaces (an SMS is read as one paragraph), separators next to empty fields are dropped.
 */
export function renderSmsText(
  mail: ParsedMail,
  options: RenderOptions = { template: DEFAULT_TEMPLATE },
  registry: readonly Recogniser[] = recognisers,
): string {
  const values = new Map<string, string>([
    ['subject', mail.subject],
    ['text', mail.text],
    ['from', mail.from],
  ]);
  for (const [name, value] of Object.entries(recognisedFields(mail, registry))) {
    if (typeof value === 'string') values.set(name, value);
  }
  return fillTemplate(parseTemplate(options.template), values);
}

/**
 * The fields of the most confident recogniser at or above the threshold (the first on a tie), or
 * none. A recogniser that throws counts as not matching: a bug in one family's parser must not
 * stop an alert from going out in plain form.
 */
export function recognisedFields(mail: ParsedMail, registry: readonly Recogniser[]): Record<string, string> {
  let best: Recogniser | undefined;
  let bestScore = RECOGNISER_THRESHOLD;
  for (const recogniser of registry) {
    let score: number;
    try {
      score = recogniser.matches(mail);
    } catch {
      continue;
    }
    if (score >= bestScore && (best === undefined || score > bestScore)) {
      best = recogniser;
      bestScore = score;
    }
  }
  if (best === undefined) return {};
  try {
    return best.extract(mail);
  } catch {
    return {};
  }
}
