/**
 * The PostgreSQL variant of `npm run bench -- scale` (BENCH_SCALE_STORE=postgres; decision 0033):
 * a throw-away PostgreSQL server in a temporary folder (as the tests start one:
 * scripts/postgres-server.ts), the same tickets as the SQLite seed generated in SQL
 * (`generate_series`), the escalation query timed through the store; bench/scale.ts then starts
 * Tangrod on it and times the same staff pages.
 *
 * The server is the tests' (fsync off, PostgreSQL's default memory settings): the pages read, and
 * a read does not wait for a disk flush; what fsync costs the bot's writes is not measured here.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../scripts/postgres-server.ts';
import { openPool } from '../src/store/postgres/connection.ts';
import { bulkRefreshMonitoringFacts } from '../src/store/postgres/monitoring.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { rebuildRunningTotals } from '../src/store/postgres/running-totals.ts';
import { timeEscalationQuery } from './scale-escalation.ts';
import { CHANNELS, DAY_MS, LANGS, refSql, STATUSES } from './scale-fields.ts';

/** A ticket reference from its number, as bench/scale.ts makes them (the same references). */
const REF_SQL = (i: string) => refSql(i, '::int');
const pick = (list: string[], index: string) => `(ARRAY[${list.map((v) => `'${v}'`).join(', ')}])[((${index}) % ${list.length}) + 1]`;
/** Each field from its own hash of the ticket's number, as the SQLite seed (i is bigint). */
const h = (salt: number) => `((i * ${2654435761 - salt * 98_411_027} + ${salt}) % 4294967291)`;

