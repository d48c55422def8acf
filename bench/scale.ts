/**
 * `npm run bench -- scale`: the staff pages with many tickets. Seeds 10k, then 100k, then 1M
 * tickets (BENCH_SCALE=10000,100000 for fewer) straight into the database, in SQL, times the
 * escalation tick's query and the daily retention purge on it (with nothing due, then, on SQLite,
 * after a busy day: BENCH_SCALE_BUSY_DAY first messages, 100,000 unless set), starts Tangrod on it
 * (as `npm start` runs it, LINE on against the counting fake), and times, as a logged-in
 * administrator (all agencies), a supervisor of one agency and through an all-agencies API token:
 * the queue page and the API list under each filter, the statistics and monitoring pages, and LINE
 * webhook acks while each of those renders; then, on SQLite, the monitoring catch-up with every
 * ticket marked (bench/scale-monitoring.ts; BENCH_SCALE_CATCHUP=0 leaves it out).
 * BENCH_SCALE_STORE=postgres: the same on a throw-away PostgreSQL server (bench/scale-postgres.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3-multiple-ciphers';
import { createApiToken } from '../src/api/tokens.ts';
import { loadConfig } from '../src/config/env.ts';
import { createServices, databasePath } from '../src/services.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { bulkRefreshMonitoringFacts } from '../src/store/sqlite/monitoring.ts';
import { rebuildRunningTotals } from '../src/store/sqlite/running-totals.ts';
import { createStaffAccount } from '../src/staff/staff-accounts.ts';
import { PASSWORD, StaffClient } from '../test/helpers/staff.ts';
import { startFakePlatform } from './load/fake-platform.ts';
import { lineTextWebhook } from './load/line-webhooks.ts';
import { pct } from './load/round.ts';
import { LINE_SECRET, startTarget } from './load/targets.ts';
import { monitoringCatchUpRows } from './scale-monitoring.ts';
import { timeEscalationQuery } from './scale-escalation.ts';
import { retentionRows } from './scale-retention.ts';
import { type ScalePostgres, startScalePostgres } from './scale-postgres.ts';
import { CHANNELS, DAY_MS, LANGS, refSql, STATUSES, syncToDisk } from './scale-fields.ts';

const SIZES = (process.env.BENCH_SCALE ?? '10000,100000,1000000').split(',').map(Number);
const REF_SQL = (i: string) => refSql(i);

/**
 * Adds tickets up to `total`, spread over the last year, with one or two referrals each: rows
 * generated in SQL (a recursive CTE, two INSERT … SELECT in one transaction). The secondary indexes
 * and the triggers of tickets and referrals are dropped for the load and made again after it (one
 * sort per index instead of a million random B-tree inserts); the running totals and the
 * referrals' copies of ticket fields are then computed by the store's own rebuild
 * (`rebuildRunningTotals`), which the tests hold equal to what the triggers keep.
 */
