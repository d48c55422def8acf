/**
 * Behaviours of the store contract (test/store-contract.test.ts) for the staff pages at scale
 * (issue 12): keyset pages of the queue, and the statistics aggregated by the store, on SQLite
 * (running totals) and PostgreSQL (SQL aggregates) alike.
 */
import { expect } from 'vitest';
import { computeStats, statsFromData, statsSince } from '../src/dashboard/stats.ts';
import type { NewTicket, Store, TicketStatus } from '../src/store/store.ts';
import { ticketCursor } from '../src/store/ticket-cursor.ts';

type Behaviour = [name: string, run: (store: Store) => Promise<void>];

const PRIORITIES = ['p1', 'p2', 'p3'];

const ticket = (ref: string, i: number): NewTicket => ({
  ref,
  sessionId: `line:${ref}`,
  channel: ['line', 'telegram'][i % 2]!,
  userId: `U-${ref}`,
  language: ['th', 'my', 'km'][i % 3]!,
  role: 'victim',
  answers: {},
  indicators: [],
  caseType: ['trafficking', 'missing_person'][i % 2]!,
  priority: PRIORITIES[(i * 7) % 3]!,
  basis: 'consent',
});

/** The behaviours; `later` moves the stores' clock on, `clock` reads it. */
export function scaleBehaviours(later: (ms: number) => Date, clock: () => Date): Behaviour[] {
  return [
    [
      'pages through the queue by cursor: the pages add up to the whole list, in the queue order',
      async (store) => {
        for (let i = 0; i < 23; i++) {
          // Every third ticket in the same millisecond as the one before: the reference orders them.
          if (i % 3) later(1);
          await store.transaction(async (tx) => {
            await tx.insertTicket(ticket(`TR-P${String(i).padStart(2, '0')}`, i));
            await tx.addReferral(`TR-P${String(i).padStart(2, '0')}`, i % 2 ? 'police' : 'ngo');
          });
          if (i % 4 === 0) await store.transaction((tx) => tx.updateTicketWork(`TR-P${String(i).padStart(2, '0')}`, { status: 'closed' }));
        }
        for (const f of [{}, { status: 'open' as const }, { agency: 'police' }, { priority: 'p2' }, { language: 'my', status: 'open' as const }]) {
          const whole = await store.listTickets({ ...f, limit: 1000 });
          const sorted = [...whole].sort((a, b) => (a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.ref < b.ref ? -1 : 1));
          expect(whole.map((t) => t.ref), JSON.stringify(f)).toEqual(sorted.map((t) => t.ref));
          const paged: string[] = [];
          let page = await store.listTickets({ ...f, limit: 4 });
          while (page.length) {
            paged.push(...page.map((t) => t.ref));
            page = await store.listTickets({ ...f, limit: 4, after: ticketCursor(page.at(-1)!) });
          }
          expect(paged, JSON.stringify(f)).toEqual(whole.map((t) => t.ref));
          expect(whole.length).toBeGreaterThan(2);
        }
      },
    ],
    [
      'aggregates the statistics as they are computed ticket by ticket (medians of even and odd counts, tickets never acted on, open and closed)',
      async (store) => {
        const start = clock().getTime();
        for (let i = 0; i < 40; i++) {
          const ref = `TR-S${String(i).padStart(2, '0')}`;
          later(((i * 37) % 29) * 3_600_000 + 1);
          await store.transaction(async (tx) => {
            await tx.insertTicket(ticket(ref, i));
            await tx.addReferral(ref, ['police', 'ngo', 'dsdw'][Math.floor(i / 2) % 3]!);
          });
          if (i % 5 === 0) continue;
          later(((i * 13) % 11) * 600_000 + (i % 3) * 250);
          const status: TicketStatus = (['triaged', 'closed', 'in_progress', 'referred'] as const)[i % 4]!;
          await store.transaction((tx) => tx.updateTicketWork(ref, { status }));
          if (i % 7 === 1) await store.transaction((tx) => tx.addReferral(ref, 'police'));
        }
        const now = new Date(start + 50 * 86_400_000);
        later(now.getTime() - clock().getTime());
        for (const agency of [undefined, 'police', 'ngo']) {
          const byTicket = computeStats(await store.ticketFacts(statsSince(now), agency), now, PRIORITIES, agency);
          byTicket.openByAgency = computeStats(await store.ticketFacts('', agency), now, PRIORITIES, agency).openByAgency;
          expect(statsFromData(await store.ticketStats(statsSince(now), agency), now, PRIORITIES), agency ?? 'all').toEqual(byTicket);
          expect([...byTicket.byPriority.values()].flat().some((n) => n > 0)).toBe(true);
          // An even count (the mean of the middle two) and an odd one among the medians.
          if (!agency) expect(new Set([...byTicket.medianFirstAction.values()].map((m) => m.count % 2))).toEqual(new Set([0, 1]));
        }
      },
    ],
  ];
}
