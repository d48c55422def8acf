/**
 * `npm run bench -- load`: the webhook path under load, beside ten-line echo bots of each SDK.
 *
 * Tangrod runs as `npm start` runs it, with LINE and Telegram (webhook mode) pointed at a
 * counting fake platform API on loopback (bench/load/fake-platform.ts); the @line/bot-sdk and
 * grammY echo bots (bench/load/echo-*.ts) point at the same fake. A generator in a worker thread
 * posts signed webhooks, each a text message from a new user (one in ten reads as danger now):
 * autocannon for the closed loops, evenly spaced requests for the offered rates (1,000 and 200
 * events/s), timed from when each was due (docs/decisions/0037-an-offered-rate-is-evenly-spaced.md),
 * and once the 1,000 events/s as autocannon sends a rate, a burst at the start of each second, to
 * see the danger path go first through a backlog.
 * Rounds alternate between Tangrod and the peer, so that both see the same machine; each figure
 * is the median of the rounds. An event is done end to end when its whole answer (every call it
 * caused) has reached the fake API. Absolute figures depend on the machine and on what else runs
 * on it: compare the ratios.
 *
 * BENCH_LOAD_S (default 8) seconds per closed-loop round, BENCH_ROUNDS (default 2) rounds each,
 * BENCH_OPEN_S (default 20) seconds of the 1,000 events/s round (of its bursts, at most 10); BENCH_NODE_FLAGS flags for Tangrod's
 * node (to compare V8 flags), BENCH_CPU_PROF=<dir> a CPU profile of it, BENCH_RANDOM_USERS=1 the users
 * of each round in no order (bench/load/fake-platform.ts).
 */
import { startFakePlatform } from './load/fake-platform.ts';
import { type RoundFigures, type RoundPlan, runRound } from './load/round.ts';
import { startTarget, type Target } from './load/targets.ts';

const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const OPEN_S = Number(process.env.BENCH_OPEN_S ?? 20);
const CONNECTIONS = 50;

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');

