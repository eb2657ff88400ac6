import { describe, expect, it } from 'vitest';
import { withoutMessageText } from '../../src/carriers/http/redact-echo.js';

const TEXT = 'FIRING: NodeDown db-1\nInstance 10.0.0.7:9100 has been down for 5 minutes';

describe('withoutMessageText', () => {
  it.each([
    ['the whole text, folded to one line', `bad request: text=${TEXT.replace('\n', ' ')}`, 'bad request: text=[message text]'],
    ['a cut-off echo', 'invalid "FIRING: NodeDown db-1 Instan" (too long)', 'invalid "[message text]" (too long)'],
    ['two echoes', 'got "NodeDown db-1" and "has been down for"', 'got "[message text]" and "[message text]"'],
    ['short common words stay', 'number has been blocked', 'number has been blocked'],
    ['a reason without the text', 'HTTP 401: invalid API key', 'HTTP 401: invalid API key'],
  ])('%s', (_what, reason, expected) => {
    expect(withoutMessageText(reason, TEXT)).toBe(expected);
  });

  it.each([
    ['URL-encoded', `bad value text=${encodeURIComponent(TEXT.replace('\n', ' '))}`],
    ['form-encoded', `bad value text=${new URLSearchParams({ t: TEXT.replace('\n', ' ') }).toString().slice(2)}`],
    ['JSON-escaped', `{"error":"bad text ${JSON.stringify('FIRING: NodeDown "db-1"').slice(1, -1)}"}`],
  ])('recognises the text %s, as the request carried it', (_how, reason) => {
    const text = _how === 'JSON-escaped' ? 'FIRING: NodeDown "db-1"' : TEXT;
    expect(withoutMessageText(reason, text)).toContain('[message text]');
    expect(withoutMessageText(reason, text)).not.toMatch(/NodeDown/);
  });

  it('replaces a short text where it appears whole', () => {
    expect(withoutMessageText('rejected: "disk full"', 'disk full')).toBe('rejected: "[message text]"');
  });

  it('leaves everything alone for a text too short to recognise', () => {
    expect(withoutMessageText('rejected: "down"', 'down')).toBe('rejected: "down"');
  });
});
