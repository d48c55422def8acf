/** The scale bench's retention row, on either store (bench/scale.ts). */
import { performance } from 'node:perf_hooks';
import type { Config } from '../src/config/env.ts';
import { createServices } from '../src/services.ts';
import { pct } from './load/round.ts';

/**
 * Times the daily retention purge (`Retention.run`, with the configured periods) as a dry run,
 * which makes the same deletions and rolls them back, `reps` times. On SQLite it runs on the bot's
 * thread, so its time is a stall of every webhook meanwhile. The table row of it.
 */
export async function timeRetentionPurge(config: Config, size: number, reps: number): Promise<string> {
  const { retention, store } = createServices(config);
  let removed = 0;
  const times: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const { counts } = await retention.run({ dryRun: true });
      times.push(performance.now() - t0);
      removed = Object.values(counts).reduce((a, b) => a + b, 0);
    }
  } finally {
    await store.close();
  }
  return `| ${size.toLocaleString('en')} | retention purge, dry run (daily) | ${removed.toLocaleString('en')} rows past their period | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} | < 50 (on SQLite the bot waits) |`;
}
