/**
 * The monitoring report aggregated by the store (per-ticket facts and running totals on both
 * databases; decision 0028) gives the figures the report's ticket-by-ticket computation gives, over a varied
 * audit trail written through the store as the app writes it: first actions by staff and by the
 * bot, tickets created twice or after their first action, referrals accepted before they were made
 * or twice, transfers, services delivered before they were asked for or to another agency, returns
 * with and without arrival, overdue rows, equal and negative times, answers that are not strings,
 * tickets at a Thai midnight; then more written on top (referrals added, tickets closed, reassessed
 * and erased) and compared again. For all agencies, for each, and for several periods.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeFigures, MONITORED_ACTIONS } from '../src/monitoring/figures.ts';
import { MonitoringService, type Period, periodBounds } from '../src/monitoring/monitoring-service.ts';
import { openPool } from '../src/store/postgres/connection.ts';
import { bulkRefreshMonitoringFacts as bulkRefreshPostgres, refreshMonitoringFacts } from '../src/store/postgres/monitoring.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { bulkRefreshMonitoringFacts } from '../src/store/sqlite/monitoring.ts';
import type { Store } from '../src/store/store.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';

const AGENCIES = ['police', 'dsdw', 'ngo'];
/** The kinds the report shows; `puppy_care` is measured but not shown. */
const KINDS = ['shelter', 'legal', 'medical'];
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-06-01 00:00 in Thailand. */
const T0 = Date.parse('2026-05-31T17:00:00.000Z');

/** A little generator of numbers, the same every run. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

type Pick = <T>(list: readonly T[]) => T;

/**
 * The audit rows a ticket may get, each with how often: [actor, action, detail]. Agencies are one
 * of the three or `other` (never referred), kinds one of those shown or `puppy_care`.
 */
const EVENTS: [number, (p: Pick) => [string, string, Record<string, unknown> | undefined]][] = [
  [3, () => ['bot', 'ticket.created', { priority: 'P2' }]],
  [4, (p) => [p(['staff:1', 'staff:2']), p(['ticket.claimed', 'ticket.assigned', 'message.sent', 'ticket.status_changed']), undefined]],
  [2, (p) => ['bot', p(['ticket.claimed', 'message.sent']), undefined]],
  [2, () => ['staff:1', 'ticket.viewed', undefined]],
  [5, (p) => [p(['bot', 'staff:1']), 'referral.created', { agency: p([...AGENCIES, 'other']) }]],
  [1, () => ['system', 'referral.created', { agency: 42 }]],
  [5, (p) => ['staff:2', 'referral.accepted', { agency: p([...AGENCIES, 'other']) }]],
  [1, (p) => ['staff:2', 'referral.declined', { agency: p(AGENCIES) }]],
  [2, (p) => ['staff:1', 'ticket.transferred', { from: p(AGENCIES), to: p(AGENCIES) }]],
  [4, (p) => ['bot', 'service.requested', { kind: p(['shelter', ...KINDS, 'puppy_care']), agency: p(AGENCIES) }]],
  [1, (p) => ['bot', 'service.requested', { kind: p(KINDS) }]],
  [5, (p) => ['staff:1', 'service.status_changed', { kind: p(['shelter', ...KINDS, 'puppy_care']), agency: p(AGENCIES), to: p(['delivered', 'delivered', 'in_progress']) }]],
  [2, () => ['staff:1', 'return.started', { plan: 'p' }]],
  [2, (p) => ['staff:1', 'return.completed', p([{ arrived: true }, { arrived: false }, {}, { arrived: 'no' }])]],
  [2, (p) => ['system', 'referral.reminded', { agency: p(AGENCIES), level: 1 }]],
  [2, (p) => ['system', 'service.overdue', p([{ agency: p(AGENCIES), kind: 'shelter' }, { kind: 'legal' }])]],
  [1, (p) => ['system', 'return_step.overdue', { agency: p(AGENCIES), step: 'x' }]],
];

/** How far the clock moves before an audit row: mostly minutes to hours, sometimes not at all, under a second, or back. */
const STEPS: [number, (r: () => number) => number][] = [
  [6, (r) => Math.floor(r() * 6 * HOUR)],
  [2, (r) => Math.floor(r() * 999)],
  [1, () => 0],
  [1, (r) => -Math.floor(r() * 2 * HOUR)],
  [1, (r) => Math.floor(r() * 5 * DAY)],
];

