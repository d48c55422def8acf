/** The scale bench's rows of the minute tick, on either store (bench/scale.ts, bench/scale-postgres.ts). */
import { performance } from 'node:perf_hooks';
import type { Store } from '../src/store/store.ts';
import { pct } from './load/round.ts';

/**
 * Times the minute tick's queries `reps` times each: the referrals to chase (`pendingReferrals`)
 * and the open care items past due whose agency was not told yet; then closes the store. The
 * table rows of them.
 */
export async function timeEscalationQuery(store: Store, size: number, reps: number): Promise<string[]> {
  const timed = async (query: () => Promise<unknown[]>) => {
    let found = 0;
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      found = (await query()).length;
      times.push(performance.now() - t0);
    }
    return { found, p50: pct(times, 50).toFixed(0), p95: pct(times, 95).toFixed(0) };
  };
  try {
    const referrals = await timed(() => store.pendingReferrals());
    const care = await timed(() => store.openCareItemsDue(new Date().toISOString(), { notAlerted: true }));
    return [
      `| ${size.toLocaleString('en')} | escalation query (every minute) | ${referrals.found.toLocaleString('en')} referrals to chase | ${referrals.p50} | ${referrals.p95} | fast |`,
      `| ${size.toLocaleString('en')} | overdue care items to alert (every minute) | ${care.found.toLocaleString('en')} not yet told | ${care.p50} | ${care.p95} | fast |`,
    ];
  } finally {
    await store.close();
  }
}
