/**
 * Blind fidelity check: notification mails written from the tools' public templates (or produced by
 * running the tools) by someone who never read the renderer, in test/fixtures/mail/unseen/. Measured
 * exactly like bench/fidelity.ts: template "{subject}: {text}", at most MAX_SEGMENTS segments, scored
 * with bench/fidelity-lib.ts (case-insensitive, whitespace folded, transliterated like the encoder).
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_SEGMENTS, loadFixtures, parseMail, score, type Fixture, type Score } from '../../bench/fidelity-lib.js';
import { renderSmsText } from '../../src/render/index.js';

const dir = fileURLToPath(new URL('../fixtures/mail/unseen', import.meta.url));
const fixtures: Fixture[] = loadFixtures(dir, 'unseen');

async function measure(fixture: Fixture): Promise<Score> {
  const mail = await parseMail(fixture.raw);
  const text = renderSmsText(mail, { template: '{subject}: {text}', maxSegments: MAX_SEGMENTS });
  return score(text, fixture.essentials);
}

describe('rendering fidelity on unseen mails', () => {
  const scores = new Map<string, Score>();

  beforeAll(async () => {
    for (const fixture of fixtures) scores.set(fixture.name, await measure(fixture));
  });

  it('loads all 16 unseen fixtures, each with 3-5 essentials', () => {
    expect(fixtures).toHaveLength(16);
    for (const fixture of fixtures) {
      expect(fixture.essentials.length, fixture.name).toBeGreaterThanOrEqual(3);
      expect(fixture.essentials.length, fixture.name).toBeLessThanOrEqual(5);
    }
  });

  it('keeps at least 90 % of the essentials in the first segment overall', () => {
    let total = 0;
    let first = 0;
    for (const s of scores.values()) {
      total += s.total;
      first += s.first;
    }
    expect(total).toBeGreaterThan(0);
    expect(first / total).toBeGreaterThanOrEqual(0.9);
  });

  it.each(fixtures.map((f) => f.name))('%s keeps every essential within 3 segments', (name) => {
    const s = scores.get(name);
    expect(s, name).toBeDefined();
    expect(s?.missingAll, `${name} rendered as: ${s?.segments.join(' | ')}`).toEqual([]);
  });
});
