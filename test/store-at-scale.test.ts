/**
 * The store's fast paths (issue 12) give what the plain queries gave: group commit keeps each
 * transaction its own, keyset pages add up to the whole list, the running totals count what a
 * count would, and the aggregated statistics equal those computed ticket by ticket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeStats, statsFromData, statsSince, weekStart } from '../src/dashboard/stats.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { Store, TicketFilter, TicketStatus } from '../src/store/store.ts';
import { ticketCursor } from '../src/store/ticket-cursor.ts';

const PRIORITIES = ['P1', 'P2', 'P3'];
const STATUSES: TicketStatus[] = ['new', 'triaged', 'in_progress', 'referred', 'closed'];
const DAY = 86_400_000;

let dir: string;
let store: Store;
let now = new Date('2026-11-20T05:00:00Z');

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-scale-test-'));
  now = new Date('2026-11-20T05:00:00Z');
  store = openSqliteStore(path.join(dir, 'db.sqlite'), () => now);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** 120 tickets over ten weeks, with statuses, assignees and referrals changed after creation. */
async function seed(): Promise<void> {
  const start = now.getTime() - 70 * DAY;
  for (let i = 0; i < 120; i++) {
    now = new Date(start + i * 13 * 3_600_000 + (i % 3 === 0 ? 0 : 1));
    const ref = `TR-${String(i).padStart(4, '0')}`;
    await store.transaction(async (tx) => {
      await tx.insertTicket({
        ref,
        sessionId: `line:u${i}`,
        channel: ['line', 'telegram', 'sim'][i % 3]!,
        userId: `u${i}`,
        language: i % 5 === 0 ? null : ['th', 'my', 'km'][i % 3]!,
        role: 'victim',
        answers: {},
        indicators: [],
        caseType: i % 4 === 0 ? 'missing_person' : 'labour',
        priority: PRIORITIES[i % 3]!,
        basis: 'consent',
      });
      await tx.addReferral(ref, ['police', 'dsdw', 'ngo'][i % 3]!);
      if (i % 2 === 0) await tx.addReferral(ref, 'police');
    });
    now = new Date(now.getTime() + ((i % 7) + 1) * 3_600_000);
    if (i % 6 !== 0) await store.transaction((tx) => tx.updateTicketWork(ref, { status: STATUSES[i % 5]!, ...(i % 4 === 1 ? { assignee: 'staff-1' } : {}) }));
    if (i % 10 === 3) await store.transaction((tx) => tx.updateAssessment(ref, { language: 'vi', role: 'victim', answers: {}, indicators: [], caseType: 'labour', priority: 'P1', basis: 'consent' }));
  }
  now = new Date(start + 71 * DAY);
}

/** The counts as a plain COUNT over every ticket gives them. */
function plainCounts(file: string, f: TicketFilter): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const where: string[] = ['1 = 1'];
  const args: unknown[] = [];
  if (f.priority) (where.push('t.priority = ?'), args.push(f.priority));
  if (f.language) (where.push('t.language = ?'), args.push(f.language));
  if (f.channel) (where.push('t.channel = ?'), args.push(f.channel));
  if (f.assignee) (where.push('t.assignee = ?'), args.push(f.assignee));
  if (f.agency) (where.push('EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ?)'), args.push(f.agency));
  const counts: Record<string, number> = { new: 0, triaged: 0, in_progress: 0, referred: 0, closed: 0 };
  for (const r of db.prepare(`SELECT status, COUNT(*) AS n FROM tickets t WHERE ${where.join(' AND ')} GROUP BY status`).all(...args) as { status: string; n: number }[]) counts[r.status] = r.n;
  db.close();
  return counts;
}

/** The refs of a filter in the queue's order, as a plain query over the tickets gives them. */
function plainList(file: string, f: TicketFilter): string[] {
  const db = new Database(file, { readonly: true });
  const where: string[] = ['1 = 1'];
  const args: unknown[] = [];
  if (f.status === 'open') where.push(`status <> 'closed'`);
  if (f.priority) (where.push('priority = ?'), args.push(f.priority));
  if (f.agency) (where.push('EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ?)'), args.push(f.agency));
  const refs = (db.prepare(`SELECT ref FROM tickets t WHERE ${where.join(' AND ')} ORDER BY priority, created_at, ref`).all(...args) as { ref: string }[]).map((r) => r.ref);
  db.close();
  return refs;
}

