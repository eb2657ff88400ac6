import { describe, expect, it } from 'vitest';
import { countTagsUpTo, exceedsNestingDepth, stripTags } from '../../src/mail/html-guard.js';
import { MAX_HTML_DEPTH } from '../../src/mail/html.js';
import { capText, foldLine, foldText, htmlToPlainText } from '../../src/mail/index.js';

describe('htmlToPlainText', () => {
  it('keeps link text, drops hrefs, images and their alt text', () => {
    const html =
      '<p>See <a href="https://example.com/very/long/url?x=1">the dashboard</a> now' +
      '<img src="https://t.example.com/p.gif" width="1" height="1" alt="tracking">' +
      '<img src="logo.png" alt="ACME Corp logo"></p>';
    expect(htmlToPlainText(html)).toBe('See the dashboard now');
  });

  it('drops head, style and script content', () => {
    const html =
      '<html><head><title>Mail title</title><style>p { color: red }</style></head>' +
      '<body><script>track()</script><p>Body only</p></body></html>';
    expect(htmlToPlainText(html)).toBe('Body only');
  });

  it('puts each table row on a line with cells separated by a space', () => {
    const html =
      '<table><tr><th>Host</th><th>State</th></tr>' +
      '<tr><td>db-01</td><td><b>DOWN</b></td></tr><tr><td>db-02</td><td>UP</td></tr></table>';
    expect(htmlToPlainText(html)).toBe('Host State\ndb-01 DOWN\ndb-02 UP');
  });

  it('keeps heading case, decodes entities, does not wrap long lines', () => {
    const long = 'word '.repeat(40).trim();
    const html = `<h1>Build Failed</h1><p>a&nbsp;&amp;&nbsp;b &lt;tag&gt; &#8364;5</p><p>${long}</p>`;
    expect(htmlToPlainText(html)).toBe(`Build Failed\n\na & b <tag> €5\n\n${long}`);
  });

  it('returns an empty string for empty or markup-only html', () => {
    expect(htmlToPlainText('')).toBe('');
    expect(htmlToPlainText('  \n ')).toBe('');
    expect(htmlToPlainText('<div><img src="x.gif"></div><style>a{}</style>')).toBe('');
  });

  it('keeps content of nested layout tables (Outlook style) below the depth bound', () => {
    const html = '<table><tr><td>'.repeat(40) + 'deep cell' + '</td></tr></table>'.repeat(40);
    expect(htmlToPlainText(html)).toBe('deep cell');
  });

  it('marks a quotation once, at its outermost level, with every line of it kept', () => {
    expect(htmlToPlainText('<p>Reply above</p><blockquote><p>On Monday:</p><blockquote>older text<br>second line</blockquote>tail</blockquote><p>after</p>'))
      .toBe('Reply above\n\n> On Monday:\n>\n> older text\n> second line\n> tail\n\nafter');
    // Each level used to rewrite every line below it: 299 levels around 20,000 lines made 12 MB of
    // "> > > ..." (and held the event loop for seconds); now each line is marked once.
    const lines = htmlToPlainText(`${'<blockquote>'.repeat(299)}<pre>${'w\n'.repeat(20_000)}</pre>`).split('\n');
    expect(lines).toHaveLength(20_000);
    expect(new Set(lines)).toEqual(new Set(['> w']));
  });

  it('falls back to stripping tags for markup nested beyond the bound', () => {
    const html = '<div>'.repeat(MAX_HTML_DEPTH + 10) + 'deep <b>text</b> &amp; more';
    expect(htmlToPlainText(html)).toBe('deep text & more');
  });
});

