/**
 * The statistics page from running totals (migration 018, decision 0024) gives the figures a
 * plain computation over every ticket gives: tickets per week by case type and priority, the
 * median time to the first staff action (exact, even counts taking the mean of the middle two),
 * and open tickets by agency; for all agencies and for one. Over a few hundred tickets written
 * the way the app writes them: referrals added later, first actions, reopened and closed tickets,
 * priorities and case types changed after the first action, waits under a second, tickets assigned
 * and reassigned. The figures' cases run on SQLite and, where the machine has PostgreSQL, on
 * PostgreSQL (decision 0039: its totals are appended changes, folded later, read with them); the
 * totals' own rows are checked on SQLite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeStats, median, statsFromData, statsSince, weekStart } from '../src/dashboard/stats.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { rebuildRunningTotals } from '../src/store/sqlite/running-totals.ts';
import { periodWeeks, thaiWeek } from '../src/store/stats-weeks.ts';
import type { Store, TicketStatus } from '../src/store/store.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';

const PRIORITIES = ['P1', 'P2', 'P3'];
const AGENCIES = ['police', 'dsdw', 'ngo'];
const DAY = 86_400_000;
const HOUR = 3_600_000;

let dir: string;
let file: string;
let store: Store;
let now: Date;

/** A Wednesday afternoon: the period's first week is cut in its middle. */
const START = '2026-11-18T09:30:00Z';

/** An SQLite store in a folder of its own, for each test of the calling describe. */
function onSqlite(): void {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tangrod-stats-test-'));
    file = path.join(dir, 'db.sqlite');
    now = new Date(START);
    store = openSqliteStore(file, () => now);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** A PostgreSQL store on a database of its own, for each test of the calling describe. */
function onPostgres(): void {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => {
    db = await freshDatabase();
    now = new Date(START);
    const pgStore = openPostgresStore(db.url, { clock: () => now });
    await pgStore.ready;
    store = pgStore;
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });
}

