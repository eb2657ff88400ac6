/**
 * ParsedMail → the SMS text, before GSM/UCS-2 encoding and segmenting (sms/). A recogniser that
 * knows the mail's family supplies fields laid out by the family template (or the operator's
 * `render.templates` entry); any other mail goes through `sms.template` with a condensed body.
 */
import { MessageError } from '../errors.js';
import { isFooterLine } from '../mail/cleanup/boilerplate.js';
import { isLinkLabel } from '../mail/cleanup/index.js';
import { rewriteUrls, type UrlMode } from '../mail/cleanup/urls.js';
import type { ParsedMail } from '../mail/parse.js';
import { capText } from '../mail/fold.js';
import { SmsBudget } from './budget.js';
import { composeAlert } from './compose.js';
import { cleanSubject, condenseBody } from './condense.js';
import { preferGsm } from './gsm-friendly.js';
import { DEFAULT_TEMPLATE, resolveRenderOptions, type RenderOptions } from './options.js';
import { recognisers, type Recogniser } from './recognisers/index.js';
import type { AlertFields } from './recognisers/types.js';
import { fillTemplate, parseTemplate } from './template.js';

export { DEFAULT_TEMPLATE } from './options.js';

/** Below this confidence a recogniser is not used. */
export const RECOGNISER_THRESHOLD = 0.5;

/** Layout for a recognised mail whose recogniser names none. */
export const DEFAULT_FAMILY_TEMPLATE = '{status} {target} {title} {severity}: {value}; {extra}';

export interface RecogniserChoice {
  recogniser: Recogniser;
  confidence: number;
}

export interface RenderResult {
  text: string;
  /** The recogniser used, if any, with its confidence. */
  recogniser?: string;
  confidence?: number;
  /** Its fields, for `smtp2sms preview` and storm control (state, title, target). */
  fields?: AlertFields;
  /** The template the text was filled from. */
  template: string;
}

/**
 * The most confident recogniser at or above the threshold (the first on a tie), or undefined.
 * A recogniser that throws counts as not matching: a bug in one family's parser must not stop
 * an alert from going out in plain form.
 */
export function chooseRecogniser(mail: ParsedMail, registry: readonly Recogniser[] = recognisers): RecogniserChoice | undefined {
  let best: RecogniserChoice | undefined;
  for (const recogniser of registry) {
    let confidence: number;
    try {
      confidence = recogniser.matches(mail);
    } catch {
      continue;
    }
    if (!(confidence >= RECOGNISER_THRESHOLD)) continue;
    if (best === undefined || confidence > best.confidence) best = { recogniser, confidence };
  }
  return best;
}

function baseValues(mail: ParsedMail, fields?: AlertFields): Map<string, string> {
  const values = new Map<string, string>([
    ['subject', mail.subject],
    ['text', mail.text],
    ['from', mail.from],
  ]);
  for (const [name, value] of Object.entries(fields?.fields ?? {})) values.set(name, value);
  return values;
}

/** Renders `mail` with everything `smtp2sms preview` shows about how. */
export function renderSms(
  mail: ParsedMail,
  options: RenderOptions = { template: DEFAULT_TEMPLATE },
  registry: readonly Recogniser[] = recognisers,
): RenderResult {
  const resolved = resolveRenderOptions(options);
  const budget = new SmsBudget(resolved.budget);
  const choice = resolved.recognisers ? chooseRecogniser(mail, registry) : undefined;
  if (choice !== undefined) {
    let fields: AlertFields | undefined;
    try {
      fields = tidyFields(choice.recogniser.extract(mail), resolved.urls);
    } catch {
      fields = undefined; // falls through to the plain path
    }
    if (fields !== undefined) {
      const { name } = choice.recogniser;
      const template = resolved.templates[name] ?? resolved.templates['*'] ?? choice.recogniser.template ?? DEFAULT_FAMILY_TEMPLATE;
      const compact = choice.recogniser.compact ?? false;
      const text = preferGsm(bounded(composeAlert(fields, template, baseValues(mail, fields), budget, { compact }), budget), budget);
      if (text !== '') return { text, recogniser: name, confidence: choice.confidence, fields, template };
    }
  }
  const tokens = parseTemplate(resolved.template);
  const values = baseValues(mail);
  const usesText = tokens.some((t) => t.kind === 'placeholder' && t.name === 'text');
  if (resolved.condense) {
    values.set('subject', cleanSubject(mail.subject));
    if (usesText) {
      const head = fillTemplate(tokens, new Map([...values, ['text', '']]));
      values.set('text', condenseBody(mail, { urls: resolved.urls, budget, head }));
    }
  }
  return { text: preferGsm(bounded(fillTemplate(tokens, values), budget), budget), template: resolved.template };
}

/**
 * At most 2,000 characters, or more than maxSegments SMS could carry if that is more, so the
 * sender still cuts the text with its visible marker (every character takes at least one septet):
 * the text is copied into each recipient's job in Redis, and `render.condense: false` would
 * otherwise keep a 100 KB body there for every recipient.
 */
function bounded(text: string, budget: SmsBudget): string {
  return capText(text, Math.max(2_000, budget.options.maxSegments * 160 + 1));
}

/**
 * The URL policy and footer rule apply to recognised details too: a tool's "Details: <link>" or
 * "Unsubscribe: <link>" line is not worth an SMS character.
 */
function tidyFields(fields: AlertFields, urls: UrlMode): AlertFields {
  const tidy = (text: string): string => rewriteUrls(text, urls).text;
  const extra = fields.extra
    .filter((line) => !isFooterLine(line))
    .map((line) => ({ line, text: tidy(line) }))
    // A line that was only a label for its link ("Details: https://…") goes with it.
    .filter(({ line, text }) => text === line || (text !== '' && !isLinkLabel(line, text)))
    .map(({ text }) => text);
  return { ...fields, value: tidy(fields.value), extra };
}

/**
 * The text to send, or MessageError EMPTY_MESSAGE (the SMTP side's 554 5.6.0) when a mail gave
 * nothing to say: one rule for the relay and for `smtp2sms preview`.
 */
export function sendableText(result: RenderResult): string {
  if (result.text.trim() === '') throw new MessageError('EMPTY_MESSAGE', 'Message has no subject or text to send', true);
  return result.text;
}

/** Renders `mail` as one line of SMS text (see `renderSms`). */
export function renderSmsText(
  mail: ParsedMail,
  options: RenderOptions = { template: DEFAULT_TEMPLATE },
  registry: readonly Recogniser[] = recognisers,
): string {
  return renderSms(mail, options, registry).text;
}