describe('exceedsNestingDepth', () => {
  it('counts nesting the way htmlparser2 builds the tree', () => {
    expect(exceedsNestingDepth('<div>'.repeat(11), 10)).toBe(true);
    expect(exceedsNestingDepth('<div></div>'.repeat(1000), 10)).toBe(false);
    // implied closes keep unclosed runs flat
    expect(exceedsNestingDepth('<table><tr>' + '<td>x'.repeat(1000), 10)).toBe(false);
    expect(exceedsNestingDepth('<p>x'.repeat(1000), 10)).toBe(false);
    // but <li> does not close <p> and <p> does not close <li>
    expect(exceedsNestingDepth('<p><li>x'.repeat(10), 10)).toBe(true);
    // void elements, comments and raw text do not nest
    expect(exceedsNestingDepth('<br><img src=x>'.repeat(100) + '<!--<div><div>-->', 3)).toBe(false);
    expect(exceedsNestingDepth('<style>' + '<div>'.repeat(100) + '</style>', 3)).toBe(false);
    // an end tag closes down to its element
    expect(exceedsNestingDepth('<div><b><i></div>'.repeat(100), 3)).toBe(false);
    // self-closing only counts inside svg
    expect(exceedsNestingDepth('<svg>' + '<path/>'.repeat(100) + '</svg>', 3)).toBe(false);
    expect(exceedsNestingDepth('<span/>'.repeat(100), 3)).toBe(true);
  });

  // Markup the check once read differently from htmlparser2, hiding the nesting after it.
  it.each([
    ['an empty comment <!-->', '<!-->'],
    ['an empty comment <!--->', '<!--->'],
    ['a script ended by </script x>', '<script>var a;</script x>'],
    ['a script ended by </script/>', '<script>var a;</script/>'],
    ["a quoted '>' and '<!--' in an attribute", "<a t='>' u='<!--'>"],
  ])('is not fooled by %s', (_what, trick) => {
    expect(exceedsNestingDepth(trick + '<b>'.repeat(20) + 'x' + '<!-- -->', 10)).toBe(true);
  });

  it('converts such markup to its words without taking the converter down', () => {
    for (const trick of ['<!-->', '<script>1</script x>', "<a t='>' u='<!--'>"]) {
      const text = htmlToPlainText(`<p>Disk full on db1</p>${trick}${'<b>'.repeat(40_000)}deep text${'</i>'.repeat(40_000)}<!-- -->`);
      expect(text).toContain('Disk full on db1');
      expect(text).toContain('deep text');
    }
  });

  it('sends markup with more tags than MAX_HTML_TAGS to the stripper', () => {
    expect(countTagsUpTo('<b>x</b>'.repeat(5), 100)).toBe(10);
    expect(countTagsUpTo('<b>'.repeat(1_000), 100)).toBe(101); // stops counting past the limit
    expect(countTagsUpTo('a < b, 1<2, <3', 100)).toBe(0);
  });
});

describe('stripTags', () => {
  it('ends lines at block elements and skips non-text elements', () => {
    expect(stripTags('<head><title>t</title></head><p>a</p><script>x<y</script><div>b<td>c</td></div>')).toBe(
      '\na\n\nb c \n',
    );
  });

  it('keeps a lone < as text and stops at an unterminated tag', () => {
    expect(stripTags('a < b')).toBe('a < b');
    expect(stripTags('a <b class="x" unterminated')).toBe('a ');
  });
});

describe('foldText / foldLine / capText', () => {
  it('folds whitespace, trims lines and keeps one blank line between paragraphs', () => {
    const text = '\r\n\r\n  Title\t\t here \r\n\r\n\r\n\u00a0\r\nline\u200b two\x1b[0m\r\n\r\n';
    expect(foldText(text)).toBe('Title here\n\nline two[0m');
  });

  it('folds to one line', () => {
    expect(foldLine('  a\n\n b\t c  ')).toBe('a b c');
  });

  it('caps without splitting surrogate pairs', () => {
    expect(capText('abc', 5)).toBe('abc');
    expect(capText('ab😀', 3)).toBe('ab');
    expect(capText('ab😀', 4)).toBe('ab😀');
    expect(capText('ab cd', 3)).toBe('ab');
  });
});