/** What bench/scale.ts needs of the PostgreSQL variant. */
export interface ScalePostgres {
  /** The environment that points Tangrod (and `loadConfig`) at the server. */
  env: Record<string, string>;
  seed(from: number, total: number, agencies: string[], priorities: string[], caseTypes: string[], staffId: string): Promise<void>;
  /** The escalation query's row of the table; the referrals it found are marked escalated after. */
  timedEscalation(size: number, reps: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the server (an empty database: Tangrod's migrations run when the services open it). */
export async function startScalePostgres(log: (line: string) => void): Promise<ScalePostgres> {
  const server: PostgresServer = await startPostgres();
  const admin = new pg.Client(server.url);
  await admin.connect();
  await admin.query('CREATE DATABASE tangrod_bench');
  await admin.end();
  const url = new URL(server.url);
  url.pathname = '/tangrod_bench';
  const env = { DATABASE_URL: url.toString() };
  return {
    env,
    async seed(from, total, agencies, priorities, caseTypes, staffId) {
      const c = new pg.Client(env.DATABASE_URL);
      await c.connect();
      try {
        await seedTickets(c, from, total, agencies, priorities, caseTypes, staffId, log);
        // The monitoring report's facts of the new tickets, as the catch-up computes them after
        // the triggers mark them (the load ran without triggers).
        await c.query(`INSERT INTO monitoring_dirty (ticket_ref) SELECT ${REF_SQL('i')} FROM generate_series(${from}::bigint, ${total - 1}::bigint) AS i ON CONFLICT DO NOTHING`);
      } finally {
        await c.end();
      }
      const pool = openPool(env.DATABASE_URL, { max: 1 });
      try {
        const m0 = performance.now();
        const { computed } = await bulkRefreshMonitoringFacts({ pool, ready: Promise.resolve() });
        log(`    monitoring facts of ${computed} tickets (bulkRefreshMonitoringFacts): ${((performance.now() - m0) / 1000).toFixed(1)} s`);
        await pool.query(`VACUUM ANALYZE monitoring_scopes, monitoring_times, monitoring_overdue, monitoring_count_days, monitoring_time_days, monitoring_overdue_days`);
      } finally {
        await pool.end();
      }
    },
    async timedEscalation(size, reps) {
      const rows = await timeEscalationQuery(openPostgresStore(env.DATABASE_URL, { poolSize: 2 }), size, reps);
      const c = new pg.Client(env.DATABASE_URL);
      await c.connect();
      await c.query(`UPDATE referrals SET escalation_level = 2 WHERE status = 'pending' AND escalation_level < 2`);
      await c.end();
      return rows;
    },
    stop: () => server.stop(),
  };
}

/**
 * Adds tickets up to `total` with the SQLite seed's spread (one or two referrals each, about five
 * audit rows), in three INSERT … SELECT over `generate_series`, in one transaction. The secondary
 * indexes of tickets, referrals and audit are dropped for the load and made again after it, and
 * the triggers do not run (`session_replication_role = replica`): the referrals' copies of their
 * ticket's fields (migrations 022 and 024) are written by the load, and the running totals
 * computed by the store's own rebuild (`rebuild_running_totals`, tested equal to what the triggers keep). Then VACUUM ANALYZE,
 * as autovacuum would in time.
 */
async function seedTickets(c: pg.Client, from: number, total: number, agencies: string[], priorities: string[], caseTypes: string[], staffId: string, log: (line: string) => void): Promise<void> {
  const now = Date.now() / 1000;
  const created = `to_timestamp(${now} - (${h(0)} % (365 * 86400)) - (i % 1000) / 1000.0)`;
  const status = `CASE WHEN ${h(1)} % 7 < 4 THEN 'closed' ELSE ${pick(STATUSES.slice(0, 4), h(2))} END`;
  const firstAction = `CASE WHEN status <> 'new' THEN created + make_interval(secs => 60 + ${h(8)} % (2 * 86400)) END`;
  const t = `t0 AS (SELECT i, ${REF_SQL('i')} AS ref, ${pick(CHANNELS, h(3))} AS channel, ${created} AS created, ${status} AS status, ${pick(priorities, h(6))} AS priority,
                          ${pick(caseTypes, h(5))} AS case_type
                   FROM generate_series(${from}::bigint, ${total - 1}::bigint) AS i),
             t AS (SELECT t0.*, ${firstAction} AS first_action FROM t0)`;
  const dayAgo = new Date(Date.now() - DAY_MS).toISOString();
  const step = async (what: string, sql: string, args: unknown[] = []) => {
    const t0 = performance.now();
    await c.query(sql, args);
    log(`    ${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await c.query(`SET maintenance_work_mem = '256MB'`);
  await c.query('BEGIN');
  await c.query('SET LOCAL session_replication_role = replica');
  const indexes = (await c.query(`SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename IN ('tickets', 'referrals', 'audit')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`)).rows as { indexname: string; indexdef: string }[];
  for (const { indexname } of indexes) await c.query(`DROP INDEX ${indexname}`);
  await step(
    'tickets',
    `WITH ${t}
     INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, status, assignee, created_at, updated_at, first_action_at)
     SELECT ref, channel || ':u' || i, channel, 'u' || i, ${pick(LANGS, h(4))}, 'victim', '{}', '[]', case_type, priority, 'consent', status,
            CASE WHEN ${h(7)} % 50 = 0 THEN $1 END, created, created, first_action
     FROM t`,
    [staffId],
  );
  // Pending referrals are past their escalation already (level 2), but for the last day's.
  await step(
    'referrals',
    `WITH ${t}
     INSERT INTO referrals (ticket_ref, agency, status, created_at, updated_at, escalation_level, ticket_status, ticket_priority, ticket_created_at, ticket_case_type, ticket_first_action_at)
     SELECT ref, agency, rstatus, created, created, CASE WHEN rstatus = 'pending' AND created > $1 THEN 0 ELSE 2 END, status, priority, created, case_type, first_action FROM (
       SELECT ref, created, status, priority, case_type, first_action, ${pick(agencies, h(9))} AS agency, CASE WHEN ${h(10)} % 3 = 0 THEN 'pending' ELSE 'accepted' END AS rstatus FROM t
       UNION ALL
       SELECT ref, created, status, priority, case_type, first_action, ${pick(agencies, h(11))}, 'pending' FROM t WHERE ${h(12)} % 2 = 0) x
     ON CONFLICT DO NOTHING`,
    [dayAgo],
  );
  // The audit trail as the SQLite seed writes it (what the monitoring page reads).
  await step(
    'audit',
    `WITH ${t}, tk AS (SELECT * FROM t),
     r AS (SELECT r.ticket_ref, r.agency, r.status, r.created_at, tk.i FROM referrals r JOIN tk ON tk.ref = r.ticket_ref)
     INSERT INTO audit (ticket_ref, actor, action, detail, at)
     SELECT ref, 'bot', 'ticket.created', json_build_object('priority', priority), created FROM tk
     UNION ALL SELECT ref, 'staff:' || $1, 'ticket.claimed', NULL, first_action FROM tk WHERE first_action IS NOT NULL
     UNION ALL SELECT ticket_ref, 'bot', 'referral.created', json_build_object('agency', agency), created_at FROM r
     UNION ALL SELECT ticket_ref, 'staff:' || $1, 'referral.accepted', json_build_object('agency', agency), created_at + make_interval(secs => 600 + (i * 7919) % 86400) FROM r WHERE status = 'accepted'
     UNION ALL SELECT ticket_ref, 'system', 'referral.reminded', json_build_object('agency', agency, 'level', 1), created_at + interval '1 day' FROM r WHERE status = 'pending' AND created_at < $2
     UNION ALL SELECT ref, 'bot', 'service.requested', json_build_object('kind', 'shelter', 'agency', $3::text), created FROM tk WHERE i % 5 = 0
     UNION ALL SELECT ref, 'staff:' || $1, 'service.status_changed', json_build_object('kind', 'shelter', 'agency', $3::text, 'to', 'delivered'),
                      created + make_interval(secs => 3600 + (i * 104729) % (3 * 86400)) FROM tk WHERE i % 10 = 0`,
    [staffId, dayAgo, agencies[0]],
  );
  const r0 = performance.now();
  await rebuildRunningTotals(c);
  log(`    running totals (rebuildRunningTotals): ${((performance.now() - r0) / 1000).toFixed(1)} s`);
  const i0 = performance.now();
  for (const { indexdef } of indexes) await c.query(indexdef);
  log(`    ${indexes.length} indexes: ${((performance.now() - i0) / 1000).toFixed(1)} s`);
  await c.query('COMMIT');
  await step('VACUUM ANALYZE', 'VACUUM ANALYZE tickets, referrals, audit');
  // The running totals add up to the rows.
  const one = async (sql: string) => Number((await c.query(sql)).rows[0].n);
  const tickets = await one('SELECT count(*) AS n FROM tickets');
  const referrals = await one('SELECT count(*) AS n FROM referrals');
  const totals = await one('SELECT sum(n) AS n FROM ticket_counts');
  const perAgency = await one('SELECT sum(n) AS n FROM referral_counts');
  if (totals !== tickets || perAgency !== referrals) throw new Error(`running totals ${totals} / ${perAgency} do not add up to ${tickets} tickets / ${referrals} referrals`);
}
