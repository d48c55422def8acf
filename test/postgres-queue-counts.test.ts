/**
 * PostgreSQL's queue counts from running totals (migration 022, decision 0033): after a few hundred
 * tickets written the way the app writes them (referrals added later, statuses moved on and back,
 * tickets assigned and reassigned, priorities and languages changed), every count the queue shows
 * equals a count over the tickets themselves, before and after the changes are folded into the
 * totals; `rebuildRunningTotals` computes the same again and repairs totals changed by hand; and
 * two writers moving the same counters in opposite directions do not wait for each other.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresOpsFigures } from '../src/ops/ops-db-postgres.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres-store.ts';
import { rebuildRunningTotals } from '../src/store/postgres/running-totals.ts';
import type { TicketFilter, TicketStatus } from '../src/store/store.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';

const PRIORITIES = ['P1', 'P2', 'P3'];
const AGENCIES = ['police', 'dsdw', 'ngo'];
const LANGS = ['th', 'my', 'km', null];
const STATUSES: TicketStatus[] = ['new', 'triaged', 'in_progress', 'referred', 'closed'];
const STAFF = ['staff-a', 'staff-b'];

/** A little generator of numbers, the same every run. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

describe.skipIf(!postgresUrl)('queue counts on PostgreSQL from running totals', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: PostgresStore;
  let sql: pg.Client;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    store = openPostgresStore(db.url);
    await store.ready;
    sql = new pg.Client(db.url);
    await sql.connect();
  });
  afterEach(async () => {
    await store.close();
    const tables = (await sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`)).rows.map((r: { tablename: string }) => r.tablename);
    await sql.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
    await sql.end();
  });

  /** `count` tickets through the store, then a few hundred changes to them. */
  async function seed(count: number, random = numbers(11)): Promise<void> {
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    for (let i = 0; i < count; i++) {
      const ref = `TR-${String(i).padStart(4, '0')}`;
      await store.transaction(async (tx) => {
        await tx.insertTicket({ ref, sessionId: `line:u${i}`, channel: pick(['line', 'telegram']), userId: `u${i}`, language: pick(LANGS), role: 'victim', answers: {}, indicators: [], caseType: pick(['labour', 'missing_person']), priority: pick(PRIORITIES), basis: 'consent' });
        if (random() < 0.7) await tx.addReferral(ref, pick(AGENCIES));
      });
    }
    for (let k = 0; k < count * 2; k++) {
      const ref = `TR-${String(Math.floor(random() * count)).padStart(4, '0')}`;
      const what = random();
      await store.transaction(async (tx) => {
        if (what < 0.4) await tx.updateTicketWork(ref, { status: pick(STATUSES) });
        else if (what < 0.6) await tx.updateTicketWork(ref, { assignee: pick([...STAFF, null]) });
        else if (what < 0.75) await tx.addReferral(ref, pick(AGENCIES));
        else {
          const t = (await tx.getTicket(ref))!;
          await tx.updateAssessment(ref, { ...t, priority: pick(PRIORITIES), language: pick(LANGS) });
        }
      });
    }
  }

  /** The counts of a filter computed from the tickets and referrals themselves. */
  async function counted(f: TicketFilter): Promise<Record<TicketStatus, number>> {
    const where: string[] = ['true'];
    const args: unknown[] = [];
    const eq = (column: string, v: string | undefined) => v !== undefined && where.push(`${column} = $${args.push(v)}`);
    eq('t.priority', f.priority);
    eq('t.language', f.language);
    eq('t.channel', f.channel);
    eq('t.case_type', f.caseType);
    eq('t.assignee', f.assignee);
    if (f.agency) where.push(`EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = $${args.push(f.agency)})`);
    const counts: Record<TicketStatus, number> = { new: 0, triaged: 0, in_progress: 0, referred: 0, closed: 0 };
    for (const r of (await sql.query(`SELECT status, count(*)::int AS n FROM tickets t WHERE ${where.join(' AND ')} GROUP BY 1`, args)).rows) counts[r.status as TicketStatus] = r.n;
    return counts;
  }

  const FILTERS: TicketFilter[] = [
    {},
    { priority: 'P1' },
    { language: 'my' },
    { channel: 'telegram' },
    { caseType: 'labour' },
    { priority: 'P2', language: 'th', channel: 'line' },
    ...AGENCIES.map((agency) => ({ agency })),
    ...STAFF.map((assignee) => ({ assignee })),
    { agency: 'police', language: 'km' },
    { assignee: 'staff-a', channel: 'line' },
    { agency: 'ngo', assignee: 'staff-b' },
  ];

  /** Every total as it stands (folded plus not yet folded), without zeros. */
  async function totals(): Promise<unknown[]> {
    const q = async (table: string, keys: string) =>
      (await sql.query(`SELECT ${keys}, sum(n)::int AS n FROM (SELECT ${keys}, n FROM ${table}s UNION ALL SELECT ${keys}, n FROM ${table}_changes) x GROUP BY ${keys} HAVING sum(n) <> 0 ORDER BY ${keys}`)).rows;
    return [
      await q('ticket_count', 'status, priority, language, channel, case_type'),
      await q('referral_count', 'agency, ticket_status'),
      await q('assignee_count', 'assignee, status'),
      // The statistics' weeks and waits (migration 024, decision 0039).
      await q('ticket_week', 'agency, week, case_type, priority'),
      await q('ticket_wait_week', 'agency, week, priority, bucket'),
    ];
  }
  const copies = async () =>
    (await sql.query('SELECT ticket_ref, agency, ticket_status, ticket_priority, ticket_created_at, ticket_case_type, ticket_first_action_at FROM referrals ORDER BY 1, 2')).rows;

  it('counts every filter of the queue as a count over the tickets does, before and after the changes are folded', async () => {
    await seed(150);
    const changes = (await sql.query('SELECT count(*)::int AS n FROM ticket_count_changes')).rows[0].n as number;
    expect(changes).toBeGreaterThan(150);
    for (const f of FILTERS) expect(await store.countByStatus(f), JSON.stringify(f)).toEqual(await counted(f));
    expect((await sql.query('SELECT fold_running_totals() AS done')).rows[0].done).toBe(true);
    for (const table of ['ticket_count_changes', 'referral_count_changes', 'assignee_count_changes']) expect((await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, table).toBe(0);
    for (const f of FILTERS) expect(await store.countByStatus(f), JSON.stringify(f)).toEqual(await counted(f));
    // Every assignee had tickets, and every agency had tickets of several statuses: the check compared something.
    for (const assignee of STAFF) expect(Object.values(await store.countByStatus({ assignee })).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    for (const agency of AGENCIES) expect(Object.values(await store.countByStatus({ agency })).filter((n) => n > 0).length).toBeGreaterThan(2);
  });

  it("keeps each referral's copy of its ticket's status, priority and age, and lists one agency's queue from them", async () => {
    await seed(80, numbers(5));
    const stale = await sql.query(`SELECT count(*)::int AS n FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref
      WHERE (r.ticket_status, r.ticket_priority, r.ticket_created_at) IS DISTINCT FROM (t.status, t.priority, t.created_at)`);
    expect(stale.rows[0].n).toBe(0);
    for (const status of ['open', 'new', 'closed', undefined] as const) {
      const listed = (await store.listTickets({ agency: 'police', status, limit: 1000 })).map((t) => t.ref);
      const expected = (await sql.query(`SELECT t.ref FROM tickets t JOIN referrals r ON r.ticket_ref = t.ref AND r.agency = 'police'
        WHERE ${status === 'open' ? `t.status <> 'closed'` : status ? `t.status = '${status}'` : 'true'} ORDER BY t.priority, t.created_at, t.ref`)).rows.map((r: { ref: string }) => r.ref);
      expect(listed, String(status)).toEqual(expected);
      expect(listed.length, String(status)).toBeGreaterThan(0);
    }
  });

  it('computes the same totals again from the rows, and repairs totals and copies changed by hand', async () => {
    await seed(100, numbers(3));
    const kept = [await totals(), await copies()];
    await rebuildRunningTotals(sql);
    expect([await totals(), await copies()]).toEqual(kept);
    expect((await sql.query('SELECT count(*)::int AS n FROM ticket_count_changes')).rows[0].n).toBe(0);
    await sql.query(`UPDATE ticket_counts SET n = n + 5 WHERE status = 'new'`);
    await sql.query('UPDATE referral_counts SET n = 0');
    await sql.query('DELETE FROM assignee_counts');
    await sql.query(`INSERT INTO ticket_count_changes VALUES ('closed', 'P1', 'th', 'line', 'labour', 7)`);
    await sql.query(`ALTER TABLE referrals DISABLE TRIGGER USER`);
    await sql.query(`UPDATE referrals SET ticket_status = 'closed', ticket_priority = 'P9'`);
    await sql.query(`ALTER TABLE referrals ENABLE TRIGGER USER`);
    expect([await totals(), await copies()]).not.toEqual(kept);
    await rebuildRunningTotals(sql);
    expect([await totals(), await copies()]).toEqual(kept);
    for (const f of FILTERS) expect(await store.countByStatus(f), JSON.stringify(f)).toEqual(await counted(f));
  });

  it('lets two writers move the same counters in opposite directions at once, neither waiting for the other', async () => {
    await seed(4, numbers(9));
    await store.transaction(async (tx) => {
      await tx.updateTicketWork('TR-0000', { status: 'new', assignee: 'staff-a' });
      await tx.updateTicketWork('TR-0001', { status: 'closed', assignee: 'staff-a' });
      for (const ref of ['TR-0000', 'TR-0001']) {
        const t = (await tx.getTicket(ref))!;
        await tx.updateAssessment(ref, { ...t, priority: 'P1', language: 'th' });
        await tx.addReferral(ref, 'police');
      }
    });
    await sql.query(`UPDATE tickets SET channel = 'line', case_type = 'labour' WHERE ref IN ('TR-0000', 'TR-0001')`);
    await sql.query('SELECT fold_running_totals()');
    const a = new pg.Client(db.url);
    const b = new pg.Client(db.url);
    await a.connect();
    await b.connect();
    try {
      // Each holds its change uncommitted while the other makes the opposite one: shared counter
      // rows would make the second wait (here: fail at the lock timeout) or deadlock.
      for (const c of [a, b]) await c.query(`BEGIN; SET LOCAL lock_timeout = '2s'`);
      await a.query(`UPDATE tickets SET status = 'closed' WHERE ref = 'TR-0000'`);
      await b.query(`UPDATE tickets SET status = 'new' WHERE ref = 'TR-0001'`);
      // A fold meanwhile takes only what is committed.
      await sql.query('SELECT fold_running_totals()');
      await a.query('COMMIT');
      await b.query('COMMIT');
    } finally {
      await a.end();
      await b.end();
    }
    for (const f of FILTERS) expect(await store.countByStatus(f), JSON.stringify(f)).toEqual(await counted(f));
    expect((await store.getTicket('TR-0000'))?.status).toBe('closed');
    expect((await store.getTicket('TR-0001'))?.status).toBe('new');
  });

  it('folds the changes by itself while the store is open', async () => {
    await store.close();
    store = openPostgresStore(db.url, { foldEveryMs: 50 });
    await seed(10, numbers(4));
    const left = async () => (await sql.query('SELECT (SELECT count(*) FROM ticket_count_changes) + (SELECT count(*) FROM referral_count_changes) AS n')).rows[0].n as string;
    for (let i = 0; i < 100 && (await left()) !== '0'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await left()).toBe('0');
    for (const f of FILTERS) expect(await store.countByStatus(f), JSON.stringify(f)).toEqual(await counted(f));
  });

  it("gives the metrics' tickets by priority and status from the totals, as a count over the tickets does", async () => {
    await seed(60, numbers(8));
    const figures = await openPostgresOpsFigures(db.url, 50);
    try {
      const expected = (await sql.query('SELECT priority, status, count(*)::int AS count FROM tickets GROUP BY 1, 2 ORDER BY 1, 2')).rows;
      const sorted = () => [...figures.tickets()].sort((a, b) => (a.priority + a.status < b.priority + b.status ? -1 : 1));
      expect(sorted()).toEqual(expected);
      const was = (await store.getTicket('TR-0001'))!.status;
      await store.transaction((tx) => tx.updateTicketWork('TR-0001', { status: was === 'closed' ? 'new' : 'closed' }));
      const now = (await sql.query('SELECT priority, status, count(*)::int AS count FROM tickets GROUP BY 1, 2 ORDER BY 1, 2')).rows;
      for (let i = 0; i < 100 && JSON.stringify(sorted()) !== JSON.stringify(now); i++) await new Promise((r) => setTimeout(r, 20));
      expect(sorted()).toEqual(now);
    } finally {
      await figures.close();
    }
  });
});