export function seed(file: string, from: number, total: number, agencies: string[], priorities: string[], caseTypes: string[], staffId: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -512000');
  db.pragma('temp_store = MEMORY');
  const pick = (list: string[], index: string) => `json_extract('${JSON.stringify(list)}', '$[' || ((${index}) % ${list.length}) || ']')`;
  // A fixed spread rather than random numbers: the same seed gives the same database. Each field
  // from its own hash of the ticket's number (multiplicative, modulo a prime), so that the fields
  // do not go together (a filter on one finds tickets of every value of the others).
  const h = (salt: number) => `((i * ${2654435761 - salt * 98_411_027} + ${salt}) % 4294967291)`;
  // Created up to a year back; the first staff action a minute to two days after creation, none while new.
  const created = `strftime('%Y-%m-%dT%H:%M:%fZ', ${Date.now() / 1000} - (${h(0)} % (365 * 86400)) - (i % 1000) / 1000.0, 'unixepoch')`;
  const status = `CASE WHEN ${h(1)} % 7 < 4 THEN 'closed' ELSE ${pick(STATUSES.slice(0, 4), h(2))} END`;
  const lastRowid = (db.prepare('SELECT IFNULL(MAX(rowid), 0) AS n FROM tickets').get() as { n: number }).n;
  db.transaction(() => {
    const schema = db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ('tickets', 'referrals', 'audit', 'transcript', 'care_items') AND sql IS NOT NULL`).all() as { type: string; name: string; sql: string }[];
    for (const { type, name } of schema) db.exec(`DROP ${type === 'index' ? 'INDEX' : 'TRIGGER'} ${name}`);
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?),
       t AS (SELECT i, ${REF_SQL('i')} AS ref, ${pick(CHANNELS, h(3))} AS channel, ${created} AS created, ${status} AS status FROM seq)
       INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, status, assignee, created_at, updated_at, first_action_at)
       SELECT ref, channel || ':u' || i, channel, 'u' || i, ${pick(LANGS, h(4))}, 'victim', '{}', '[]', ${pick(caseTypes, h(5))}, ${pick(priorities, h(6))}, 'consent', status,
              CASE WHEN ${h(7)} % 50 = 0 THEN ? END, created, created,
              CASE WHEN status <> 'new' THEN strftime('%Y-%m-%dT%H:%M:%fZ', created, '+' || (60 + ${h(8)} % (2 * 86400)) || ' seconds') END
       FROM t`,
    ).run(from, total, staffId);
    // Pending referrals are past their escalation already (level 2), but for the last day's, which
    // the escalation query finds (timed below; then marked escalated, so that the server's tick at
    // start-up has nothing to send).
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?),
       t AS (SELECT i, ${REF_SQL('i')} AS ref, ${created} AS created FROM seq)
       INSERT OR IGNORE INTO referrals (ticket_ref, agency, status, created_at, updated_at, escalation_level)
       SELECT ref, agency, status, created, created, CASE WHEN status = 'pending' AND created > ? THEN 0 ELSE 2 END FROM (
         SELECT ref, created, ${pick(agencies, h(9))} AS agency, CASE WHEN ${h(10)} % 3 = 0 THEN 'pending' ELSE 'accepted' END AS status FROM t
         UNION ALL
         SELECT ref, created, ${pick(agencies, h(11))}, 'pending' FROM t WHERE ${h(12)} % 2 = 0)`,
    ).run(from, total, new Date(Date.now() - DAY_MS).toISOString());
    // Their audit trail, as the app writes it: the ticket created, its first staff action (a
    // claim), each referral made with the ticket and, for those accepted, its acceptance a little
    // later; the pending ones past a day reminded; one ticket in five asks for shelter, delivered
    // for half of them. About five rows a ticket: what the monitoring page reads.
    db.prepare(
      `INSERT INTO audit (ticket_ref, actor, action, detail, at)
       SELECT ref, 'bot', 'ticket.created', json_object('priority', priority), created_at FROM tickets WHERE rowid > @last
       UNION ALL SELECT ref, 'staff:' || @staff, 'ticket.claimed', NULL, first_action_at FROM tickets WHERE rowid > @last AND first_action_at IS NOT NULL
       UNION ALL SELECT r.ticket_ref, 'bot', 'referral.created', json_object('agency', r.agency), r.created_at FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref WHERE t.rowid > @last
       UNION ALL SELECT r.ticket_ref, 'staff:' || @staff, 'referral.accepted', json_object('agency', r.agency),
                        strftime('%Y-%m-%dT%H:%M:%fZ', r.created_at, '+' || (600 + (t.rowid * 7919) % 86400) || ' seconds')
                   FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref WHERE t.rowid > @last AND r.status = 'accepted'
       UNION ALL SELECT r.ticket_ref, 'system', 'referral.reminded', json_object('agency', r.agency, 'level', 1), strftime('%Y-%m-%dT%H:%M:%fZ', r.created_at, '+1 day')
                   FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref WHERE t.rowid > @last AND r.status = 'pending' AND r.created_at < @dayAgo
       UNION ALL SELECT ref, 'bot', 'service.requested', json_object('kind', 'shelter', 'agency', @agency), created_at FROM tickets WHERE rowid > @last AND rowid % 5 = 0
       UNION ALL SELECT ref, 'staff:' || @staff, 'service.status_changed', json_object('kind', 'shelter', 'agency', @agency, 'to', 'delivered'),
                        strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+' || (3600 + (rowid * 104729) % (3 * 86400)) || ' seconds') FROM tickets WHERE rowid > @last AND rowid % 10 = 0`,
    ).run({ last: lastRowid, staff: staffId, dayAgo: new Date(Date.now() - DAY_MS).toISOString(), agency: agencies[0] });
    // What each ticket's conversation left in the transcript, kept with the ticket: the message
    // and the answer. The daily purge reads past them to find the conversations of no ticket.
    db.prepare(
      `INSERT INTO transcript (session_id, direction, body, created_at)
       SELECT session_id, d.direction, d.body, created_at FROM tickets,
         (SELECT 'in' AS direction, '{"text":"they took my passport"}' AS body UNION ALL SELECT 'out', '{"replies":[{"text":"Call for help now: 1300 (Thailand). Your reference number is kept."}]}') d
       WHERE tickets.rowid > ?`,
    ).run(lastRowid);
    // One ticket in three asks for shelter (as the audit rows above say of one in five, and more):
    // a service due a day after the ticket, still open, its agency told it is overdue a minute
    // after. Staff who never mark a service delivered leave it open for good: what the queue's
    // overdue marks and the minute tick read.
    db.prepare(
      `INSERT INTO care_items (ticket_ref, plan, id, seq, agency, status, due_at, alerted_at, created_at, updated_at)
       SELECT ref, 'service', 'shelter', 0, ?, 'requested', strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+1 day'),
              CASE WHEN created_at < ? THEN strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+1 day', '+1 minute') END, created_at, created_at
       FROM tickets WHERE rowid > ? AND rowid % 3 = 0`,
    ).run(agencies[0], new Date(Date.now() - DAY_MS).toISOString(), lastRowid);
    rebuildRunningTotals(db);
    for (const { sql } of schema) db.exec(sql);
  })();
  // The monitoring report's facts of the new tickets, by the store's own code (decision 0028).
  const m0 = performance.now();
  db.prepare('INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets WHERE rowid > ? ON CONFLICT DO NOTHING').run(lastRowid);
  bulkRefreshMonitoringFacts(db);
  console.log(`  monitoring facts of ${(total - from).toLocaleString('en')} tickets computed in ${((performance.now() - m0) / 1000).toFixed(1)} s`);
  // The running totals add up to the rows.
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const tickets = one('SELECT COUNT(*) AS n FROM tickets');
  const referrals = one('SELECT COUNT(*) AS n FROM referrals');
  const totals = [one('SELECT SUM(n) AS n FROM ticket_counts'), one(`SELECT SUM(n) AS n FROM ticket_weeks WHERE agency = ''`)];
  const perAgency = [one(`SELECT SUM(n) AS n FROM ticket_weeks WHERE agency <> ''`), one('SELECT SUM(n) AS n FROM referral_counts')];
  db.close();
  syncToDisk(file);
  if (totals.some((n) => n !== tickets) || perAgency.some((n) => n !== referrals)) throw new Error(`running totals ${totals} / ${perAgency} do not add up to ${tickets} tickets / ${referrals} referrals`);
}

