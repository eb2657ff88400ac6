/**
 * Lines a reader of an SMS never needs: signatures, legal disclaimers, "Sent from my iPhone",
 * unsubscribe and notification-settings footers. Recognised by position and wording, in a few
 * common languages; anything not recognised stays, because dropping a fact is worse than
 * keeping a courtesy line.
 */

/** "Sent from my iPhone", "Get Outlook for Android", and the same in other languages. */
const SENT_FROM = /^(sent from my |sent from (outlook|mail|yahoo mail) for |sent with |get outlook for |von meinem .{1,40} gesendet|gesendet von meinem |envoyé de mon |envoyé depuis |enviado desde mi |inviato da |verzonden met |skickat från |отправлено с )/i;

/** A sign-off line that starts the signature block. */
const SIGN_OFF = /^(thanks|thank you|many thanks|regards|best|best regards|kind regards|warm regards|cheers|br|rgds|mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|liebe grüße|grüße|gruß|mfg|cordialement|bien à vous|salutations|saludos|un saludo|atentamente|met vriendelijke groet|groeten|cordiali saluti|saluti|mvh|med vänlig hälsning|hälsningar|pozdrawiam|с уважением)[,.!]?$/i;

/** Words of a confidentiality notice or legal disclaimer. */
const DISCLAIMER_START = /^(confidentiality notice|confidential|disclaimer|legal notice|privileged|vertraulichkeitshinweis|haftungsausschluss|avertissement|aviso legal|aviso de confidencialidad)\b/i;
const DISCLAIMER_WORDS = /(intended recipient|confidential|privileged|unauthori[sz]ed|disclosure|strictly (prohibited|forbidden)|delete (this|the) (message|e-?mail)|notify the sender|vertraulich|empfänger|destinataire|destinatario|registergericht|geschäftsführer|handelsregister)/gi;

/** Footers of notification mails: how to stop them, not what happened. */
const FOOTER = /(unsubscribe|opt[ -]out|manage (your )?(notification|email|alert|subscription)s?|notification settings|email preferences|preferences center|to stop receiving|stop receiving (these|this|notifications)|you (are receiving|received) this (e-?mail|message|notification) because|you('re| are) receiving this because|abbestellen|abmelden|benachrichtigungseinstellungen|se désabonner|désinscri|darse de baja)/i;

/** Signature delimiter ("-- " before folding trimmed it). */
export function isSignatureDelimiter(line: string): boolean {
  return line === '--' || line === '-- ' || line === '__' || line === '—';
}

export function isSentFrom(line: string): boolean {
  return line.length < 120 && SENT_FROM.test(line);
}

export function isSignOff(line: string): boolean {
  return line.length < 40 && SIGN_OFF.test(line);
}

export function isFooterLine(line: string): boolean {
  return line.length < 600 && FOOTER.test(line);
}

/** A paragraph that reads as a confidentiality notice: starts like one or uses its words. */
export function isDisclaimer(paragraph: string): boolean {
  const sample = paragraph.slice(0, 2000);
  if (DISCLAIMER_START.test(sample)) return true;
  const hits = new Set((sample.match(DISCLAIMER_WORDS) ?? []).map((w) => w.toLowerCase()));
  return hits.size >= 3;
}

// Lines typical of a contact block: phone numbers, e-mail/web addresses, "Title | Company".
// International phone numbers need the "+", so dates and IP addresses in a status mail's last
// paragraph never pass for a signature.
const CONTACT = /((^|\s)\+\d[\d ()/-]{6,}\d|\b(tel|phone|fax|mobile|mob|cell)\b|[\w.+-]+@[\w-]+\.[\w.-]+|\bwww\.[\w-]+\.\w+|\s\|\s)/i;

/**
 * Whether the lines from `start` to the end look like a signature block: short lines, most of
 * them contact details or names, no more than `maxLines` before the end.
 */
export function looksLikeSignature(lines: readonly string[], start: number, maxLines = 10): boolean {
  const block = lines.slice(start).filter((line) => line !== '');
  if (block.length === 0 || block.length > maxLines) return false;
  const contact = block.filter((line) => line.length <= 200 && CONTACT.test(line)).length;
  const short = block.filter((line) => line.length <= 80).length;
  return short >= block.length - 1 && contact >= Math.ceil(block.length / 3);
}
