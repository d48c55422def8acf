/**
 * The scale bench's monitoring catch-up rows (decision 0034): every ticket of the seeded database
 * marked as changed with no facts, as migration 021 leaves a database after the upgrade; then
 * Tangrod started on it and timed: the first monitoring page view (and how many tickets it said
 * were not counted yet), LINE webhook acks (one every 20 ms) and a few page views while the
 * background catch-up runs, the time until no ticket is marked with no page viewed, and the page
 * once caught up. Run by bench/scale.ts after each size's page rows.
 */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3-multiple-ciphers';
import { StaffClient } from '../test/helpers/staff.ts';
import { lineTextWebhook } from './load/line-webhooks.ts';
import { pct } from './load/round.ts';
import { LINE_SECRET, type Target } from './load/targets.ts';

const FACTS = ['monitoring_scopes', 'monitoring_times', 'monitoring_overdue', 'monitoring_count_days', 'monitoring_time_days', 'monitoring_overdue_days'];

/** Drops every ticket's facts and totals and marks every ticket (with the facts' triggers set aside: a bulk change). */
function markEveryTicket(file: string): number {
  const db = new Database(file);
  try {
    db.transaction(() => {
      const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('monitoring_scopes', 'monitoring_times', 'monitoring_overdue')`).all() as { name: string; sql: string }[];
      for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
      for (const table of FACTS) db.exec(`DELETE FROM ${table}`);
      db.exec('INSERT INTO monitoring_dirty (ticket_ref) SELECT ref FROM tickets WHERE true ON CONFLICT DO NOTHING');
      for (const { sql } of triggers) db.exec(sql);
    })();
    return (db.prepare('SELECT COUNT(*) AS n FROM monitoring_dirty').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The rows of the catch-up at `size` tickets; `start` starts Tangrod on the database `file`. */
export async function monitoringCatchUpRows(file: string, size: number, start: () => Promise<Target>, log: (line: string) => void): Promise<string[]> {
  const label = size.toLocaleString('en');
  const marked = markEveryTicket(file);
  const reader = new Database(file, { readonly: true });
  const left = () => (reader.prepare('SELECT COUNT(*) AS n FROM monitoring_dirty').get() as { n: number }).n;
  const anyLeft = () => (reader.prepare('SELECT EXISTS (SELECT 1 FROM monitoring_dirty) AS n').get() as { n: number }).n === 1;
  const lines: string[] = [];
  /** A row, logged as soon as it is measured (the catch-up takes minutes at 1M). */
  const add = (line: string) => {
    lines.push(line);
    log(line);
  };
  const target = await start();
  const started = performance.now();
  try {
    const staff = new StaffClient(target.url);
    await staff.login('bench-admin');
    const view = async () => {
      const t0 = performance.now();
      const page = await staff.get('/staff/monitoring');
      return { ms: performance.now() - t0, pending: Number(/data-pending="(\d+)"/.exec(page.text)?.[1] ?? 0), status: page.status };
    };
    const first = await view();
    add(`| ${label} | monitoring page, first view with every ticket marked | ${first.pending.toLocaleString('en')} of ${marked.toLocaleString('en')} said not counted yet | ${first.ms.toFixed(0)} | ${first.ms.toFixed(0)}${first.status === 200 ? '' : ` (HTTP ${first.status})`} | < 500 |`);

    let n = 0;
    const ack = async () => {
      n += 1;
      const webhook = lineTextWebhook(800, n, 'hello', LINE_SECRET, `CATCHUP${size}X${n}`);
      const t0 = performance.now();
      await (await fetch(`${target.url}/webhooks/line`, { method: 'POST', ...webhook })).arrayBuffer();
      return performance.now() - t0;
    };
    const acksFor = async (ms: number, until: () => boolean = () => false) => {
      const acks: number[] = [];
      for (const end = performance.now() + ms; performance.now() < end && !until(); ) {
        acks.push(await ack());
        await new Promise((r) => setTimeout(r, 20));
      }
      return acks;
    };
    const row = (what: string, list: number[], note: string, goal: string) =>
      add(`| ${label} | ${what} | ${note} | ${pct(list, 50).toFixed(0)} | ${pct(list, 95).toFixed(0)} (max ${Math.max(...list).toFixed(0)}) | ${goal} |`);

    // Acks for ten seconds while the catch-up runs (it backs off while they come).
    const before = left();
    const t0 = performance.now();
    const during = await acksFor(10_000, () => !anyLeft());
    const computedDuring = before - left();
    row('LINE webhook ack during the catch-up', during, `${during.length} events; ${computedDuring.toLocaleString('en')} tickets computed meanwhile (${Math.round(computedDuring / ((performance.now() - t0) / 1000)).toLocaleString('en')}/s)`, '< 50');
    const views: number[] = [];
    let pending = 0;
    for (let i = 0; i < 5 && anyLeft(); i++) {
      const v = await view();
      views.push(v.ms);
      pending = v.pending;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (views.length) row('monitoring page during the catch-up', views, `${views.length} views; ${pending.toLocaleString('en')} still not counted at the last`, '< 500');
    // Then no load and no view: until nothing is marked.
    const quietFrom = left();
    const q0 = performance.now();
    for (let last = performance.now(); anyLeft(); ) {
      await new Promise((r) => setTimeout(r, 250));
      if (performance.now() - last < 60_000) continue;
      last = performance.now();
      log(`  monitoring catch-up: ${left().toLocaleString('en')} tickets still marked after ${((last - started) / 1000).toFixed(0)} s`);
    }
    const quietS = (performance.now() - q0) / 1000;
    const totalS = (performance.now() - started) / 1000;
    add(`| ${label} | monitoring catch-up, every ticket marked | ${marked.toLocaleString('en')} tickets in ${totalS.toFixed(1)} s from start (quiet: ${quietFrom > 0 && quietS > 0 ? Math.round(quietFrom / quietS).toLocaleString('en') : '-'}/s) | | ${(totalS * 1000).toFixed(0)} | in the background |`);
    const caughtUp: number[] = [];
    let exact = true;
    for (let i = 0; i < 10; i++) {
      const v = await view();
      caughtUp.push(v.ms);
      exact &&= v.pending === 0;
    }
    row('monitoring page once caught up', caughtUp, exact ? 'no line: exact' : 'still said not counted', '< 100');
    const quiet = await acksFor(3000);
    row('LINE webhook ack once caught up', quiet, `${quiet.length} events`, '< 50');
    return lines;
  } finally {
    reader.close();
    await target.stop();
  }
}
