/**
 * On PostgreSQL the care items of the tickets asked for together (the API list asks for each of
 * its tickets' at once) are read in one query: each ticket still gets its own items, in the order
 * one ticket's are read, and a ticket without any gets none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres-store.ts';
import type { CareItemInput } from '../src/store/types/care.ts';
import { freshDatabase, postgresUrl } from './helpers/postgres.ts';

describe.skipIf(!postgresUrl)('care items on PostgreSQL, asked for together', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: PostgresStore;
  beforeAll(async () => {
    db = await freshDatabase();
    store = openPostgresStore(db.url);
    await store.ready;
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('gives each ticket its own items, as asking one at a time does', async () => {
    const refs = ['TR-A', 'TR-B', 'TR-C', 'TR-D'];
    const item = (ticketRef: string, plan: 'service' | 'return', id: string, seq: number): CareItemInput => ({
      ticketRef, plan, id, template: plan === 'return' ? 'land' : null, seq, agency: 'ngo', status: 'requested', reason: null, note: null, dueAt: null, plannedAt: null, doneAt: null, alertedAt: null,
    });
    await store.transaction(async (tx) => {
      for (const [i, ref] of refs.entries()) {
        await tx.insertTicket({ ref, sessionId: `line:${ref}`, channel: 'line', userId: ref, language: 'th', role: 'victim', answers: {}, indicators: [], caseType: 'labour', priority: 'P2', basis: 'consent' });
        if (ref === 'TR-D') continue;
        await tx.saveCareItem(item(ref, 'service', 'shelter', 0));
        if (i !== 1) for (const seq of [2, 1]) await tx.saveCareItem(item(ref, 'return', `step${seq}`, seq));
      }
    });
    const one = [];
    for (const ref of refs) one.push(await store.careItems(ref));
    const asked = [...refs, 'TR-A', 'TR-NONE'];
    const together = await Promise.all(asked.map((ref) => store.careItems(ref)));
    expect(together).toEqual([...one, one[0], []]);
    expect(together.map((list) => list.map((i) => `${i.ticketRef}/${i.plan}/${i.id}`))).toEqual([
      ['TR-A/service/shelter', 'TR-A/return/step1', 'TR-A/return/step2'],
      ['TR-B/service/shelter'],
      ['TR-C/service/shelter', 'TR-C/return/step1', 'TR-C/return/step2'],
      [],
      ['TR-A/service/shelter', 'TR-A/return/step1', 'TR-A/return/step2'],
      [],
    ]);
  });
});
