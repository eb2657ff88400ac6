/**
 * Rendering fidelity: the share of essentials a rendered SMS keeps in its first segment and in
 * all segments (at most 3), per family and overall, for the baseline "{subject}: {text}" (what
 * a carrier email gateway sends) and for smtp2sms's renderer. Fixtures are the real corpus and
 * the family mails built from public templates, each with a `.json` sidecar of essentials.
 *
 *   node --import tsx bench/fidelity.ts [--verbose]
 */
import { fileURLToPath } from 'node:url';
import { renderSmsText } from '../src/render/index.js';
import { MAX_SEGMENTS, baselineText, loadFixtures, parseMail, score, type Fixture, type Score } from './fidelity-lib.js';

const root = fileURLToPath(new URL('../test/fixtures/mail/', import.meta.url));
const verbose = process.argv.includes('--verbose');

interface Tally {
  total: number;
  first: number;
  all: number;
  mails: number;
  complete: number;
}

const empty = (): Tally => ({ total: 0, first: 0, all: 0, mails: 0, complete: 0 });

function add(tally: Tally, s: Score): void {
  tally.total += s.total;
  tally.first += s.first;
  tally.all += s.all;
  tally.mails += 1;
  if (s.all === s.total) tally.complete += 1;
}

const pct = (n: number, d: number): string => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

async function main(): Promise<void> {
  const fixtures: Fixture[] = [...loadFixtures(`${root}corpus`, 'corpus'), ...loadFixtures(`${root}families`, 'families'), ...loadFixtures(`${root}unseen`, 'unseen')];
  const rows = new Map<string, { before: Tally; after: Tally }>();
  const sets = new Map<string, { before: Tally; after: Tally }>();
  const overall = { before: empty(), after: empty() };
  for (const fixture of fixtures) {
    const mail = await parseMail(fixture.raw);
    const before = score(baselineText(mail), fixture.essentials);
    const text = renderSmsText(mail, { template: '{subject}: {text}', maxSegments: MAX_SEGMENTS });
    const after = score(text, fixture.essentials);
    for (const [map, key] of [[rows, fixture.family], [sets, fixture.set]] as const) {
      const row = map.get(key) ?? { before: empty(), after: empty() };
      add(row.before, before);
      add(row.after, after);
      map.set(key, row);
    }
    add(overall.before, before);
    add(overall.after, after);
    if (verbose || after.missingAll.length > 0 || after.missingFirst.length > 0) {
      console.log(`${fixture.set}/${fixture.name}`);
      after.segments.forEach((s, i) => console.log(`  [${i + 1}/${after.segments.length}] ${s}`));
      if (after.missingFirst.length > 0) console.log(`  not in segment 1: ${JSON.stringify(after.missingFirst)}`);
      if (after.missingAll.length > 0) console.log(`  MISSING: ${JSON.stringify(after.missingAll)}`);
    }
  }
  const header = `${'family'.padEnd(16)} mails  ess | before: seg1    all  | after: seg1    all   complete`;
  console.log(`\n${header}\n${'-'.repeat(header.length)}`);
  const line = (name: string, r: { before: Tally; after: Tally }): string =>
    `${name.padEnd(16)} ${String(r.after.mails).padStart(5)} ${String(r.after.total).padStart(4)} |` +
    `        ${pct(r.before.first, r.before.total)} ${pct(r.before.all, r.before.total)} |` +
    `       ${pct(r.after.first, r.after.total)} ${pct(r.after.all, r.after.total)}  ${r.after.complete}/${r.after.mails}`;
  for (const [name, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) console.log(line(name, r));
  console.log('-'.repeat(header.length));
  for (const [name, r] of sets) console.log(line(`[${name}]`, r));
  console.log(line('OVERALL', overall));
}

await main();
