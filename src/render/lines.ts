/**
 * Line triage for bodies that are logs or free text (cron output, CI consoles, unknown tools):
 * which lines carry news (a status word, a host, a number with a unit), which are boilerplate,
 * and shorter forms of long lines. Language-neutral where it can be: an all-capitals label
 * ("ERROR:", "FEHLER:") counts as a status word in any language.
 */

// Status words in the languages of common server locales; matched as whole words.
const STATUS_WORDS =
  /\b(error|errors|err|fail|failed|failure|failures|fatal|critical|crit|warn|warning|down|unreachable|timeout|timed out|refused|denied|not found|no such|no space|out of memory|oom|exceeded|killed|panic|abort|aborted|segfault|exception|traceback|cannot|can't|unable|invalid|problem|alarm|degraded|offline|unavailable|corrupt|missing|exit code|exit status|return code|exited|fehler|fehlgeschlagen|nicht|kein|keine|erreur|échec|impossible|fallo|falló|errore|fallito|fout|mislukt|błąd|ошибка|не удалось)\b/i;
// "ERROR:", "FEHLER:", "[ERROR]", "E:" style labels.
// Concrete causes beat generic "error:" lines: they are what the reader acts on.
const SPECIFIC =
  /(no space left|permission denied|connection refused|connection reset|not found|no such file|timed? ?out|out of memory|disk full|read-only file system|broken pipe|unreachable|name or service not known|segmentation fault|exit(ed)? (with )?(code|status)|return code|rückgabewert|kein speicherplatz|expected:? .{1,40} but was)/i;
const CAPS_LABEL = /^(\[?[A-ZÄÖÜÉÈ]{3,}\]?[:!]|\[(ERROR|FATAL|FAIL|FAILED|CRIT|WARN|WARNING|SEVERE)\])/;
const NUMBER_UNIT =
  /\d(?:[\d.,]*\d)?\s?(%|[kKMGTPE]i?B\b|[kKMGT]B\/s|bytes?\b|ms\b|µs\b|s\b|sec\b|secs\b|seconds?\b|min\b|mins\b|minutes?\b|h\b|hours?\b|days?\b|°C|°F|C\b|V\b|W\b|A\b|rpm\b|req\/s|ops\/s|Mbps|Gbps|ppm)/;
const HOST = /\b([a-z][a-z0-9]*-[a-z0-9-]*\d[a-z0-9-]*|[a-z0-9-]+(\.[a-z0-9-]+){2,})\b|\b\d{1,3}(\.\d{1,3}){3}\b/i;
// Separators, greetings, timestamps-only lines, stack frames: never the news.
const BOILERPLATE =
  /^([-=*_#~.+]{3,}|(hi|hello|hey|dear|hallo|bonjour|hola)\b.{0,30}[,!]?$|at [\w$.<>]+\(.*\)$|\.\.\. \d+ more$|\[info\]\s*-*$|\[info\]$)/i;
const TIMESTAMP_ONLY = /^[\w ,.:/+-]{0,12}\d{1,4}[-/.: ]\d{1,2}[-/.: ]\d{1,4}[\w ,.:/+()-]{0,30}$/;

export interface ScoredLine {
  index: number;
  text: string;
  score: number;
}

/** Separators, greetings, stack frames, empty lines: never worth an SMS character. */
export function isBoilerplateLine(line: string): boolean {
  const text = line.trim();
  return text === '' || BOILERPLATE.test(text.slice(0, 500));
}

/** Score of one line: higher is more worth an SMS character; -1 for boilerplate. */
export function scoreLine(line: string): number {
  const full = line.trim();
  if (full === '' || full.length > 4000) return -1;
  // Patterns see the first 500 characters only: enough for any status line, and it keeps the
  // number and host patterns linear on a hostile one.
  const text = full.slice(0, 500);
  if (BOILERPLATE.test(text)) return -1;
  let score = 0;
  if (STATUS_WORDS.test(text)) score += 3;
  if (SPECIFIC.test(text)) score += 2;
  if (CAPS_LABEL.test(text)) score += 2;
  if (NUMBER_UNIT.test(text)) score += 2;
  if (HOST.test(text)) score += 1;
  if (/^\[info\]/i.test(text)) score -= 2;
  if (TIMESTAMP_ONLY.test(text) && score < 3) score -= 1;
  // Long lines cost the whole segment; prefer the short one of two equal lines.
  if (full.length > 120) score -= 1;
  return score;
}

export function scoreLines(lines: readonly string[]): ScoredLine[] {
  return lines.map((text, index) => ({ index, text, score: scoreLine(text) }));
}

/**
 * Shorter forms of a line, shortest last: without a trailing advice clause (" - please …"),
 * Unix error style "prog: path: op: message" as "prog: message", and a head…tail cut that
 * keeps the label at the start and the closing parenthesis (often an exit code) at the end.
 */
export function shortForms(line: string): string[] {
  const forms: string[] = [];
  const add = (form: string): void => {
    const f = form.trim();
    if (f !== '' && f.length < line.length && !forms.includes(f)) forms.push(f);
  };
  const parts = line.split(': ');
  // "tar: /path: Cannot write: No space left on device": a program name, then the message.
  const last = parts[parts.length - 1] ?? '';
  if (parts.length >= 3 && /^[\w./-]{1,24}$/.test(parts[0] ?? '') && last.length >= 8 && /\p{L}{3}/u.test(last)) {
    add(`${parts[0]}: ${last}`);
  }
  // Timestamps help a log reader, not an SMS reader: "104: 2026-11-23 03:02:45 ERROR: …".
  const untimed = line.replace(/\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s*/g, '');
  if (untimed !== line) add(untimed);
  const advice = / [-–—] |! |; /.exec(line);
  if (advice !== null && advice.index > 15) add(line.slice(0, advice.index));
  const tail = /\([^()]{1,40}\)[.!]?$/.exec(line);
  const head = /^\S+(\s\S+){0,2}/.exec(line);
  // Only when nothing better exists: the cut loses the middle, which is often the cause.
  if (forms.length === 0 && tail !== null && head !== null && head[0].length + tail[0].length + 5 < line.length) {
    add(`${head[0]} ... ${tail[0]}`);
  }
  return forms.sort((a, b) => b.length - a.length);
}

/** Removes lines that repeat an earlier line or are contained in `already` (e.g. the head). */
export function dedupeLines(lines: readonly string[], already = ''): string[] {
  const seen = new Set<string>();
  const context = already.toLowerCase();
  const out: string[] = [];
  for (const line of lines) {
    const key = line.replace(/\s+/g, ' ').trim().toLowerCase();
    if (key === '' || seen.has(key) || context.includes(key)) continue;
    seen.add(key);
    out.push(line);
  }
  return out;
}