interface Engine {
  name: string;
  skip: boolean;
  /** The migration whose triggers mark the tickets. */
  migration: string;
  open(clock: () => Date): Promise<Store>;
  /** Another instance on the same database (PostgreSQL). */
  openAnother?(clock: () => Date): Promise<Store>;
  /** The totals as kept, every row that is not zero. */
  totals(store: Store): Promise<unknown[]>;
  /**
   * PostgreSQL: runs `during` while a step of the catch-up (every marked ticket) has computed its
   * tickets and not committed yet; returns the tickets it computed.
   */
  duringAStep?(during: () => Promise<void>): Promise<string[]>;
  /** PostgreSQL: runs SQL on the database (outside the store). */
  exec?(sql: string): Promise<void>;
  /** Marks every ticket and computes every fact and total again from nothing, as a bulk load does. */
  rebuild(store: Store): Promise<void>;
  close(store: Store): Promise<void>;
}

const TOTALS = ['monitoring_count_days', 'monitoring_time_days', 'monitoring_overdue_days'];

const engines: Engine[] = [
  (() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-monitoring-'));
    const db = (store: Store) => (store as unknown as { db: Database.Database }).db;
    return {
      name: 'SQLite',
      skip: false,
      migration: '../src/store/migrations/021-monitoring.sql',
      open: async (clock: () => Date) => openSqliteStore(path.join(dir, 'db.sqlite'), clock),
      totals: async (store) => TOTALS.map((t) => db(store).prepare(`SELECT * FROM ${t} WHERE n <> 0 ORDER BY 1, 2, 3, 4`).all()),
      rebuild: async (store) => {
        db(store).exec('INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets');
        bulkRefreshMonitoringFacts(db(store));
      },
      close: async (store: Store) => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })(),
  (() => {
    let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
    let pool: pg.Pool | undefined;
    const rows = async (sql: string) => (await pool!.query(sql)).rows;
    return {
      name: 'PostgreSQL',
      skip: !postgresUrl,
      migration: '../src/store/postgres/migrations/026-monitoring-facts.sql',
      open: async (clock: () => Date) => {
        db = await freshDatabase();
        pool = openPool(db.url, { max: 2 });
        const store = openPostgresStore(db.url, { clock });
        await store.ready;
        return store;
      },
      openAnother: async (clock: () => Date) => {
        const store = openPostgresStore(db!.url, { clock });
        await store.ready;
        return store;
      },
      duringAStep: async (during) => {
        const client = await pool!.connect();
        try {
          await client.query('BEGIN');
          const refs = (await client.query('SELECT ticket_ref FROM monitoring_dirty ORDER BY 1')).rows.map((r) => r.ticket_ref as string);
          await refreshMonitoringFacts(client, 10_000);
          await during();
          await client.query('COMMIT');
          return refs;
        } finally {
          client.release();
        }
      },
      exec: async (sql) => void (await rows(sql)),
      totals: async () => Promise.all(TOTALS.map((t) => rows(`SELECT * FROM ${t} WHERE n <> 0 ORDER BY 1, 2, 3, 4`))),
      rebuild: async () => {
        await rows(`TRUNCATE monitoring_scopes, monitoring_times, monitoring_overdue, ${TOTALS.join(', ')}`);
        await rows('INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets ON CONFLICT DO NOTHING');
        await bulkRefreshPostgres({ pool: pool!, ready: Promise.resolve() }, 37);
      },
      close: async (store: Store) => {
        await store.close();
        await pool?.end();
        await db?.drop();
      },
    };
  })(),
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the monitoring report from the store's aggregates on ${engine.name}`, () => {
    let store: Store;
    let now = new Date(T0);
    const random = numbers(5);
    const pick: Pick = (list) => list[Math.floor(random() * list.length)]!;
    const weighted = <T>(table: [number, T][]): T => {
      let x = random() * table.reduce((sum, [w]) => sum + w, 0);
      for (const [w, v] of table) if ((x -= w) < 0) return v;
      return table.at(-1)![1];
    };
    const refs: string[] = [];

    /** A few audit rows on a ticket, the clock moving by STEPS before each. */
    const trail = async (ref: string, rows: number) => {
      for (let i = 0; i < rows; i++) {
        now = new Date(now.getTime() + weighted(STEPS)(random));
        const [actor, action, detail] = weighted(EVENTS)(pick);
        await store.transaction((tx) => tx.audit({ ticketRef: ref, actor, action, ...(detail ? { detail } : {}) }));
      }
    };

    /** The figures both ways for a period. */
    const both = async (p: Period) => {
      const service = new MonitoringService(store, KINDS);
      const { start, end } = periodBounds(p);
      const { intervals, ...plain } = computeFigures(await store.monitoringData(start, end, p.agency), { ...(p.agency ? { agency: p.agency } : {}), serviceKinds: KINDS });
      // What the view found unreadable (the poisoned tickets below, when it computes them) is told apart from the figures.
      const { unreadable: _, ...totals } = await service.figures(p);
      return { plain, intervals, totals, listed: await service.intervals(p) };
    };

    /** Periods to compare: the whole span, single days (the first starts at the Thai midnight tickets straddle), none. */
    const periods: [string, Omit<Period, 'agency'>][] = [
      ['the whole span', { from: '2026-05-31', to: '2026-06-12' }],
      ['the first day', { from: '2026-06-01', to: '2026-06-01' }],
      ['the day before it', { from: '2026-05-31', to: '2026-05-31' }],
      ['three middle days', { from: '2026-06-03', to: '2026-06-05' }],
      ['a day with no tickets', { from: '2026-07-01', to: '2026-07-01' }],
    ];
    const cases = periods.flatMap(([name, p]) => [undefined, ...AGENCIES, 'other'].map((agency) => [`${name}, ${agency ?? 'all agencies'}`, { ...p, ...(agency ? { agency } : {}) }] as const));

    const compare = async () => {
      let measured = 0;
      for (const [name, p] of cases) {
        const { plain, intervals, totals, listed } = await both(p);
        expect(totals, name).toEqual(plain);
        expect(listed, name).toEqual(intervals);
        measured += plain.times.filter((t) => t.count > 1).length;
      }
      return measured;
    };

    beforeAll(async () => {
      store = await engine.open(() => now);
      for (let i = 0; i < 160; i++) {
        // Tickets a little over an hour apart from just before a Thai midnight (each at its own
        // millisecond, so that their order is their creation's), two of them at it.
        const created = i === 0 ? T0 - 1 : i === 1 ? T0 : T0 + i * 77 * MIN + (i % 7) * 1013;
        now = new Date(created);
        const ref = `TR-M${String(i).padStart(3, '0')}`;
        refs.push(ref);
        const agencies = AGENCIES.filter(() => random() < 0.45);
        await store.transaction(async (tx) => {
          await tx.insertTicket({
            ref,
            sessionId: `line:m${i}`,
            channel: 'line',
            userId: `m${i}`,
            language: 'km',
            role: 'victim',
            answers: {
              ...(random() < 0.8 ? { nationality: pick(['KH', 'MM', 'LA', 7]) } : {}),
              ...(random() < 0.7 ? { current_country: pick(['TH', 'MY']) } : {}),
              // A U+0000 in another answer (PostgreSQL's json operators fail on its escape).
              ...(i % 17 === 3 ? { note: 'a\u0000b' } : {}),
            },
            indicators: [],
            caseType: pick(['labour_trafficking', 'sexual_exploitation', 'unclear']),
            priority: pick(['P1', 'P2', 'P3']),
            basis: 'consent',
          });
          for (const a of agencies) await tx.addReferral(ref, a);
        });
        await trail(ref, Math.floor(random() * 13));
        if (random() < 0.3) await store.transaction((tx) => tx.updateTicketWork(ref, { status: 'closed', outcome: pick(['assisted', 'unreachable', null]) }));
        else if (random() < 0.5) await store.transaction((tx) => tx.updateTicketWork(ref, { status: pick(['triaged', 'in_progress', 'referred']) }));
      }
    }, 120_000);
    afterAll(async () => {
      await engine.close(store);
    });

    it('lists the same audit actions in its triggers as the figures read', () => {
      const sql = readFileSync(new URL(engine.migration, import.meta.url), 'utf8');
      for (const trigger of ['monitoring_audit_insert', 'monitoring_audit_delete']) {
        const listed = new RegExp(`CREATE TRIGGER ${trigger}[\\s\\S]*?action IN \\(([^)]*)\\)`).exec(sql)![1]!.match(/'[^']+'/g)!.map((a) => a.slice(1, -1));
        expect(listed.sort(), trigger).toEqual([...MONITORED_ACTIONS].sort());
      }
    });

    it.each(cases)('gives the figures computed ticket by ticket: %s', async (name, p) => {
      const { plain, intervals, totals, listed } = await both(p);
      expect(totals, name).toEqual(plain);
      expect(listed, name).toEqual(intervals);
    });

    it.each([undefined, 'police'])('reads the period in pages that add up to the whole (agency %s)', async (agency) => {
      const { start, end } = periodBounds({ from: '2026-05-31', to: '2026-06-12' });
      const whole = await store.monitoringData(start, end, agency);
      const pages: Awaited<ReturnType<Store['monitoringData']>>[] = [];
      for (let after: { createdAt: string; ref: string } | undefined; ; ) {
        const page = await store.monitoringData(start, end, agency, { ...(after ? { after } : {}), limit: 7 });
        pages.push(page);
        const last = page.tickets.at(-1);
        if (!last) break;
        after = { createdAt: last.createdAt, ref: last.ref };
      }
      expect(pages.length).toBeGreaterThan(5);
      expect(pages.flatMap((p) => p.tickets)).toEqual(whole.tickets);
      const byTicket = (audit: typeof whole.audit) => [...audit].sort((a, b) => a.ticketRef!.localeCompare(b.ticketRef!));
      expect(byTicket(pages.flatMap((p) => p.audit))).toEqual(byTicket(whole.audit));
      expect(pages.flatMap((p) => p.items)).toHaveLength(whole.items.length);
    });

    it('there was something to get wrong: tickets of every kind, times of every measure, overdue rows', async () => {
      const { plain } = await both(cases[0]![1]);
      expect(plain.tickets).toBe(160);
      expect(plain.times.filter((t) => t.count > 3).map((t) => t.measure)).toEqual(expect.arrayContaining(['first_action', 'referral_accepted', 'service_delivered:shelter', 'return_completed']));
      // Even and odd counts, negative and sub-second times.
      expect(new Set(plain.times.map((t) => t.count % 2)).size).toBe(2);
      expect(plain.overdue.length).toBeGreaterThan(2);
      expect(plain.byNationality.map(([k]) => k)).toContain('unknown');
    });

    it('follows what is written after: more audit rows, referrals added, tickets closed, reassessed and erased', async () => {
      await compare();
      for (const [i, ref] of refs.entries()) {
        if (i % 3 === 0) await trail(ref, 3);
        if (i % 5 === 1) await store.transaction((tx) => tx.addReferral(ref, pick(AGENCIES)).then(() => undefined));
        if (i % 7 === 2) await store.transaction((tx) => tx.updateTicketWork(ref, { status: 'closed', outcome: 'assisted' }));
        if (i % 11 === 3)
          await store.transaction((tx) =>
            tx.updateAssessment(ref, { language: 'km', role: 'victim', answers: { nationality: 'TH' }, indicators: [], caseType: 'unclear', priority: 'P1', basis: 'consent' }),
          );
        if (i % 13 === 4) await store.transaction((tx) => tx.eraseTicket(ref).then(() => undefined));
      }
      expect(await compare()).toBeGreaterThan(20);
    }, 60_000);

    it('keeps the same totals step by step as a bulk load computes from nothing', async () => {
      await new MonitoringService(store, KINDS).figures({ from: '2026-06-01', to: '2026-06-01' });
      const kept = await engine.totals(store);
      expect(kept.every((rows) => (rows as unknown[]).length > 10)).toBe(true);
      await engine.rebuild(store);
      expect(await engine.totals(store)).toEqual(kept);
    });

    it.skipIf(engine.name !== 'PostgreSQL')('leaves out a ticket whose audit rows the SQL cannot read, and goes on with the others', async () => {
      // An agency with an escaped U+0000 in its name: PostgreSQL's json cannot give it as text.
      now = new Date(Date.parse('2026-08-01T03:00:00.000Z'));
      await store.transaction(async (tx) => {
        await tx.insertTicket({ ref: 'TR-POISON', sessionId: 'line:p', channel: 'line', userId: 'p', language: 'km', role: 'victim', answers: {}, indicators: [], caseType: 'unclear', priority: 'P2', basis: 'consent' });
        await tx.audit({ ticketRef: 'TR-POISON', actor: 'bot', action: 'referral.created', detail: { agency: 'po\u0000lice' } });
      });
      await store.transaction((tx) => tx.audit({ ticketRef: refs[7]!, actor: 'staff:2', action: 'message.sent' }));
      let unreadable = 0;
      for (let r = await store.refreshMonitoring!(50); ; r = await store.refreshMonitoring!(50)) {
        unreadable += r.unreadable ?? 0;
        if (!r.remaining) break;
      }
      expect(unreadable).toBe(1);
      expect((await new MonitoringService(store, KINDS).figures({ from: '2026-08-01', to: '2026-08-01' })).tickets).toBe(0);
      expect(await compare()).toBeGreaterThan(20);
      await store.transaction((tx) => tx.eraseTicket('TR-POISON').then(() => undefined));
    });

    it.skipIf(engine.name !== 'PostgreSQL')('tells a page view that found a ticket it cannot read, once, and leaves it out', async () => {
      now = new Date(Date.parse('2026-08-02T03:00:00.000Z'));
      await store.transaction(async (tx) => {
        await tx.insertTicket({ ref: 'TR-POISON2', sessionId: 'line:p2', channel: 'line', userId: 'p2', language: 'km', role: 'victim', answers: {}, indicators: [], caseType: 'unclear', priority: 'P2', basis: 'consent' });
        await tx.audit({ ticketRef: 'TR-POISON2', actor: 'bot', action: 'referral.created', detail: { agency: 'po\u0000lice' } });
      });
      const service = new MonitoringService(store, KINDS);
      // No background catch-up here: the page itself computes the few marked tickets.
      const first = await service.figures({ from: '2026-08-02', to: '2026-08-02' });
      expect([first.unreadable, first.tickets, first.pending]).toEqual([1, 0, undefined]);
      expect((await service.figures({ from: '2026-08-02', to: '2026-08-02' })).unreadable).toBeUndefined();
      await store.transaction((tx) => tx.eraseTicket('TR-POISON2').then(() => undefined));
    });

    it.skipIf(!engine.duringAStep)('counts a row written while a step computes its ticket: the write waits for the step and marks the ticket again', async () => {
      const ref = refs[5]!;
      await store.transaction((tx) => tx.audit({ ticketRef: ref, actor: 'bot', action: 'ticket.created' }));
      let written = false;
      let write: Promise<void> | undefined;
      const computed = await engine.duringAStep!(async () => {
        now = new Date(now.getTime() + HOUR);
        write = store.transaction((tx) => tx.audit({ ticketRef: ref, actor: 'staff:1', action: 'ticket.claimed' })).then(() => void (written = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(written).toBe(false);
      });
      await write;
      expect(computed).toContain(ref);
      expect(await compare()).toBeGreaterThan(20);
    });

    it.skipIf(!engine.exec)('counts every ticket already there when migration 026 upgrades a database', async () => {
      // The database as it was before 026: none of its tables, functions or triggers.
      await engine.exec!(`DROP TABLE monitoring_dirty, monitoring_scopes, monitoring_times, monitoring_overdue, ${TOTALS.join(', ')};
        DROP FUNCTION monitoring_mark_ticket() CASCADE; DROP FUNCTION monitoring_mark_ticket_ref() CASCADE; DROP FUNCTION monitoring_mark(text, text);
        DELETE FROM schema_migrations WHERE version = 26`);
      const upgraded = await engine.openAnother!(() => now);
      try {
        expect((await upgraded.refreshMonitoring!(1)).remaining).toBe(true);
        expect(await compare()).toBeGreaterThan(20);
      } finally {
        await upgraded.close();
      }
    });

    it.skipIf(!engine.openAnother)('gives the same figures when two instances compute the marked tickets at once while the bot writes', async () => {
      const other = await engine.openAnother!(() => now);
      try {
        // Every ticket marked, then both instances' catch-up steps side by side with writes.
        for (const [i, ref] of refs.entries()) if (i % 2 === 0) await store.transaction((tx) => tx.audit({ ticketRef: ref, actor: 'staff:1', action: 'ticket.status_changed' }));
        const drain = async (s: Store) => {
          for (let r = await s.refreshMonitoring!(1); r.remaining; r = await s.refreshMonitoring!(1));
        };
        const writes = (async () => {
          for (const [i, ref] of refs.entries()) if (i % 4 === 1) await trail(ref, 2);
        })();
        await Promise.all([drain(store), drain(other), writes]);
        expect(await compare()).toBeGreaterThan(20);
      } finally {
        await other.close();
      }
    }, 60_000);
  });
}
