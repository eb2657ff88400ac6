/**
 * text/html → plain text for mails that have no text/plain part (Alertmanager, Jenkins and most
 * SaaS notifications). What a handset reader needs is the words: no CSS, no image alt text or
 * tracking pixels, no link URLs (they cost dozens of characters each and cannot be clicked from
 * most SMS apps anyway), no word wrapping.
 */
import { compile, type FormatCallback } from 'html-to-text';
import { foldText } from './fold.js';
import { countTagsUpTo, exceedsNestingDepth, stripTags } from './html-guard.js';

/**
 * Deepest element nesting handed to html-to-text; deeper markup goes through `stripTags`. Real
 * mails stay far below this (Outlook's nested layout tables, four elements per table level, reach
 * a few dozen); parsing costs depth times size, so this also bounds the work on a capped input.
 */
export const MAX_HTML_DEPTH = 300;

/**
 * Most tags handed to html-to-text. The alert mails in the corpus have at most a few hundred
 * (Grafana's richest, a few thousand); parsing cost grows with tags times depth, so this bounds it
 * even if the depth check were ever fooled by markup it reads differently from htmlparser2.
 */
export const MAX_HTML_TAGS = 20_000;

// A table cell is inline text followed by a space, so "Project:</td><td>payments" reads
// "Project: payments" (html-to-text's layout-table output glues cells together).
const formatCell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addInline(' ');
};

/**
 * A quotation is marked `> ` once, at its outermost level (the clean-up drops quoted lines by that
 * mark). html-to-text's own formatter prefixes every level, rewriting the whole quoted text once
 * per level: 300 nested blockquotes around 20,000 lines held the event loop for 40 s.
 */
const formatQuote: FormatCallback = (elem, walk, builder) => {
  const nested = insideQuote(elem);
  builder.openBlock({ leadingLineBreaks: nested ? 1 : 2, reservedLineLength: nested ? 0 : 2 });
  walk(elem.children, builder);
  builder.closeBlock({
    trailingLineBreaks: nested ? 1 : 2,
    ...(nested ? {} : { blockTransform: (text: string) => text.replace(/^\n+|\n+$/g, '').split('\n').map((line) => `> ${line}`).join('\n') }),
  });
};

function insideQuote(elem: { parent?: unknown }): boolean {
  for (let node = elem.parent as { name?: string; parent?: unknown } | null | undefined; node; node = node.parent as typeof node) {
    if (node.name === 'blockquote') return true;
  }
  return false;
}

const lineBlock = { leadingLineBreaks: 1, trailingLineBreaks: 1 };

// Compiled on first use: compiling is pure but not free, and importing must stay cheap.
let converter: ((html: string) => string) | undefined;

function getConverter(): (html: string) => string {
  converter ??= compile({
    wordwrap: false,
    formatters: { cell: formatCell, quote: formatQuote },
      limits: { maxDepth: MAX_HTML_DEPTH, maxInputLength: Number.MAX_SAFE_INTEGER },
    selectors: [
      { selector: 'head', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'img', format: 'skip' }, // alt texts, logos and tracking pixels
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'hr', format: 'block', options: lineBlock },
      { selector: 'blockquote', format: 'quote' },
      // Layout tables: one row per line, cells separated by a space, no column padding.
      { selector: 'table', format: 'block', options: lineBlock },
      { selector: 'tr', format: 'block', options: lineBlock },
      { selector: 'td', format: 'cell' },
      { selector: 'th', format: 'cell' },
      // Keep the author's case; html-to-text upper-cases headings by default.
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
        selector,
        options: { uppercase: false },
      })),
    ],
  });
  return converter;
}

/**
 * Converts HTML to folded plain text (see `foldText`). Never throws: markup too deep or too broken
 * for html-to-text falls back to a crude tag stripper. Callers cap the input length first; the
 * work here is then bounded by that length.
 */
export function htmlToPlainText(html: string): string {
  if (html.trim() === '') return '';
  if (countTagsUpTo(html, MAX_HTML_TAGS) <= MAX_HTML_TAGS && !exceedsNestingDepth(html, MAX_HTML_DEPTH)) {
    try {
      return foldText(getConverter()(html));
    } catch {
      // html-to-text has thrown on inputs htmlparser2 accepts (stack overflows on odd nesting);
      // the stripper below still gets the words out.
    }
  }
  return foldText(stripTags(html));
}
