/**
 * Summarises a V8 .cpuprofile (from `BENCH_PROFILE=1`) by where the time went: self time per
 * package (or Casehub folder), and the hottest functions. `node dist/bench/profile-summary.js FILE`.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)' || fn === '(program)') return fn;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(src\/[^/]+)/.exec(url);
  if (own) return `casehub ${own[1]}`;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  return url === '' ? `(native) ${fn}` : 'other';
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary FILE.cpuprofile');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const buckets = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  const micros = profile.timeDeltas[i] ?? 0;
  total += micros;
  const bucket = bucketOf(node.callFrame.url, node.callFrame.functionName);
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '')}:${node.callFrame.lineNumber}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
});
const top = (map: Map<string, number>, n: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n\nby package:\n${top(buckets, 25).join('\n')}\n\nhottest functions:\n${top(functions, 25).join('\n')}`);
