/**
 * Protection for the HTML converter against hostile markup. htmlparser2 (under html-to-text) keeps
 * its open-element stack at the front of an array and searches it on every end tag, so parsing
 * costs size times nesting depth, and html-to-text walks the DOM recursively and overflows the
 * call stack at about 2000 levels. Width is cheap, so depth is the one thing to check before
 * converting; markup that fails the check goes through `stripTags`, crude but linear.
 *
 * (mailparser's own guard leaves elements with implied end tags out of the count, which
 * `<p><li>` repeated defeats: neither closes the other, so they nest without limit. This one
 * follows htmlparser2's implied-close table instead.)
 */

// Elements that never hold content (htmlparser2's list), so a start tag does not open a level.
const VOID_ELEMENTS = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input',
  'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
// htmlparser2's implied closes: opening the key closes open elements of these names while they
// are innermost (td after td, p before div). Without it an unclosed run of <td> or <p> would look
// deep while the parser keeps it flat.
const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const IMPLIED_CLOSE = new Map<string, ReadonlySet<string>>(
  Object.entries({
    tr: ['tr', 'th', 'td'], th: ['th'], td: ['thead', 'th', 'td'], body: ['head', 'link', 'script'],
    li: ['li'], option: ['option'], optgroup: ['optgroup', 'option'], dd: ['dd', 'dt'],
    dt: ['dd', 'dt'], rt: ['rt', 'rp'], rp: ['rt', 'rp'], tbody: ['thead', 'tbody'],
    tfoot: ['thead', 'tbody'], select: FORM, input: FORM, output: FORM, button: FORM,
    datalist: FORM, textarea: FORM,
    ...Object.fromEntries(
      [
        'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote',
        'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header',
        'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul',
      ].map((name) => [name, P]),
    ),
  }).map(([name, closes]) => [name, new Set(closes)]),
);
// Elements whose content the tokenizer reads as raw text: tags inside them are not tags.
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'textarea']);
// Elements whose content is not text for a reader; stripTags skips them whole when closed.
const SKIPPED_ELEMENTS = new Set(['head', 'template', 'noscript']);
// Elements that end a line of text when stripped.
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'tr', 'ul',
]);

function isTagNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || code === 0x3a || code === 0x5f // - : _
  );
}

interface Tag {
  name: string; // lower-cased
  closing: boolean;
  selfClosing: boolean; // ends in "/>", which only counts inside svg and math
  end: number; // index of the closing '>'
}

/**
 * Reads the tag starting at `lt` (a '<'): 'text' when the '<' starts no tag name, 'unterminated'
 * when no '>' follows (then nothing after it is a tag either, which keeps callers linear).
 */
function readTag(html: string, lt: number): Tag | 'text' | 'unterminated' {
  let pos = lt + 1;
  const closing = html.charCodeAt(pos) === 0x2f; // '/'
  if (closing) pos++;
  const nameStart = pos;
  while (pos < html.length && isTagNameChar(html.charCodeAt(pos))) pos++;
  if (pos === nameStart) return 'text';
  const end = tagEnd(html, pos);
  if (end < 0) return 'unterminated';
  const selfClosing = html.charCodeAt(end - 1) === 0x2f;
  return { name: html.slice(nameStart, pos).toLowerCase(), closing, selfClosing, end };
}

/**
 * The '>' that ends a tag whose attributes start at `from`, or -1. A quoted attribute value may
 * hold '>' or '<!--' (`<a title='>'>`), as the tokenizer reads it; taking the first '>' instead
 * would let the rest of such a tag pass for text or a comment and hide markup from the check.
 */
function tagEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length) {
    const code = html.charCodeAt(i);
    if (code === 0x3e) return i; // '>'
    if (code === 0x3d) { // '=': a value follows, maybe quoted
      let j = i + 1;
      while (j < html.length && /\s/.test(html[j]!)) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) return -1;
        i = close + 1;
        continue;
      }
    }
    i++;
  }
  return -1;
}

/**
 * Index just past the comment that starts at `lt` ('<!--'), or -1 when it never ends. `<!-->` and
 * `<!--->` are whole (empty) comments to the tokenizer, not the start of one that runs to the
 * next '-->'.
 */
function commentEnd(html: string, lt: number): number {
  if (html.startsWith('>', lt + 4)) return lt + 5;
  if (html.startsWith('->', lt + 4)) return lt + 6;
  const end = html.indexOf('-->', lt + 4);
  return end < 0 ? -1 : end + 3;
}

/**
 * Index just past the end tag of raw-text element `name` opened before `from`; -1 if none. The
 * name may be followed by anything up to the '>' (`</script x>`, `</script/>` end it too).
 */
function skipElement(html: string, name: string, from: number): number {
  const close = new RegExp(`</${name}(?=[\\s/>])[^>]*>`, 'gi');
  close.lastIndex = from;
  const match = close.exec(html);
  return match === null ? -1 : match.index + match[0].length;
}

