/**
 * The monitoring figures brought up to date in the background (decision 0034), over real HTTP:
 * thousands of tickets written at once (as after an upgrade, or a long busy spell: every one of
 * them marked as changed); a page view right then answers with the figures it has and says how
 * many tickets it has not counted yet (in English and in Thai), with counted and not yet counted
 * adding up to every ticket; the background catch-up then empties the marks with no page viewed,
 * and the figures are exact (the CSV equal to the median and 90th percentile of the times written);
 * a few changed tickets are counted by the page view itself, exact at once.
 * A catch-up stopped half-way stops at once and leaves no timer behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median, percentile } from '../src/monitoring/figures.ts';
import { monitoringCatchUp } from '../src/monitoring/monitoring-catch-up.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';

const TICKETS = 8000;
const MIN = 60_000;
/** The minutes from each ticket's creation to its first staff action. */
const firstActionMinutes = (i: number) => (i % 97) + 1;

/**
 * Writes `n` tickets straight into the database, each created a few hours ago and claimed by staff
 * some minutes later (the audit rows the figures read); the triggers mark every one of them.
 */
function writeTickets(db: Database.Database, n: number, now = Date.now()): void {
  const ticket = db.prepare(
    `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, status, created_at, updated_at, first_action_at)
     VALUES (?, ?, 'sim', ?, 'en', 'victim', '{}', '[]', 'labour', 'P2', 'consent', 'triaged', ?, ?, ?)`,
  );
  const audit = db.prepare('INSERT INTO audit (ticket_ref, actor, action, detail, at) VALUES (?, ?, ?, NULL, ?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const ref = `TR-BULK-${String(i).padStart(5, '0')}`;
      const created = new Date(now - 3 * 3_600_000 - i * 1000).toISOString();
      const claimed = new Date(Date.parse(created) + firstActionMinutes(i) * MIN).toISOString();
      ticket.run(ref, `sim:bulk${i}`, `bulk${i}`, created, claimed, claimed);
      audit.run(ref, 'bot', 'ticket.created', created);
      audit.run(ref, 'staff:1', 'ticket.claimed', claimed);
    }
  })();
}

