/**
 * `node bench/profile-summary.ts <file.cpuprofile>`: self time by function and by module, the
 * top lines, from a profile taken with BENCH_CPU_PROF (see bench/load/targets.ts).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map<string, number>();
const mod = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = url.replace(/^.*node_modules\/(@[^/]+\/[^/]+|[^/]+).*$/, '$1').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
  fn.set(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, (fn.get(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`) ?? 0) + us);
  mod.set(where || functionName, (mod.get(where || functionName) ?? 0) + us);
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
console.log(`sampled ${(total / 1e6).toFixed(2)} s\n-- functions`);
console.log(top(fn, 30).join('\n'));
console.log('-- modules');
console.log(top(mod, 15).join('\n'));
