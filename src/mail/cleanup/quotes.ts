/**
 * Where a reply's quoted history begins. Mail clients mark it in a handful of ways: Outlook's
 * "From: / Sent: / To: / Subject:" block (localised), "-----Original Message-----", Gmail's and
 * Apple Mail's "On <date>, <name> wrote:" (also split over two lines), forwarded-message
 * banners and `>` prefixes. Only the top message is what the sender said now.
 *
 * Works on folded lines (trimmed, single blank lines); every pattern is anchored and free of
 * nested quantifiers, so each line costs linear time.
 */

// Header names of an Outlook/Exchange quote block, in the languages Outlook ships most.
const FROM = /^\*?(from|von|de|van|da|fra|från|od|от|发件人|差出人)\s?:/i;
const SENT = /^\*?(sent|date|gesendet|datum|envoyé|date d'envoi|enviado|fecha|verzonden|inviato|data|skickat|sendt|отправлено|发送时间|送信日時)\s?:/i;
const TO_OR_SUBJECT = /^\*?(to|an|à|a|para|aan|till|til|do|кому|收件人|宛先|subject|betreff|objet|asunto|onderwerp|oggetto|ämne|emne|temat|тема|主题|件名|cc)\s?:/i;

// "-----Original Message-----" and its translations; also "----- Forwarded message -----".
const SEPARATOR = /^-{2,}\s?(original message|ursprüngliche nachricht|message d'origine|mensaje original|oorspronkelijk bericht|messaggio originale|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s?-{2,}$/i;
const BEGIN_FORWARD = /^(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié)\s?:$/i;

// Gmail / Apple / Thunderbird attribution lines, English and a few common locales.
const ON_WROTE = /^(on|am|le|el|op|il|den|dnia)\s.{4,300}(wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev|napisał)\s?:$/i;
// German, French, Spanish, Italian, Dutch put the verb before the name: "Am … schrieb X <x@y>:".
// Checked with plain string searches, not a backtracking pattern.
const VERB_FIRST_START = /^(am|le|el|il|op)\s/i;
const VERBS_BEFORE_NAME = [' schrieb ', ' a écrit ', ' escribió ', ' ha scritto ', ' schreef '];
function isVerbFirstAttribution(line: string): boolean {
  if (!VERB_FIRST_START.test(line) || !line.endsWith(':')) return false;
  const lower = line.toLowerCase();
  return VERBS_BEFORE_NAME.some((verb) => lower.includes(verb));
}
const WROTE_END = /(wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev|napisał)\s?:$/i;
const ON_START = /^(on|am|le|el|op|il|den|dnia)\s/i;

export type QuoteMarker = 'outlook' | 'separator' | 'attribution' | 'forward';

export interface QuoteStart {
  /** Index of the first line of the quote header. */
  index: number;
  /** Index of the first line after the header (where the quoted message itself starts). */
  bodyIndex: number;
  marker: QuoteMarker;
}

/** An Outlook header block: From: then, within the next few lines, Sent:/Date: and To:/Subject:. */
function outlookBlockEnd(lines: readonly string[], i: number): number {
  if (!FROM.test(lines[i] ?? '')) return -1;
  let sent = false;
  let other = false;
  let j = i + 1;
  for (; j < Math.min(lines.length, i + 7); j++) {
    const line = lines[j] ?? '';
    if (SENT.test(line)) sent = true;
    else if (TO_OR_SUBJECT.test(line)) other = true;
    else break;
  }
  return sent && other ? j : -1;
}

/** The first quote header in `lines`, or undefined. */
export function findQuoteStart(lines: readonly string[], check: () => void = () => undefined): QuoteStart | undefined {
  for (let i = 0; i < lines.length; i++) {
    if ((i & 255) === 0) check();
    const line = lines[i] ?? '';
    if (line === '') continue;
    if (SEPARATOR.test(line) || BEGIN_FORWARD.test(line)) {
      // A forwarded/original header block usually follows the banner; skip it too.
      const end = outlookBlockEnd(lines, i + 1);
      return { index: i, bodyIndex: end > 0 ? end : i + 1, marker: /forward|weiter|transf|reenv|begin|anfang|début/i.test(line) ? 'forward' : 'separator' };
    }
    const end = outlookBlockEnd(lines, i);
    if (end > 0) return { index: i, bodyIndex: end, marker: 'outlook' };
    if (line.length <= 400 && (ON_WROTE.test(line) || isVerbFirstAttribution(line))) return { index: i, bodyIndex: i + 1, marker: 'attribution' };
    // Gmail wraps a long attribution: "On Mon, ... at 4:14 AM Jane Miller <" / "jane@x> wrote:".
    const next = lines[i + 1] ?? '';
    if (line.length <= 300 && next.length <= 300 && ON_START.test(line) && WROTE_END.test(next)) {
      return { index: i, bodyIndex: i + 2, marker: 'attribution' };
    }
  }
  return undefined;
}

/** True for a line quoted with `>` (any depth, with or without a space). */
export function isQuotedLine(line: string): boolean {
  return line.startsWith('>');
}
