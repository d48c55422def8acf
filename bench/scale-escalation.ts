/** The scale bench's escalation row, on either store (bench/scale.ts, bench/scale-postgres.ts). */
import { performance } from 'node:perf_hooks';
import type { Store } from '../src/store/store.ts';
import { pct } from './load/round.ts';

/**
 * Times the escalation tick's query (`pendingReferrals`, every minute) `reps` times, then closes
 * the store; the table row of it.
 */
export async function timeEscalationQuery(store: Store, size: number, reps: number): Promise<string> {
  let found = 0;
  const times: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      found = (await store.pendingReferrals()).length;
      times.push(performance.now() - t0);
    }
  } finally {
    await store.close();
  }
  return `| ${size.toLocaleString('en')} | escalation query (every minute) | ${found.toLocaleString('en')} referrals to chase | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} | fast |`;
}
