/** `npm run cli -- retention run [--dry-run]`: the purge on demand, with what it removed (or would) by kind. */
import { RETENTION_VARIABLES } from './retention-env.ts';
import type { Retention } from './retention.ts';

/** Prints the counts by kind; the exit code. */
export async function retentionRunCommand(retention: Retention, dryRun: boolean): Promise<number> {
  const r = await retention.run({ dryRun, actor: 'cli' });
  console.log(dryRun ? 'Dry run: nothing was removed. A real run would remove:' : 'Removed:');
  for (const [kind, count] of Object.entries(r.counts)) {
    const days = r.periods[kind as keyof typeof r.periods];
    const v = RETENTION_VARIABLES[kind as keyof typeof RETENTION_VARIABLES];
    console.log(`  ${kind.padEnd(26)} ${String(count).padStart(7)}   (${days > 0 ? `older than ${days} days` : 'kept for ever'}; ${v.name})`);
  }
  return 0;
}
