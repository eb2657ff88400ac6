/**
 * Every essential fact of every corpus and family mail survives rendering within
 * sms.maxSegments (3), and at least 95 % of them are in the first segment. The per-mail
 * first-segment share is printed, so a regression shows which mail lost what.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFixtures, MAX_SEGMENTS, parseMail, score } from '../../bench/fidelity-lib.js';
import { renderSmsText } from '../../src/render/index.js';

const root = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const corpus = loadFixtures(`${root}corpus`, 'corpus');
const families = loadFixtures(`${root}families`, 'families');

async function rendered(raw: Buffer): Promise<string> {
  return renderSmsText(await parseMail(raw), { template: '{subject}: {text}', maxSegments: MAX_SEGMENTS });
}

describe.each([
  ['corpus', corpus, 9],
  ['families', families, 20],
] as const)('rendering fidelity: %s', (_set, fixtures, atLeast) => {
  it(`has its fixtures`, () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(atLeast);
    for (const f of fixtures) expect(f.essentials.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s keeps every essential within 3 segments', async (_name, fixture) => {
    const result = score(await rendered(fixture.raw), fixture.essentials);
    console.log(`${fixture.name}: first segment ${result.first}/${result.total}${result.missingFirst.length ? ` (not: ${result.missingFirst.join(' | ')})` : ''}`);
    expect(result.missingAll).toEqual([]);
  });

  it('keeps at least 95 % of the essentials in the first segment', async () => {
    let total = 0;
    let first = 0;
    for (const fixture of fixtures) {
      const result = score(await rendered(fixture.raw), fixture.essentials);
      total += result.total;
      first += result.first;
    }
    console.log(`first segment: ${first}/${total} = ${((100 * first) / total).toFixed(1)} %`);
    expect(first / total).toBeGreaterThanOrEqual(0.95);
  });
});
