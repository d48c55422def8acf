/**
 * The figures of readiness and metrics ({@link OpsFigures}) on PostgreSQL, through a connection of
 * their own. They are read in the background every few seconds and served from the last reading,
 * so a scrape or a probe never waits on the database (its liveness is checked through the store).
 */
import { openPool } from '../store/postgres/connection.ts';
import { migrationFiles } from '../store/postgres/database.ts';
import type { OpsFigures, QueueFigure } from './ops-db.ts';

/** The newest PostgreSQL migration shipped with this code. */
export function latestPostgresMigration(): number {
  return Math.max(0, ...migrationFiles().map((m) => m.version));
}

interface Reading {
  schemaVersion: number;
  queues: QueueFigure[];
  tickets: { priority: string; status: string; count: number }[];
  escalations: { action: string; count: number }[];
}

/** Opens the figures; resolves after the first reading (or its failure, told by `schemaVersion`). */
export async function openPostgresOpsFigures(url: string, everyMs = 5000): Promise<OpsFigures> {
  const pool = openPool(url, { max: 1 });
  let last: Reading | undefined;
  let failure: Error | undefined;
  const read = async () => {
    try {
      const q = async <T>(text: string) => (await pool.query(text)).rows as T[];
      const [version] = await q<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
      last = {
        schemaVersion: version?.v ?? 0,
        queues: await q<QueueFigure>(
          `SELECT 'inbound' AS queue, channel, COUNT(*)::int AS depth, MIN(received_at) AS oldest FROM inbox GROUP BY channel
           UNION ALL
           SELECT 'outbox' AS queue, channel, COUNT(*)::int AS depth, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending' GROUP BY channel`,
        ),
        // From the queue's running totals (migration 022, decision 0033), not a count over every ticket every few seconds.
        tickets: await q(
          `SELECT priority, status, sum(n)::int AS count FROM (SELECT priority, status, n FROM ticket_counts UNION ALL SELECT priority, status, n FROM ticket_count_changes) x
           GROUP BY priority, status HAVING sum(n) <> 0`,
        ),
        escalations: await q(`SELECT action, COUNT(*)::int AS count FROM audit WHERE action IN ('referral.reminded', 'referral.escalated', 'referral.escalated_nobody') GROUP BY action`),
      };
      failure = undefined;
    } catch (err) {
      failure = err as Error;
    }
  };
  await read();
  const timer = setInterval(() => void read(), everyMs);
  timer.unref();
  const reading = () => {
    if (!last) throw failure ?? new Error('no reading yet');
    return last;
  };
  return {
    schemaVersion: () => {
      if (failure) throw failure;
      return reading().schemaVersion;
    },
    queues: () => reading().queues,
    tickets: () => reading().tickets,
    escalations: () => reading().escalations,
    close: () => {
      clearInterval(timer);
      void pool.end();
    },
  };
}