const dbOf = (store: Store) => (store as unknown as { db: Database.Database }).db;
const marked = (store: Store) => (dbOf(store).prepare('SELECT COUNT(*) AS n FROM monitoring_dirty').get() as { n: number }).n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A CSV body as rows (the export's cells hold no commas or quotes). */
const rowsOf = (body: string) => body.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
const minutes = (ms: number) => Math.round((ms / MIN) * 10) / 10;

describe('monitoring figures brought up to date in the background', () => {
  let server: TestServer;
  let admin: StaffClient;
  beforeAll(async () => {
    server = await startServer();
    await addStaff(server, 'root', 'admin');
    admin = new StaffClient(server.url);
    await admin.login('root');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers at once while thousands of tickets are not counted yet, says so, then catches up with no page viewed', async () => {
    writeTickets(dbOf(server.services.store), TICKETS);
    expect(marked(server.services.store)).toBe(TICKETS);

    // A page view right after: the figures it has, and how many tickets it did not count.
    const page = await admin.get('/staff/monitoring');
    expect(page.status).toBe(200);
    const pending = Number(/data-pending="(\d+)"/.exec(page.text)?.[1]);
    expect(pending).toBeGreaterThan(0);
    expect(page.text).toContain(`These figures are being brought up to date: ${pending} tickets are not counted yet`);
    const counted = Number(/class="summary">[^<]*?(\d+) tickets/.exec(page.text)?.[1] ?? Number.NaN);
    const csv = rowsOf(await admin.get('/staff/monitoring.csv').then((r) => r.text));
    const all = Number(csv.find((r) => r[3] === 'tickets' && r[4] === 'all')?.[5]);
    const notYet = Number(csv.find((r) => r[3] === 'tickets' && r[4] === 'not_yet_counted')?.[5]);
    // Every ticket is either counted or said not to be (read at one moment).
    expect(all + notYet).toBe(TICKETS);
    expect(Number.isNaN(counted) || counted <= TICKETS).toBe(true);
    // The printable report says it too, in Thai.
    const th = await admin.get('/staff/monitoring/report?lang=th');
    expect(th.text).toMatch(/ตัวเลขเหล่านี้กำลังปรับให้เป็นปัจจุบัน ยังมี \d+ เรื่องที่ยังไม่ได้นับ/);

    // No page is viewed now: the background computes every marked ticket.
    for (let waited = 0; marked(server.services.store) > 0; waited += 100) {
      if (waited > 120_000) throw new Error(`still ${marked(server.services.store)} tickets marked after two minutes`);
      await sleep(100);
    }

    // Exact once caught up: no line, every ticket counted, the times as written.
    const after = await admin.get('/staff/monitoring');
    expect(after.text).not.toContain('data-pending');
    expect(after.text).not.toContain('being brought up to date');
    const rows = rowsOf(await admin.get('/staff/monitoring.csv').then((r) => r.text));
    expect(rows.find((r) => r[3] === 'tickets' && r[4] === 'not_yet_counted')).toBeUndefined();
    expect(Number(rows.find((r) => r[3] === 'tickets' && r[4] === 'all')?.[5])).toBe(TICKETS);
    const times = Array.from({ length: TICKETS }, (_, i) => firstActionMinutes(i) * MIN);
    const first = rows.find((r) => r[3] === 'time' && r[4] === 'first_action');
    expect(first?.slice(5).map(Number)).toEqual([TICKETS, minutes(median(times)!), minutes(percentile(times, 90)!)]);
  }, 180_000);

  it('counts a few changed tickets on the view itself: exact at once, no line', async () => {
    const db = dbOf(server.services.store);
    // Fifty more tickets, as a busy hour leaves them, viewed before the background looks.
    db.transaction(() => {
      for (let i = 0; i < 50; i++) {
        const ref = `TR-MORE-${String(i).padStart(4, '0')}`;
        const at = new Date(Date.now() - 3_600_000).toISOString();
        db.prepare(
          `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, status, created_at, updated_at)
           VALUES (?, ?, 'sim', ?, 'en', 'victim', '{}', '[]', 'labour', 'P1', 'consent', 'new', ?, ?)`,
        ).run(ref, `sim:more${i}`, `more${i}`, at, at);
      }
    })();
    expect(marked(server.services.store)).toBe(50);
    const page = await admin.get('/staff/monitoring');
    expect(page.text).not.toContain('data-pending');
    const rows = rowsOf(await admin.get('/staff/monitoring.csv').then((r) => r.text));
    expect(Number(rows.find((r) => r[3] === 'tickets' && r[4] === 'all')?.[5])).toBe(TICKETS + 50);
    expect(Number(rows.find((r) => r[3] === 'priority' && r[4] === 'P1')?.[5])).toBe(50);
  });
});

describe('the catch-up stopped half-way', () => {
  let dir: string;
  let store: Store;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tangrod-catch-up-'));
    store = openSqliteStore(path.join(dir, 'db.sqlite'));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes in the background, stops at once when asked, and leaves no timer behind', async () => {
    writeTickets(dbOf(store), 5000);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const catchUp = monitoringCatchUp(store, { startDelayMs: 0 });
    catchUp.start();
    while (marked(store) === 5000) await sleep(5);
    await catchUp.stop();
    // Stopped with work left: shutdown does not wait for the whole catch-up.
    const left = marked(store);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(5000);
    expect(timers()).toBeLessThanOrEqual(before);
    await sleep(300);
    expect(marked(store)).toBe(left);
  });

  it('does nothing on a store that keeps no marks (PostgreSQL aggregates in SQL): not even a timer', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const catchUp = monitoringCatchUp({});
    catchUp.start();
    expect(timers()).toBe(before);
    await catchUp.stop();
  });
});
