import { describe, expect, it } from 'vitest';
import { alertKeyOf } from '../../src/storm/index.js';
import { burstMember, capMember, parseMember } from '../../src/storm/keys.js';
import { burstSummaryText, capReportText } from '../../src/storm/summary.js';
import type { HeldMessage } from '../../src/storm/types.js';

const held = (text: string, seq: number): HeldMessage => ({ text, state: 'problem', at: 0, seq });

describe('storm summaries', () => {
  it('fills the operator templates, never translating', () => {
    expect(burstSummaryText('+{count} more alerts: {texts}', [held('a', 1), held('b', 2)])).toBe('+2 more alerts: a | b');
    expect(burstSummaryText('{count} weitere: {texts}', [held('a', 1), held('b', 2)])).toBe('2 weitere: a | b');
    expect(capReportText('{count} more SMS suppressed (limit {limit}/h)', 12, 30)).toBe('12 more SMS suppressed (limit 30/h)');
    expect(capReportText('{unknown} {count}', 1, 2)).toBe('{unknown} 1');
  });

  it('sends a single held message as itself', () => {
    expect(burstSummaryText('+{count} more alerts: {texts}', [held('only one', 1)])).toBe('only one');
  });

  it('round-trips due-set members, numbers with a plus sign included', () => {
    expect(parseMember(burstMember('+15551234567'))).toEqual({ kind: 'burst', number: '+15551234567', hour: 0 });
    expect(parseMember(capMember('+4915112345678', 493_000))).toEqual({ kind: 'cap', number: '+4915112345678', hour: 493_000 });
    expect(parseMember('junk')).toBeUndefined();
  });

  it('keys an alert by family, title and target; a group by its title', () => {
    const base = { status: 'FIRING', title: 'HostDown', target: 'web-01', severity: '', value: '', count: undefined, extra: [] };
    expect(alertKeyOf('nagios', base)).toBe('nagios|HostDown|web-01');
    expect(alertKeyOf('alertmanager', { ...base, items: [{ target: 'a', value: '' }] })).toBe('alertmanager|HostDown|*');
    expect(alertKeyOf(undefined, base)).toBeUndefined();
  });
});