const FILTERS: TicketFilter[] = [{}, { priority: 'P1' }, { language: 'my' }, { channel: 'telegram' }, { assignee: 'staff-1' }, { agency: 'police' }, { agency: 'ngo', priority: 'P2' }];

describe('store at scale', () => {
  it('commits transactions queued together as a group, each its own: one that fails leaves the others', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.claimEvent('line', `e${i}`);
          if (i === 7) throw new Error('this one fails');
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: { message: 'this one fails' } });
    // The failed one's event is not claimed (rolled back alone); the others are.
    const claimed = await Promise.all(Array.from({ length: 20 }, (_, i) => store.transaction((tx) => tx.claimEvent('line', `e${i}`))));
    expect(claimed.map((fresh, i) => (fresh ? i : -1)).filter((i) => i >= 0)).toEqual([7]);
  });

  it('serves a chat with a danger-path answer ahead of the chats that wrote before it', async () => {
    await store.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.enqueue({ channel: 'line', recipient: `U${i}`, kind: 'reply', payload: { text: 'hello' } });
      await tx.enqueue({ channel: 'line', recipient: 'Udanger', kind: 'reply', payload: { text: 'Call for help now' }, urgent: true });
      await tx.enqueue({ channel: 'line', recipient: 'U9', kind: 'reply', payload: { text: 'hello' } });
    });
    expect(await store.dueRecipients('line', now, 10, [])).toEqual(['Udanger', 'U0', 'U1', 'U2', 'U3', 'U4', 'U9']);
    expect((await store.dueOutboxOf('line', 'Udanger', now, 10))[0]).toMatchObject({ urgent: true });
  });

  it('pages through the queue by cursor: the pages add up to the whole list, in order', async () => {
    await seed();
    for (const f of [{ status: 'open' as const }, {}, { agency: 'police' }, { agency: 'ngo', status: 'open' as const }, { priority: 'P3' }]) {
      const whole = await store.listTickets({ ...f, limit: 1000 });
      const paged: string[] = [];
      let page = await store.listTickets({ ...f, limit: 7 });
      while (page.length) {
        paged.push(...page.map((t) => t.ref));
        page = await store.listTickets({ ...f, limit: 7, after: ticketCursor(page.at(-1)!) });
      }
      expect(paged).toEqual(whole.map((t) => t.ref));
      expect(new Set(paged).size).toBe(paged.length);
      // The same tickets in the same order as a plain query over the tickets gives them.
      expect(paged, JSON.stringify(f)).toEqual(plainList(path.join(dir, 'db.sqlite'), f));
    }
  });

  it('counts tickets by status from running totals as a count over every ticket would', async () => {
    await seed();
    const file = path.join(dir, 'db.sqlite');
    for (const f of FILTERS) expect(await store.countByStatus(f), JSON.stringify(f)).toEqual(plainCounts(file, f));
  });

  it('aggregates the statistics in the database as they were computed ticket by ticket', async () => {
    await seed();
    const since = statsSince(now);
    for (const agency of [undefined, 'police', 'ngo']) {
      const byTicket = computeStats(await store.ticketFacts(since, agency), now, PRIORITIES, agency);
      byTicket.openByAgency = computeStats(await store.ticketFacts('', agency), now, PRIORITIES, agency).openByAgency;
      const aggregated = statsFromData(await store.ticketStats(since, agency), now, PRIORITIES);
      expect(aggregated, agency ?? 'all').toEqual(byTicket);
      // Not empty: there was something to get wrong.
      expect(byTicket.openByAgency.size).toBeGreaterThan(0);
      expect([...byTicket.byPriority.values()].flat().some((n) => n > 0)).toBe(true);
      expect([...byTicket.medianFirstAction.values()].some((m) => m.count > 0)).toBe(true);
    }
  });

  it('finds the Monday (Thai time) of a week as the time-zone conversion did', () => {
    const old = (instant: Date) => {
      const local = new Date(instant.toLocaleString('en-US', { timeZone: 'Asia/Bangkok' }));
      local.setDate(local.getDate() - ((local.getDay() + 6) % 7));
      return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
    };
    for (let t = Date.parse('2026-12-20T00:00:00Z'); t < Date.parse('2027-01-12T00:00:00Z'); t += 3_600_000 * 5 + 17) expect(weekStart(new Date(t))).toBe(old(new Date(t)));
  });
});
