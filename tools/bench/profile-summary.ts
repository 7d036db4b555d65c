/**
 * Where a CPU profile's time goes: self time by function and by package (or file of ours), the top N of each, from
 * a .cpuprofile that BENCH_PROFILE=1 wrote (Chrome DevTools opens the same files; this is the text for a review).
 *   npx tsx tools/bench/profile-summary.ts dist/bench/profiles/<file>.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** node_modules/<pkg> (scoped too), node's own internals, or the file of ours. */
const packageOf = (url: string): string => {
  if (!url) return '(native or idle)';
  if (url.startsWith('node:')) return 'node:internal';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return match ? match[1]! : url.replace(/^file:\/\//, '').replace(/^.*\/dist\//, 'dist/');
};

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  // Idle time is not work; (program) and the collector are, but belong to no function: shown apart.
  if (functionName === '(idle)') continue;
  if (functionName === '(program)' || functionName === '(garbage collector)') {
    total += us;
    byPackage.set(functionName, (byPackage.get(functionName) ?? 0) + us);
    continue;
  }
  total += us;
  const key = `${functionName || '(anonymous)'} ${packageOf(url)}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byPackage.set(packageOf(url), (byPackage.get(packageOf(url)) ?? 0) + us);
}
const show = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`\n${title} (busy ${(total / 1000).toFixed(0)} ms)\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
  }
};
show('self time by package or file', byPackage);
show('self time by function', byFunction);
