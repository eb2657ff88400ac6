/**
 * Fidelity measurement shared by `bench/fidelity.ts` and the corpus unit test: how many of a
 * mail's essentials (short literal facts from its `.json` sidecar) survive in the first SMS
 * segment and in all segments. Matching is case-insensitive with whitespace folded, after the
 * same transliteration the SMS encoder applies, so "–" in a mail and "-" on the handset agree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMail, type ParsedMail } from '../src/mail/index.js';
import { fillTemplate, parseTemplate } from '../src/render/template.js';
import { buildSms, transliterate } from '../src/sms/index.js';

export interface Fixture {
  /** File name without extension. */
  name: string;
  /** Folder it came from: corpus or families. */
  set: string;
  /** Family label for grouping: the sidecar's `family`, else derived from the name. */
  family: string;
  essentials: string[];
  raw: Buffer;
}

export interface Score {
  total: number;
  first: number;
  all: number;
  missingFirst: string[];
  missingAll: string[];
  segments: string[];
}

export const MAX_SEGMENTS = 3;

/** Family from a corpus-style name: "01-alertmanager-firing-3-alerts" → "alertmanager". */
function familyFromName(name: string): string {
  return name.replace(/^\d+-/, '').split('-')[0] ?? name;
}

/** Every `.eml` with a `.json` sidecar under `dir`, sorted by name. */
export function loadFixtures(dir: string, set: string): Fixture[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .flatMap((file) => {
      const name = file.slice(0, -4);
      let sidecar: { essentials?: unknown; family?: unknown };
      try {
        sidecar = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as typeof sidecar;
      } catch {
        return [];
      }
      const essentials = Array.isArray(sidecar.essentials)
        ? sidecar.essentials.filter((e): e is string => typeof e === 'string')
        : [];
      const family = typeof sidecar.family === 'string' ? sidecar.family : familyFromName(name);
      return [{ name, set, family, essentials, raw: readFileSync(join(dir, file)) }];
    });
}

function normalise(text: string): string {
  return transliterate(text).replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Splits `text` as the relay would (GSM-7/UCS-2, udh8, at most MAX_SEGMENTS) and scores it. */
export function score(text: string, essentials: readonly string[]): Score {
  const sms = buildSms(text, { maxSegments: MAX_SEGMENTS, concat: 'udh8', transliterate: true });
  const segments = sms.segments.map((s) => s.text);
  const first = normalise(segments[0] ?? '');
  const all = normalise(segments.join(''));
  const missingFirst = essentials.filter((e) => !first.includes(normalise(e)));
  const missingAll = essentials.filter((e) => !all.includes(normalise(e)));
  return {
    total: essentials.length,
    first: essentials.length - missingFirst.length,
    all: essentials.length - missingAll.length,
    missingFirst,
    missingAll,
    segments,
  };
}

/** What a carrier email gateway does, and what smtp2sms did before recognisers: subject: body. */
export function baselineText(mail: ParsedMail): string {
  const values = new Map([
    ['subject', mail.subject],
    ['text', mail.text],
    ['from', mail.from],
  ]);
  return fillTemplate(parseTemplate('{subject}: {text}'), values);
}

export { parseMail };
