/**
 * Summarises a .cpuprofile: self time by function and by package/folder, so "where does the time
 * go" has a short answer. Usage: node --import tsx bench/profile-summary.ts <file> [top=30]
 */
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

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
function label(frame: CallFrame): string {
  const url = frame.url.replace(cwd, '').replace(/^.*node_modules\//, '');
  return `${frame.functionName || '(anonymous)'}  ${url ? `${url}:${frame.lineNumber + 1}` : ''}`;
}

const selfByFunction = new Map<string, number>();
const selfByArea = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const frame = nodes.get(id)?.callFrame;
  if (!frame) return;
  total += dt;
  selfByFunction.set(label(frame), (selfByFunction.get(label(frame)) ?? 0) + dt);
  selfByArea.set(area(frame), (selfByArea.get(area(frame)) ?? 0) + dt);
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