/**
 * How many start or end tags `html` has, at most (a '<' before a letter, '/' or '!'): a second
 * bound besides depth, for markup whose depth the check above reads differently from htmlparser2.
 */
export function countTagsUpTo(html: string, limit: number): number {
  let count = 0;
  for (let lt = html.indexOf('<'); lt >= 0 && count <= limit; lt = html.indexOf('<', lt + 1)) {
    const code = html.charCodeAt(lt + 1);
    if (code === 0x2f || code === 0x21 || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) count++;
  }
  return count;
}

/**
 * Whether `html` nests elements deeper than `maxDepth` in the tree htmlparser2 builds: a start
 * tag first closes what it implies closed, then opens an element; an end tag closes down to the
 * nearest open element of its name and is ignored when none is open. One pass, returning as soon
 * as the limit is crossed; the stack never holds more than `maxDepth` + 1 names.
 */
export function exceedsNestingDepth(html: string, maxDepth: number): boolean {
  const stack: string[] = [];
  const open = new Map<string, number>(); // element name -> how many of them are on the stack
  const pop = (): void => {
    const name = stack.pop();
    if (name !== undefined) open.set(name, (open.get(name) ?? 1) - 1);
  };
  let lt = html.indexOf('<');
  while (lt >= 0) {
    if (html.startsWith('!--', lt + 1)) {
      const end = commentEnd(html, lt);
      if (end < 0) return false;
      lt = html.indexOf('<', end);
      continue;
    }
    const tag = readTag(html, lt);
    if (tag === 'unterminated') return false;
    if (tag === 'text') {
      lt = html.indexOf('<', lt + 1);
      continue;
    }
    let next = tag.end + 1;
    if (tag.closing) {
      if (!VOID_ELEMENTS.has(tag.name) && (open.get(tag.name) ?? 0) > 0) {
        while (stack.length > 0 && stack[stack.length - 1] !== tag.name) pop();
        pop();
      }
    } else {
      const closes = IMPLIED_CLOSE.get(tag.name);
      while (closes !== undefined && stack.length > 0 && closes.has(stack[stack.length - 1]!)) pop();
      const foreign = (open.get('svg') ?? 0) > 0 || (open.get('math') ?? 0) > 0;
      if (!VOID_ELEMENTS.has(tag.name) && !(tag.selfClosing && foreign)) {
        stack.push(tag.name);
        open.set(tag.name, (open.get(tag.name) ?? 0) + 1);
        if (stack.length > maxDepth) return true;
      }
      if (RAW_TEXT_ELEMENTS.has(tag.name) && !tag.selfClosing) {
        next = skipElement(html, tag.name, next);
        if (next < 0) return false;
        pop();
      }
    }
    lt = html.indexOf('<', next);
  }
  return false;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ',
};

/** Decodes the handful of entities that matter in stripped text; others stay as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return Object.hasOwn(NAMED_ENTITIES, ref.toLowerCase()) ? NAMED_ENTITIES[ref.toLowerCase()]! : whole;
  });
}

/**
 * Crude linear HTML-to-text for markup the real converter must not see: drops comments, tags and
 * non-text elements (style, script, head), ends a line at block elements, decodes basic entities.
 * The caller folds whitespace.
 */
export function stripTags(html: string): string {
  const out: string[] = [];
  const unclosed = new Set<string>(); // skipped elements with no end tag ahead: search once only
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      out.push(decodeEntities(html.slice(pos)));
      break;
    }
    out.push(decodeEntities(html.slice(pos, lt)));
    if (html.startsWith('!--', lt + 1)) {
      const end = commentEnd(html, lt);
      if (end < 0) break;
      pos = end;
      continue;
    }
    const tag = readTag(html, lt);
    // An unterminated tag runs to the end of the input, as it does for a real HTML parser.
    if (tag === 'unterminated') break;
    if (tag === 'text') {
      out.push('<');
      pos = lt + 1;
      continue;
    }
    pos = tag.end + 1;
    if (!tag.closing && RAW_TEXT_ELEMENTS.has(tag.name)) {
      // script/style/title/textarea: unclosed, the rest of the input is their raw text
      pos = skipElement(html, tag.name, pos);
      if (pos < 0) break;
    } else if (!tag.closing && SKIPPED_ELEMENTS.has(tag.name) && !unclosed.has(tag.name)) {
      const after = skipElement(html, tag.name, pos);
      if (after >= 0) pos = after;
      else unclosed.add(tag.name);
    } else if (BLOCK_ELEMENTS.has(tag.name)) {
      out.push('\n');
    } else if (tag.name === 'td' || tag.name === 'th') {
      out.push(' ');
    }
  }
  return out.join('');
}