async function timed(n: number, request: () => Promise<Response | { status: number }>): Promise<{ p95: number; p50: number; status: number }> {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await request();
    if ('arrayBuffer' in res) await res.arrayBuffer();
    times.push(performance.now() - t0);
    status = res.status;
  }
  return { p95: pct(times, 95), p50: pct(times, 50), status };
}

/** Runs the scale mode; returns the lines to print. */
export async function benchScale(log: (line: string) => void = console.log): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tangrod-bench-scale-'));
  const fake = await startFakePlatform();
  // PostgreSQL variant (BENCH_SCALE_STORE=postgres, bench/scale-postgres.ts): its own server, seeded
  // in SQL there; the pages below are the same. Unset: SQLite in DATA_DIR.
  const pg: ScalePostgres | undefined = process.env.BENCH_SCALE_STORE === 'postgres' ? await startScalePostgres(log) : undefined;
  if (pg) log('  on PostgreSQL (BENCH_SCALE_STORE=postgres)');
  const lines = ['| tickets | page | filter | p50 ms | p95 ms | target |', '|---|---|---|---|---|---|'];
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...pg?.env });
    const services = createServices(config);
    const { definitions, store } = services;
    const agencies = [...definitions.directory.byId.keys()];
    const priorities = definitions.policy.priorities;
    const caseTypes = definitions.policy.caseTypes.map((c) => c.id);
    const staffId = await createStaffAccount(store, { name: 'bench-admin', role: 'admin', agency: undefined, lang: 'en', password: PASSWORD });
    const agency = agencies[0]!;
    await createStaffAccount(store, { name: 'bench-agency', role: 'supervisor', agency, lang: 'en', password: PASSWORD });
    const { token } = await createApiToken(store, '*', 'bench');
    await store.close();
    let seeded = 0;
    for (const size of SIZES) {
      const s0 = performance.now();
      if (pg) await pg.seed(seeded, size, agencies, priorities, caseTypes, staffId);
      else seed(databasePath(config), seeded, size, agencies, priorities, caseTypes, staffId);
      seeded = size;
      log(`  seeded ${size.toLocaleString('en')} tickets in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
      const reps = size >= 1_000_000 ? 10 : 20;
      const first = lines.length;
      lines.push(`| ${size.toLocaleString('en')} | seeding (from the size before) | | | ${(performance.now() - s0).toFixed(0)} | a few minutes at 1M |`);
      lines.push(...(pg ? await pg.timedEscalation(size, reps) : await timedEscalation(databasePath(config), size, reps)));
      lines.push(...(await retentionRows(config, size, !pg)));
      const target = await startTarget('tangrod', fake.origin, pg?.env ?? {}, dataDir);
      try {
        const staff = new StaffClient(target.url);
        await staff.login('bench-admin');
        const agencyStaff = new StaffClient(target.url);
        await agencyStaff.login('bench-agency');
        const row = (page: string, filter: string, r: { p50: number; p95: number; status: number }, goal: string) =>
          lines.push(`| ${size.toLocaleString('en')} | ${page} | ${filter} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)}${r.status === 200 ? '' : ` (HTTP ${r.status})`} | ${goal} |`);
        const queueFilters: [string, string][] = [
          ['open (default)', ''],
          ['status=new', '?status=new'],
          ['priority', `?priority=${priorities[0]}`],
          ['agency', `?agency=${agency}`],
          ['language=my', '?language=my'],
          ['channel=line', '?channel=line'],
          ['assigned to me', '?mine=1'],
          ['all statuses', '?status=all'],
        ];
        for (const [name, query] of queueFilters) row('queue page', name, await timed(reps, () => fetchPage(staff, `/staff${query}`)), '< 100');
        const apiFilters: [string, string][] = [
          ['none', ''],
          ['status=new', '?status=new'],
          ['priority', `?priority=${priorities[0]}`],
          ['agency', `?agency=${agency}`],
        ];
        const auth = { authorization: `Bearer ${token}` };
        for (const [name, query] of apiFilters) row('API list', name, await timed(reps, () => fetch(`${target.url}/api/tickets${query}`, { headers: auth })), '< 100');
        const stats = await timed(size >= 1_000_000 ? 5 : 10, () => fetchPage(staff, '/staff/stats'));
        row('statistics', 'all agencies', stats, '< 500');
        row('statistics', 'one agency', await timed(size >= 1_000_000 ? 5 : 10, () => fetchPage(agencyStaff, '/staff/stats')), '< 500');
        // Not in issue 12's table, but a staff page too (issue 15): the figures of its period (30 days by default), from the audit trail.
        row('monitoring page', 'default period', await timed(reps, () => fetchPage(staff, '/staff/monitoring')), '< 100');
        row('monitoring page', 'one agency', await timed(reps, () => fetchPage(agencyStaff, '/staff/monitoring')), '< 100');
        // Webhook acks alone for three seconds, then while the statistics page renders again and
        // again (at a million tickets it once took 86 s and stalled the server meanwhile).
        const ack = async (n: number) => {
          const webhook = lineTextWebhook(900 + SIZES.indexOf(size), n, 'hello', LINE_SECRET, `SCALE${size}X${n}`);
          const t0 = performance.now();
          await (await fetch(`${target.url}/webhooks/line`, { method: 'POST', ...webhook })).arrayBuffer();
          return performance.now() - t0;
        };
        const acksFor = async (ms: number, from: number, rendering: () => boolean): Promise<number[]> => {
          const acks: number[] = [];
          for (let n = from, until = performance.now() + ms; performance.now() < until && rendering(); n++) {
            acks.push(await ack(n));
            await new Promise((r) => setTimeout(r, 20));
          }
          return acks;
        };
        const quiet = await acksFor(3000, 0, () => true);
        /** Acks while `url` renders again and again for three seconds; the pages rendered. */
        const acksWhile = async (url: string, from: number): Promise<[number[], number]> => {
          let rendered = 0;
          let rendering = true;
          const pages = (async () => {
            for (const until = performance.now() + 3000; performance.now() < until; rendered++) await fetchPage(staff, url);
            rendering = false;
          })();
          const acks = await acksFor(60_000, from, () => rendering);
          await pages;
          return [acks, rendered];
        };
        const [acks, rendered] = await acksWhile('/staff/stats', 10_000);
        const [monitoringAcks, monitoringRendered] = await acksWhile('/staff/monitoring', 20_000);
        const ackRow = (what: string, list: number[]) =>
          lines.push(`| ${size.toLocaleString('en')} | LINE webhook ack ${what} | ${list.length} events | ${pct(list, 50).toFixed(0)} | ${pct(list, 95).toFixed(0)} (max ${Math.max(...list).toFixed(0)}) | < 50 |`);
        ackRow('alone', quiet);
        ackRow(`while statistics render (${rendered} pages in 3 s)`, acks);
        ackRow(`while the monitoring page renders (${monitoringRendered} pages in 3 s)`, monitoringAcks);
        log(lines.slice(first).join('\n'));
      } finally {
        await target.stop();
      }
      // The monitoring catch-up after an upgrade marks every ticket (decision 0034; its own file).
      if (!pg && process.env.BENCH_SCALE_CATCHUP !== '0') lines.push(...(await monitoringCatchUpRows(databasePath(config), size, () => startTarget('tangrod', fake.origin, {}, dataDir), log)));
    }
    return lines;
  } finally {
    await fake.close();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Times the escalation tick's query (`pendingReferrals`, every minute) on the seeded database, in
 * this process; then marks the referrals it found escalated, so that the server's tick at start-up
 * has nothing to send while the pages are timed.
 */
async function timedEscalation(file: string, size: number, reps: number): Promise<string[]> {
  const rows = await timeEscalationQuery(openSqliteStore(file), size, reps);
  const db = new Database(file);
  db.prepare(`UPDATE referrals SET escalation_level = 2 WHERE status = 'pending' AND escalation_level < 2`).run();
  db.close();
  return rows;
}

async function fetchPage(staff: StaffClient, url: string): Promise<{ status: number }> {
  return staff.get(url);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchScale()) console.log(line);
}
