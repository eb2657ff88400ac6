/**
 * How long one mail with a flood of header lines holds the event loop in parseMail (every SMTP
 * session of the process waits that long), against an ordinary alert mail parsed in the same
 * process. Prints one JSON line per size with the fastest and the median of `BENCH_RUNS` (7)
 * wall-clock runs: the fastest is the parse alone, the median includes the garbage collection the
 * parse causes (and whatever else the machine was doing).
 *
 *   node --import tsx bench/header-flood.ts
 */
import { parseMail } from '../src/mail/parse.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function mailWithHeaders(extraLines: number): Buffer {
  const lines = ['From: Nagios <nagios@example.com>', 'Subject: PROBLEM: disk / on web1 is CRITICAL', 'Message-ID: <flood@example.com>'];
  for (let i = 0; i < extraLines; i++) lines.push(`X-Flood-${i % 50}: value ${i}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\nDISK CRITICAL - free space: / 212 MB (2% inode=91%)\r\n`);
}

async function timesMs(raw: Buffer): Promise<{ min: number; median: number }> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await parseMail(raw);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { min: times[0]!, median: times[Math.floor(times.length / 2)]! };
}

const round = (ms: number) => Number(ms.toFixed(2));
const baseline = await timesMs(mailWithHeaders(0));
for (const lines of [0, 4_000, 60_000, 160_000, 600_000]) {
  const raw = mailWithHeaders(lines);
  const { min, median } = lines === 0 ? baseline : await timesMs(raw);
  process.stdout.write(`${JSON.stringify({
    bench: 'header-flood', header_lines: lines, bytes: raw.length, min_ms: round(min), median_ms: round(median),
    ratio_vs_plain: Math.round(median / baseline.median),
  })}\n`);
}
