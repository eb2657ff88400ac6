/**
 * Providers sometimes quote the request back in an error ("invalid parameter text='…'"), often
 * as it was sent: URL-encoded, form-encoded (`+` for spaces) or JSON-escaped. Their words go to
 * the log, the status API and the DSN, where the message text must not appear unless the operator
 * asks for it (`logging.content`). Every run of at least MIN_RUN characters of the text, in any of
 * those spellings, becomes "[message text]" (shorter runs are ordinary words); a text shorter than
 * that is replaced where it appears whole, from MIN_WHOLE characters up.
 */
const MIN_RUN = 12;
const MIN_WHOLE = 6;
export const TEXT_PLACEHOLDER = '[message text]';
export const SECRET_PLACEHOLDER = '[secret]';
/** Shorter "secrets" (a 1-character var) would blank out ordinary words. */
const MIN_SECRET = 4;

/**
 * The carrier's own credentials, should a provider quote the request back with them (its auth
 * header, a key in the URL): replaced whole, in each spelling a request could have carried.
 */
export function withoutSecrets(reason: string, secrets: readonly string[]): string {
  let out = reason;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET) continue;
    for (const spelling of new Set(spellings(secret))) out = out.split(spelling).join(SECRET_PLACEHOLDER);
  }
  return out;
}

export function withoutMessageText(reason: string, text: string): string {
  // Reasons are folded to one line, so the text is compared folded too.
  const folded = text.replace(/\s+/g, ' ').trim();
  if (folded.length < MIN_WHOLE) return reason;
  let out = reason;
  for (const spelling of new Set(spellings(folded))) {
    out = spelling.length < MIN_RUN ? out.split(spelling).join(TEXT_PLACEHOLDER) : replaceRuns(out, spelling);
  }
  return out;
}

/** The text as a request would have carried it. */
function spellings(folded: string): string[] {
  return [
    folded,
    encodeURIComponent(folded),
    new URLSearchParams({ t: folded }).toString().slice(2),
    JSON.stringify(folded).slice(1, -1),
  ];
}

function replaceRuns(reason: string, text: string): string {
  if (reason.length < MIN_RUN) return reason;
  let out = '';
  let i = 0;
  while (i < reason.length) {
    if (i + MIN_RUN <= reason.length && text.includes(reason.slice(i, i + MIN_RUN))) {
      let end = i + MIN_RUN;
      while (end < reason.length && text.includes(reason.slice(i, end + 1))) end++;
      out += TEXT_PLACEHOLDER;
      i = end;
    } else {
      out += reason[i];
      i++;
    }
  }
  return out;
}