/** Runs the load mode; returns the lines to print. */
export async function benchLoad(log: (line: string) => void = console.log): Promise<string[]> {
  const fake = await startFakePlatform();
  const targets: Target[] = [];
  let round = 1;
  try {
    const start = async (kind: Parameters<typeof startTarget>[0]) => {
      const t = await startTarget(kind, fake.origin);
      targets.push(t);
      return t;
    };
    const tangrod = await start('tangrod');
    const lineEcho = await start('line-echo');
    const grammy = await start('grammy-echo');
    const run = async (target: Target, plan: RoundPlan): Promise<RoundFigures> => {
      const f = await runRound(target, fake, round++, plan);
      log(
        `  ${target.kind.padEnd(11)} ${plan.platform.padEnd(8)} ${plan.rate ? `${plan.rate}/s${plan.bursts ? ' bursts' : ''}` : `closed ${plan.connections}`}: ack ${fmt(f.ackRate)}/s p99 ${fmt(f.ackP99)} ms, e2e ${fmt(f.e2eRate)}/s, first answer p50 ${fmt(f.firstP50, 1)} p99 ${fmt(f.firstP99, 1)} ms (danger ${fmt(f.dangerFirstP99, 1)}), whole p99 ${fmt(f.lastP99, 1)} ms, backlog ${fmt(f.backlogS, 1)} s, ${fmt(f.callsPerEvent, 1)} calls/ev, CPU ${fmt(f.cpuMsPerEvent, 2)} ms/ev${f.unanswered ? `, ${f.unanswered} unanswered` : ''}${f.failed ? `, ${f.failed} failed` : ''}`,
      );
      return f;
    };
    // Warm-up (JIT, connection pools), not counted.
    for (const [t, platform] of [[tangrod, 'line'], [lineEcho, 'line'], [tangrod, 'telegram'], [grammy, 'telegram']] as const) await run(t, { platform, seconds: 2, connections: CONNECTIONS });
    log('  (rounds after the warm-up)');

    const closed = { line: { ours: [] as RoundFigures[], peer: [] as RoundFigures[] }, telegram: { ours: [] as RoundFigures[], peer: [] as RoundFigures[] } };
    for (let r = 0; r < ROUNDS; r++) {
      for (const platform of ['line', 'telegram'] as const) {
        const peer = platform === 'line' ? lineEcho : grammy;
        const plan = { platform, seconds: LOAD_S, connections: CONNECTIONS };
        // Alternate who goes first, so that neither always follows the other's drain.
        if (r % 2 === 0) (closed[platform].ours.push(await run(tangrod, plan)), closed[platform].peer.push(await run(peer, plan)));
        else (closed[platform].peer.push(await run(peer, plan)), closed[platform].ours.push(await run(tangrod, plan)));
      }
    }
    const steady = { platform: 'line' as const, seconds: OPEN_S, connections: 200, rate: 1000 };
    const ours1000 = await run(tangrod, steady);
    const peer1000 = await run(lineEcho, steady);
    // The same rate as bursts: a backlog every second, in which the danger path must go first.
    const bursts = await run(tangrod, { ...steady, seconds: Math.min(OPEN_S, 10), bursts: true });
    const calm = { platform: 'line' as const, seconds: 10, connections: 50, rate: 200 };
    const ours200 = await run(tangrod, calm);
    const peer200 = await run(lineEcho, calm);

    const m = (rs: RoundFigures[], key: keyof RoundFigures) => median(rs.map((x) => x[key]));
    const rows: [string, number, number, string, string][] = [];
    const add = (label: string, ours: number, peer: number, target: string, digits = 0) => rows.push([label, ours, peer, target, String(digits)]);
    const L = closed.line;
    const T = closed.telegram;
    add('LINE e2e, closed loop 50 conn (ev/s) vs LINE SDK echo', m(L.ours, 'e2eRate'), m(L.peer, 'e2eRate'), 'ratio >= 1');
    add('LINE ack rate (ev/s) vs LINE SDK echo', m(L.ours, 'ackRate'), m(L.peer, 'ackRate'), '');
    add('Telegram e2e, closed loop 50 conn (ev/s) vs grammY echo', m(T.ours, 'e2eRate'), m(T.peer, 'e2eRate'), 'ratio >= 0.5 (stretch 1)');
    add('Telegram ack rate (ev/s) vs grammY echo', m(T.ours, 'ackRate'), m(T.peer, 'ackRate'), '');
    add('CPU per event, LINE (ms)', m(L.ours, 'cpuMsPerEvent'), m(L.peer, 'cpuMsPerEvent'), '', 2);
    add('CPU per event, Telegram (ms)', m(T.ours, 'cpuMsPerEvent'), m(T.peer, 'cpuMsPerEvent'), '', 2);
    add(`LINE backlog after ${LOAD_S} s of closed-loop load (s)`, m(L.ours, 'backlogS'), m(L.peer, 'backlogS'), '', 1);
    add('1,000 ev/s offered (LINE): ack p99 (ms)', ours1000.ackP99, peer1000.ackP99, '< 50');
    add('1,000 ev/s offered (LINE): e2e p99, whole answer (ms)', ours1000.lastP99, peer1000.lastP99, '< 250');
    add('1,000 ev/s offered (LINE): achieved ack rate (ev/s)', ours1000.ackRate, peer1000.ackRate, '1,000');
    add('1,000 ev/s: first answer p99, danger / others (ms)', ours1000.dangerFirstP99, ours1000.otherFirstP99, 'danger <= others');
    add('1,000 ev/s as a burst each second: first answer p99, danger / others (ms)', bursts.dangerFirstP99, bursts.otherFirstP99, 'danger <= others');
    add('200 ev/s offered (LINE): e2e p99 (ms)', ours200.lastP99, peer200.lastP99, '');
    const lines = ['| figure | Tangrod | peer | ratio | target |', '|---|---|---|---|---|'];
    for (const [label, ours, peer, target, digits] of rows) {
      const d = Number(digits);
      const ratio = label.includes('danger / others') ? '' : fmt(ours / peer, 2);
      lines.push(`| ${label} | ${fmt(ours, d)} | ${fmt(peer, d)} | ${ratio} | ${target} |`);
    }
    return lines;
  } finally {
    for (const t of targets) await t.stop();
    await fake.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchLoad()) console.log(line);
}
