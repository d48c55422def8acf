import { readdirSync, readFileSync } from 'node:fs';
import { startFakePlatform } from './load/fake-platform.ts';
import { runRound } from './load/round.ts';
import { startTarget } from './load/targets.ts';
const fake = await startFakePlatform();
const t = await startTarget('tangrod', fake.origin);
const platform = (process.env.P ?? 'line') as 'line' | 'telegram';
const threads = (pid: number) => Object.fromEntries(readdirSync(`/proc/${pid}/task`).map((tid) => { try { const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() + ':' + tid; const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' '); return [comm, (Number(f[11]) + Number(f[12])) * 10]; } catch { return ['', 0]; } }));
let round = 1;
await runRound(t, fake, round++, { platform, seconds: 3, connections: 50 });
for (let i = 0; i < Number(process.env.N ?? 2); i++) {
  const a = threads(t.pid);
  const f = await runRound(t, fake, round++, { platform, seconds: Number(process.env.S ?? 8), connections: 50 });
  const b = threads(t.pid);
  const n = f.e2eRate * Number(process.env.S ?? 8);
  console.log(`e2e ${f.e2eRate.toFixed(0)}/s cpu ${f.cpuMsPerEvent.toFixed(3)} ms/ev`, Object.entries(b).map(([k, v]) => [k, (v - (a[k] ?? 0)) / n]).filter(([, v]) => (v as number) > 0.005).map(([k, v]) => `${k} ${(v as number).toFixed(3)}`).join(', '));
}
await t.stop();
await fake.close();
