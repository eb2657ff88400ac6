/**
 * Providers sometimes quote the request back in an error ("invalid parameter text='…'"). Their
 * words go to the log, the status API and the DSN, where the message text must not appear unless
 * the operator asks for it (`logging.content`). Every run of at least MIN_RUN characters of the
 * message text in a reason becomes "[message text]"; shorter runs are ordinary words.
 */
const MIN_RUN = 12;
export const TEXT_PLACEHOLDER = '[message text]';

export function withoutMessageText(reason: string, text: string): string {
  // Reasons are folded to one line, so the text is compared folded too.
  const folded = text.replace(/\s+/g, ' ').trim();
  if (folded.length < MIN_RUN || reason.length < MIN_RUN) return reason;
  let out = '';
  let i = 0;
  while (i < reason.length) {
    if (i + MIN_RUN <= reason.length && folded.includes(reason.slice(i, i + MIN_RUN))) {
      let end = i + MIN_RUN;
      while (end < reason.length && folded.includes(reason.slice(i, end + 1))) end++;
      out += TEXT_PLACEHOLDER;
      i = end;
    } else {
      out += reason[i];
      i++;
    }
  }
  return out;
}
