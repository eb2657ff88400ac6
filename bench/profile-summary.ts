/**
 * Summarises a .cpuprofile: self time by function and by package/folder, so "where does the time
 * go" has a short answer, and inclusive time (a sample counts for every package and function on its
 * stack), which is where native work such as socket writes and GC-heavy callers shows up.
 *
 * "By owner" charges each sample to the innermost file of our own on its stack (else the package).
 *
 * Usage: node --import tsx bench/profile-summary.ts <file> [top=30] [--callers=NAME]
 *   --callers=NAME  the call stacks (innermost first) that lead to function NAME, by self time
 *
 * tsx compiles src/ without line breaks, so its frames all say line 1; for those, the line shown
 * is where a function of that name is defined in the .ts file, marked with `~`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const args = process.argv.slice(2);
const callers = args.find((a) => a.startsWith('--callers='))?.slice('--callers='.length);
const [file, topArg] = args.filter((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top] [--callers=NAME]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const cwd = `file://${process.cwd()}/`;
/** `src/queue`, `bullmq`, `node:net`, or a V8 pseudo-frame such as `(garbage collector)`. */
function area(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const url = frame.url.replace(cwd, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return url.split('/').slice(0, 2).join('/');
}

const sources = new Map<string, string[] | null>();
/** Where `name` is defined in a local .ts file, for frames that tsx left on line 1. */
function definitionLine(url: string, name: string): number | undefined {
  if (!url.startsWith('file://') || !url.endsWith('.ts') || !name || name.startsWith('(')) return undefined;
  let lines = sources.get(url);
  if (lines === undefined) {
    const path = fileURLToPath(url);
    lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : null;
    sources.set(url, lines);
  }
  if (!lines) return undefined;
  const id = name.replace(/[$]/g, '\\$');
  const patterns = [
    new RegExp(`\\bfunction\\*?\\s+${id}\\s*[<(]`),
    new RegExp(`^\\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\\s+)*${id}\\s*[<(]`),
    new RegExp(`\\b(?:const|let|var)\\s+${id}\\s*=`),
    new RegExp(`^\\s*(?:(?:public|private|protected|static|readonly)\\s+)*${id}\\s*[:=]`),
    new RegExp(`^\\s*class\\s+${id}\\b|\\bclass\\s+${id}\\b`),
  ];
  for (const pattern of patterns) {
    const index = lines.findIndex((line) => pattern.test(line));
    if (index !== -1) return index + 1;
  }
  return undefined;
}

function label(frame: CallFrame): string {
  const url = frame.url.replace(cwd, '').replace(/^.*node_modules\//, '');
  if (!url) return frame.functionName || '(anonymous)';
  let line = `${frame.lineNumber + 1}`;
  if (frame.lineNumber === 0) {
    const found = definitionLine(frame.url, frame.functionName);
    if (found !== undefined) line = `~${found}`;
  }
  return `${frame.functionName || '(anonymous)'}  ${url}:${line}`;
}

const labels = new Map<number, string>();
const labelOf = (id: number) => {
  let l = labels.get(id);
  if (l === undefined) labels.set(id, (l = label(nodes.get(id)!.callFrame)));
  return l;
};

/**
 * Who a sample is on behalf of: the innermost frame of our own code (a src/ or bench/ file), else
 * the innermost package, else the node: module or V8 pseudo-frame. So a socket write that storm
 * control's EVALSHA causes counts for src/storm/storm.ts, not for node:net.
 */
function owner(id: number): string {
  let pkg: string | undefined;
  let first: string | undefined;
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = nodes.get(cur)!.callFrame;
    if (f.functionName === '(root)') break;
    const a = area(f);
    first ??= a;
    if (f.url.startsWith(cwd) && !f.url.includes('/node_modules/')) return f.url.replace(cwd, '');
    if (!pkg && f.url.includes('/node_modules/')) pkg = a;
  }
  return pkg ?? first ?? '(unknown)';
}

const selfByFunction = new Map<string, number>();
const selfByOwner = new Map<string, number>();
const selfByOwnerFolder = new Map<string, number>();
const selfByArea = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
const inclusiveByArea = new Map<string, number>();
const callerStacks = new Map<string, number>();
let total = 0;
let callerTotal = 0;
const add = (map: Map<string, number>, key: string, dt: number) => map.set(key, (map.get(key) ?? 0) + dt);

profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const frame = nodes.get(id)?.callFrame;
  if (!frame) return;
  total += dt;
  add(selfByFunction, labelOf(id), dt);
  add(selfByArea, area(frame), dt);
  const who = owner(id);
  add(selfByOwner, who, dt);
  add(selfByOwnerFolder, /^(src|bench)\//.test(who) ? who.split('/').slice(0, who.startsWith('src/') ? 2 : 1).join('/').replace(/\.ts$/, '') : who, dt);
  const seenFunctions = new Set<string>();
  const seenAreas = new Set<string>();
  const stack: string[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = nodes.get(cur)!.callFrame;
    if (f.functionName === '(root)') break;
    const l = labelOf(cur);
    seenFunctions.add(l);
    seenAreas.add(area(f));
    if (callers && cur !== id && stack.length < 12) stack.push(l);
  }
  for (const l of seenFunctions) add(inclusiveByFunction, l, dt);
  for (const a of seenAreas) add(inclusiveByArea, a, dt);
  if (callers && frame.functionName === callers) {
    callerTotal += dt;
    add(callerStacks, stack.join('\n      <- ') || '(no callers)', dt);
  }
});

function print(title: string, map: Map<string, number>, count: number): void {
  process.stdout.write(`\n${title}\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    process.stdout.write(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}\n`);
  }
}

process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print('self time by package / folder', selfByArea, 25);
print('self time by function', selfByFunction, top);
print('self time by owner (innermost src/ or bench/ file on the stack, else package)', selfByOwner, 25);
print('self time by owner folder', selfByOwnerFolder, 25);
print('inclusive time by package / folder (on the stack)', inclusiveByArea, 25);
print('inclusive time by function (on the stack)', inclusiveByFunction, top);
if (callers) {
  process.stdout.write(`\ncallers of ${callers}: ${(callerTotal / 1000).toFixed(0)} ms self time`);
  print('', callerStacks, 10);
}
