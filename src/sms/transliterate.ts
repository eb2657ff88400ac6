/**
 * Look-alike punctuation and spacing → GSM 7-bit, so that mail text (smart quotes from word
 * processors, non-breaking spaces from HTML) still fits 160 characters instead of 70.
 * Letters of other scripts are never touched: Привет stays Привет and the message goes UCS-2.
 */

interface Rule {
  from: string;
  to: string;
  /**
   * Only worth applying when it brings the whole text into GSM 7-bit. In a UCS-2 message
   * the original is representable, and these either carry meaning there (joiners build emoji
   * and Indic conjuncts, direction marks order bidi text) or would cost extra units (…).
   */
  gsmOnly?: true;
}

const RULES: readonly Rule[] = [
  // Single quotes, apostrophes and primes. The backtick has no GSM code (0x60 is ¿).
  { from: '\u2018', to: "'" }, // ‘ left single quotation mark
  { from: '\u2019', to: "'" }, // ’ right single quotation mark / apostrophe
  { from: '\u201A', to: "'" }, // ‚ single low-9 quotation mark
  { from: '\u201B', to: "'" }, // ‛ single high-reversed-9 quotation mark
  { from: '\u2032', to: "'" }, // ′ prime
  { from: '\u00B4', to: "'" }, // ´ acute accent
  { from: '`', to: "'" }, // grave accent
  { from: '\u2039', to: "'" }, // ‹ single left-pointing angle quotation mark
  { from: '\u203A', to: "'" }, // › single right-pointing angle quotation mark
  { from: '\u02BC', to: "'", gsmOnly: true }, // ʼ modifier apostrophe: a letter in Ukrainian
  // Double quotes.
  { from: '\u201C', to: '"' }, // “ left double quotation mark
  { from: '\u201D', to: '"' }, // ” right double quotation mark
  { from: '\u201E', to: '"' }, // „ double low-9 quotation mark
  { from: '\u201F', to: '"' }, // ‟ double high-reversed-9 quotation mark
  { from: '\u2033', to: '"' }, // ″ double prime
  { from: '\u00AB', to: '"' }, // « left-pointing double angle quotation mark
  { from: '\u00BB', to: '"' }, // » right-pointing double angle quotation mark
  // Hyphens, dashes and minus.
  { from: '\u2010', to: '-' }, // ‐ hyphen
  { from: '\u2011', to: '-' }, // ‑ non-breaking hyphen
  { from: '\u2012', to: '-' }, // ‒ figure dash
  { from: '\u2013', to: '-' }, // – en dash
  { from: '\u2014', to: '-' }, // — em dash
  { from: '\u2015', to: '-' }, // ― horizontal bar
  { from: '\u2212', to: '-' }, // − minus sign
  { from: '\u00AD', to: '' }, // soft hyphen: invisible unless a line breaks there
  // Ellipsis and bullets.
  { from: '\u2026', to: '...', gsmOnly: true }, // … horizontal ellipsis
  { from: '\u2022', to: '*' }, // • bullet
  { from: '\u2023', to: '*' }, // ‣ triangular bullet
  { from: '\u25E6', to: '*' }, // ◦ white bullet
  // Spaces. A tab has no GSM code and handsets do not align columns anyway.
  { from: '\t', to: ' ' },
  { from: '\u00A0', to: ' ' }, // no-break space
  { from: '\u2000', to: ' ' }, // en quad
  { from: '\u2001', to: ' ' }, // em quad
  { from: '\u2002', to: ' ' }, // en space
  { from: '\u2003', to: ' ' }, // em space
  { from: '\u2004', to: ' ' }, // three-per-em space
  { from: '\u2005', to: ' ' }, // four-per-em space
  { from: '\u2006', to: ' ' }, // six-per-em space
  { from: '\u2007', to: ' ' }, // figure space
  { from: '\u2008', to: ' ' }, // punctuation space
  { from: '\u2009', to: ' ' }, // thin space
  { from: '\u200A', to: ' ' }, // hair space
  { from: '\u202F', to: ' ' }, // narrow no-break space
  { from: '\u205F', to: ' ' }, // medium mathematical space
  { from: '\u3000', to: ' ' }, // ideographic space
  { from: '\u2028', to: '\n' }, // line separator
  { from: '\u2029', to: '\n' }, // paragraph separator
  // Invisible characters: dropped.
  { from: '\u200B', to: '' }, // zero width space
  { from: '\u2060', to: '' }, // word joiner
  { from: '\uFEFF', to: '' }, // zero width no-break space (stray byte order mark)
  { from: '\u200C', to: '', gsmOnly: true }, // zero width non-joiner
  { from: '\u200D', to: '', gsmOnly: true }, // zero width joiner
  { from: '\u200E', to: '', gsmOnly: true }, // left-to-right mark
  { from: '\u200F', to: '', gsmOnly: true }, // right-to-left mark
  // The ETSI table draws 0x09 as Ç but Unicode's GSM0338.TXT maps it to ç (the intended
  // letter), and handsets differ; sending ç there keeps French and Portuguese text in GSM.
  // In UCS-2 it would only lose the case.
  { from: '\u00E7', to: '\u00C7', gsmOnly: true }, // ç
];

interface Table {
  map: ReadonlyMap<string, string>;
  pattern: RegExp;
}

function table(rules: readonly Rule[]): Table {
  // One character class over every key: a regex pass is far faster than per-character
  // string building on multi-megabyte mail bodies.
  const hex = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return {
    map: new Map(rules.map((r) => [r.from, r.to])),
    pattern: new RegExp(`[${rules.map((r) => hex(r.from)).join('')}]`, 'g'),
  };
}

const TO_GSM = table(RULES);
const IN_UCS2 = table(RULES.filter((r) => !r.gsmOnly));

function apply(text: string, { map, pattern }: Table): string {
  return text.replace(pattern, (ch) => map.get(ch) ?? ch);
}

/** Replaces look-alikes with their GSM 7-bit forms; other characters pass through. */
export function transliterate(text: string): string {
  return apply(text, TO_GSM);
}

/** The subset that is harmless for a message that stays UCS-2 anyway. */
export function transliterateForUcs2(text: string): string {
  return apply(text, IN_UCS2);
}