/** A little generator of numbers, the same every run. */
function numbers(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

/**
 * `count` tickets over eleven weeks before `end`, through the store as the app writes them. Some
 * have no first action; some are acted on within a second; some are closed, some reopened; a
 * referral may come after the first action; priorities change after it.
 */
async function seed(count: number, end: Date, random = numbers(7)): Promise<string[]> {
  const refs: string[] = [];
  const at = (ms: number) => {
    now = new Date(ms);
  };
  for (let i = 0; i < count; i++) {
    const created = end.getTime() - Math.floor(random() * 77 * DAY);
    at(created);
    const ref = `TR-${String(i).padStart(4, '0')}`;
    refs.push(ref);
    await store.transaction(async (tx) => {
      await tx.insertTicket({
        ref,
        sessionId: `line:u${i}`,
        channel: 'line',
        userId: `u${i}`,
        language: 'th',
        role: 'victim',
        answers: {},
        indicators: [],
        caseType: ['labour', 'missing_person', 'unclear'][Math.floor(random() * 3)]!,
        priority: PRIORITIES[Math.floor(random() * 3)]!,
        basis: 'consent',
      });
      if (random() < 0.8) await tx.addReferral(ref, AGENCIES[Math.floor(random() * 3)]!);
    });
    const kind = random();
    // A fifth never acted on; some acted on in under a second; the rest minutes to days later.
    if (kind < 0.2) continue;
    at(created + (kind < 0.3 ? Math.floor(random() * 999) : Math.floor(random() * 4 * DAY)));
    const status: TicketStatus = (['triaged', 'in_progress', 'referred', 'closed'] as const)[Math.floor(random() * 4)]!;
    await store.transaction((tx) => tx.updateTicketWork(ref, { status, ...(kind > 0.5 ? { assignee: kind > 0.75 ? 'staff-a' : 'staff-b' } : {}) }));
    at(now.getTime() + HOUR);
    const later = random();
    if (later < 0.15) await store.transaction((tx) => tx.addReferral(ref, AGENCIES[Math.floor(random() * 3)]!));
    else if (later < 0.3) await store.transaction((tx) => tx.updateTicketWork(ref, { status: status === 'closed' ? 'triaged' : 'closed' }));
    else if (later < 0.5) await store.transaction((tx) => tx.updateTicketWork(ref, { assignee: later < 0.45 ? null : 'staff-a' }));
    else if (later < 0.6) await store.transaction((tx) => tx.updateAssessment(ref, { language: 'th', role: 'victim', answers: {}, indicators: [], caseType: 'labour', priority: 'P1', basis: 'consent' }));
  }
  now = end;
  return refs;
}

/** The figures computed ticket by ticket, as the page did before the running totals. */
async function plainStats(agency?: string) {
  const byTicket = computeStats(await store.ticketFacts(statsSince(now), agency), now, PRIORITIES, agency);
  byTicket.openByAgency = computeStats(await store.ticketFacts('', agency), now, PRIORITIES, agency).openByAgency;
  return byTicket;
}

for (const engine of [{ name: 'SQLite', use: onSqlite, skip: false }, { name: 'PostgreSQL', use: onPostgres, skip: !postgresUrl }]) {
  describe.skipIf(engine.skip)(`statistics from running totals on ${engine.name}`, () => {
    engine.use();

    it('gives the figures computed ticket by ticket, for all agencies and for each', async () => {
      await seed(400, now);
      for (const agency of [undefined, ...AGENCIES]) {
        const plain = await plainStats(agency);
        expect(statsFromData(await store.ticketStats(statsSince(now), agency), now, PRIORITIES), agency ?? 'all').toEqual(plain);
        // There was something to get wrong: tickets in most weeks, medians, open tickets.
        expect([...plain.byPriority.values()].flat().filter((n) => n > 0).length).toBeGreaterThan(12);
        expect([...plain.medianFirstAction.values()].every((m) => m.count > 0 && m.ms !== null)).toBe(true);
        expect(plain.openByAgency.size).toBeGreaterThan(0);
      }
    });

    it('counts the first, partial, week of the period from its tickets, whichever part of the week the period starts in', async () => {
      const end = now;
      await seed(300, end, numbers(11));
      // The period starts on a Tuesday (the part of the week before it is subtracted), then on a
      // Saturday (the part after it is added), then just after a Thai midnight starting a week.
      for (const at of [end.getTime(), end.getTime() + 4 * DAY, Date.parse('2026-09-20T17:00:01Z') + 57 * DAY]) {
        now = new Date(at);
        for (const agency of [undefined, 'police']) {
          expect(statsFromData(await store.ticketStats(statsSince(now), agency), now, PRIORITIES), `${now.toISOString()} ${agency}`).toEqual(await plainStats(agency));
        }
      }
    });

    it('takes the mean of the two middle waits for an even count, and the middle one for an odd count', async () => {
      // Two tickets of P1, three of P2, one of P3 with no action at all, all created in the period.
      const end = now.getTime();
      const waits: [string, number][] = [
        ['P1', 5 * 60_000],
        ['P1', 2 * HOUR + 1],
        ['P2', 400],
        ['P2', 3 * DAY],
        ['P2', 90_000],
        ['P3', -1],
      ];
      for (const [i, [priority, wait]] of waits.entries()) {
        const created = end - (i + 2) * DAY;
        now = new Date(created);
        await store.transaction(async (tx) => {
          await tx.insertTicket({ ref: `TR-E${i}`, sessionId: `s${i}`, channel: 'sim', userId: `u${i}`, language: 'en', role: 'victim', answers: {}, indicators: [], caseType: 'unclear', priority, basis: 'consent' });
          await tx.addReferral(`TR-E${i}`, 'ngo');
        });
        now = new Date(created + wait);
        if (wait >= 0) await store.transaction((tx) => tx.updateTicketWork(`TR-E${i}`, { status: 'triaged' }));
      }
      now = new Date(end);
      const data = await store.ticketStats(statsSince(now), 'ngo');
      expect(data.medianFirstAction.get('P1')).toEqual({ ms: (5 * 60_000 + 2 * HOUR + 1) / 2, count: 2 });
      expect(data.medianFirstAction.get('P2')).toEqual({ ms: 90_000, count: 3 });
      expect(data.medianFirstAction.has('P3')).toBe(false);
      expect(statsFromData(data, now, PRIORITIES).medianFirstAction.get('P3')).toEqual({ ms: null, count: 0 });
      expect(statsFromData(data, now, PRIORITIES)).toEqual(await plainStats('ngo'));
      expect(median([3, 1, 4, 2])).toBe(2.5);
    });

    it('counts open tickets of any age, and follows a ticket closed and reopened', async () => {
      const today = now;
      const refs = await seed(60, new Date(now.getTime() - 200 * DAY));
      now = today;
      expect(statsFromData(await store.ticketStats(statsSince(now)), now, PRIORITIES)).toEqual(await plainStats());
      for (const ref of refs.slice(0, 20)) await store.transaction((tx) => tx.updateTicketWork(ref, { status: 'closed' }));
      for (const ref of refs.slice(0, 5)) await store.transaction((tx) => tx.updateTicketWork(ref, { status: 'in_progress' }));
      const data = await store.ticketStats(statsSince(now));
      const plain = await plainStats();
      expect(statsFromData(data, now, PRIORITIES)).toEqual(plain);
      // All these tickets are older than the period: only the open counts are left.
      expect([...plain.byPriority.values()].flat().every((n) => n === 0)).toBe(true);
      expect([...plain.openByAgency.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });
  });
}

describe('the running totals on SQLite', () => {
  onSqlite();

  it('keeps running totals that a count over the tickets and referrals gives again', async () => {
    await seed(300, now);
    const db = new Database(file, { readonly: true });
    const rows = (sql: string) => db.prepare(sql).all();
    expect(rows(`SELECT agency, week, case_type, priority, n FROM ticket_weeks WHERE n <> 0 ORDER BY 1, 2, 3, 4`)).toEqual(
      rows(`SELECT '' AS agency, stats_week AS week, case_type, priority, COUNT(*) AS n FROM tickets GROUP BY 2, 3, 4
            UNION ALL SELECT agency, ticket_week, ticket_case_type, ticket_priority, COUNT(*) FROM referrals GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    );
    expect(rows(`SELECT agency, week, priority, bucket, n FROM ticket_wait_weeks WHERE n <> 0 ORDER BY 1, 2, 3, 4`)).toEqual(
      rows(`SELECT '' AS agency, stats_week AS week, priority, first_wait_bucket AS bucket, COUNT(*) AS n FROM tickets WHERE first_action_at IS NOT NULL GROUP BY 2, 3, 4
            UNION ALL SELECT agency, ticket_week, ticket_priority, ticket_wait_bucket, COUNT(*) FROM referrals WHERE ticket_first_action_at IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    );
    expect(rows(`SELECT assignee, status, n FROM assignee_counts WHERE n <> 0 ORDER BY 1, 2`)).toEqual(
      rows(`SELECT assignee, status, COUNT(*) AS n FROM tickets WHERE assignee IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`),
    );
    expect(await store.countByStatus({ assignee: 'staff-a' })).toEqual(await store.countByStatus({ assignee: 'staff-a', channel: 'line' }));
    expect(Object.values(await store.countByStatus({ assignee: 'staff-b' })).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(rows(`SELECT agency, ticket_status, n FROM referral_counts WHERE n <> 0 ORDER BY 1, 2`)).toEqual(
      rows(`SELECT r.agency, t.status AS ticket_status, COUNT(*) AS n FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref GROUP BY 1, 2 ORDER BY 1, 2`),
    );
    db.close();
  });

  it('computes the same totals again from the rows, and repairs totals changed by hand', async () => {
    await seed(200, now);
    const db = new Database(file);
    const TOTALS = ['ticket_counts', 'ticket_weeks', 'ticket_wait_weeks', 'referral_counts', 'assignee_counts'];
    const copies = 'SELECT ticket_ref, agency, ticket_status, ticket_priority, ticket_created_at, ticket_case_type, ticket_first_action_at FROM referrals ORDER BY 1, 2';
    const snapshot = () => [...TOTALS.map((t) => db.prepare(`SELECT * FROM ${t} WHERE n <> 0 ORDER BY 1, 2, 3`).all()), db.prepare(copies).all()];
    const kept = snapshot();
    rebuildRunningTotals(db);
    expect(snapshot()).toEqual(kept);
    db.prepare(`UPDATE ticket_weeks SET n = n + 5 WHERE week = (SELECT MAX(week) FROM ticket_weeks)`).run();
    db.prepare(`UPDATE referral_counts SET n = 0`).run();
    db.prepare(`UPDATE referrals SET ticket_status = 'closed', ticket_first_action_at = NULL`).run();
    expect(snapshot()).not.toEqual(kept);
    rebuildRunningTotals(db);
    expect(snapshot()).toEqual(kept);
    db.close();
  });

  it('groups by the Monday of the week in Thai time, as the page does, in SQL as in JavaScript', () => {
    const db = new Database(':memory:');
    const sqlWeek = db.prepare(`SELECT date(?, '+7 hours', 'weekday 0', '-6 days') AS w`);
    // Every 97 minutes over a month, across Thai midnights (17:00 UTC) and Sundays.
    for (let t = Date.parse('2026-12-20T00:00:00Z'); t < Date.parse('2027-01-20T00:00:00Z'); t += 97 * 60_000 + 13) {
      const iso = new Date(t).toISOString();
      expect(thaiWeek(t), iso).toBe(weekStart(new Date(t)));
      expect((sqlWeek.get(iso) as { w: string }).w, iso).toBe(weekStart(new Date(t)));
    }
    db.close();
    // The period's first week ends at the next Monday, midnight in Thai time.
    expect(periodWeeks('2026-09-23T05:00:00.000Z')).toEqual({ firstWeek: '2026-09-21', firstWeekStart: '2026-09-20T17:00:00.000Z', firstWeekEnd: '2026-09-27T17:00:00.000Z' });
  });
});
