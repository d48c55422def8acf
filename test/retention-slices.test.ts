/**
 * The retention purge in slices (decision 0044). On SQLite a transaction holds the bot's thread,
 * so a purge is many small transactions: each slice removes a conversation or a few rows, the
 * slices together remove what one purge would, and the run writes one audit row of it all. A run
 * the server stops ends after the slice in hand. (The store contract checks the same totals on
 * PostgreSQL, which may take it in one.)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Retention } from '../src/privacy/retention.ts';
import { FileStore } from '../src/store/file-store.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import type { RetentionKind, Store } from '../src/store/store.ts';

const DAY = 86_400_000;
let now = new Date('2026-03-01T08:00:00.000Z');
const clock = () => now;

const PERIODS: Record<RetentionKind, number> = {
  unticketed_conversations: 5,
  closed_transcripts: 5,
  closed_attachments: 5,
  outbox_content: 5,
  inbound_events: 5,
  staff_sessions: 5,
  audit: 0,
};

let dir: string;
let store: Store;
let files: FileStore;

beforeEach(() => {
  now = new Date('2026-03-01T08:00:00.000Z');
  dir = mkdtempSync(path.join(tmpdir(), 'tangrod-slices-'));
  store = openSqliteStore(path.join(dir, 'tangrod.db'), clock);
  files = new FileStore(path.join(dir, 'files'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Twelve conversations that never became a ticket, two closed tickets with a stored photo each, ten sent replies, ten events; then ten days. */
async function seed(): Promise<string[]> {
  const photos = [(await files.save(new Uint8Array([1, 2, 3]), 'image/png', null)).path, (await files.save(new Uint8Array([4, 5, 6]), 'image/png', null)).path];
  await store.transaction(async (tx) => {
    for (let n = 0; n < 12; n++) for (const text of ['hello', 'en']) await tx.addTranscript(`line:U-${n}`, 'in', { text }, undefined, { conversationId: `c-${n}` });
    for (const [i, ref] of ['TR-P1', 'TR-P2'].entries()) {
      await tx.insertTicket({
        ref,
        sessionId: `line:${ref}`,
        channel: 'line',
        userId: `U-${ref}`,
        language: 'en',
        role: 'victim',
        answers: {},
        indicators: [],
        caseType: 'trafficking',
        priority: 'p2',
        basis: 'consent',
        conversationId: `c-${ref}`,
      });
      await tx.addTranscript(`line:${ref}`, 'in', { text: 'help' }, undefined, { conversationId: `c-${ref}` });
      await tx.addAttachment({ id: `a-${ref}`, sessionId: `line:${ref}`, channel: 'line', messageId: null, name: null, mime: 'image/png', size: 3, sha256: 'x', path: photos[i]!, conversationId: `c-${ref}` });
      await tx.linkAttachments(`line:${ref}`, ref, `c-${ref}`);
      await tx.updateTicketWork(ref, { status: 'closed', outcome: 'assisted' });
    }
    for (let n = 0; n < 10; n++) {
      await tx.enqueue({ channel: 'line', recipient: `U-${n}`, kind: 'reply', payload: { text: 'hello' } }, { delivered: true });
      await tx.claimEvent('line', `ev-${n}`);
    }
  });
  now = new Date(now.getTime() + 10 * DAY);
  return photos;
}

describe('the retention purge in slices, on SQLite', () => {
  it('takes a conversation or a few rows a slice, and together the slices remove what one purge removes', async () => {
    await seed();
    const retention = new Retention({ store, files, periods: PERIODS, clock });
    const cutoffs = retention.cutoffs();
    const whole = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun: true }));
    expect(whole.counts).toMatchObject({ unticketed_conversations: 12, closed_transcripts: 2, closed_attachments: 2, outbox_content: 10, inbound_events: 10 });
    const removed: number[] = [];
    const total = { ...whole.counts, unticketed_conversations: 0, closed_transcripts: 0, closed_attachments: 0, outbox_content: 0, inbound_events: 0 };
    let from: string | undefined;
    do {
      const r = await store.transaction((tx) => tx.purgeExpired(cutoffs, { dryRun: false, slice: { rows: 1, ...(from === undefined ? {} : { from }) } }));
      removed.push(Object.values(r.counts).reduce((a, b) => a + b, 0));
      for (const k of Object.keys(total) as RetentionKind[]) total[k] += r.counts[k];
      from = r.next;
    } while (from !== undefined && removed.length < 500);
    expect(from).toBeUndefined();
    expect(total).toEqual(whole.counts);
    // A closed ticket's two kinds come one ticket a slice; the rest one conversation or row.
    expect(Math.max(...removed)).toBeLessThanOrEqual(1);
    expect(removed.length).toBeGreaterThanOrEqual(36);
  });

  it('a run in slices counts as a dry run in slices does, writes one audit row of the whole run and deletes the files once their rows are gone', async () => {
    const photos = await seed();
    const retention = new Retention({ store, files, periods: PERIODS, clock, sliceRows: 1 });
    // The dry run goes in slices too, each conversation's two rows in two of them: it counts each once.
    const counted = await retention.run({ dryRun: true });
    expect(counted.counts).toEqual((await store.transaction((tx) => tx.purgeExpired(retention.cutoffs(), { dryRun: true }))).counts);
    const stored = (photo: string) => existsSync(path.join(files.where, photo));
    expect(photos.map(stored)).toEqual([true, true]);
    let transactions = 0;
    const real = store.transaction.bind(store);
    store.transaction = (work) => (transactions++, real(work));
    const report = await retention.run({ actor: 'cli' });
    expect(report.counts).toEqual(counted.counts);
    expect(transactions).toBeGreaterThan(36);
    expect(photos.map(stored)).toEqual([false, false]);
    const rows = (store as unknown as { db: Database.Database }).db.prepare(`SELECT actor, detail FROM audit WHERE action = 'retention.purged'`).all() as { actor: string; detail: string }[];
    expect(rows.map((r) => ({ actor: r.actor, counts: JSON.parse(r.detail).counts }))).toEqual([{ actor: 'cli', counts: counted.counts }]);
    const purged = await store.transaction((tx) => tx.purgeExpired(retention.cutoffs(), { dryRun: true }));
    expect(Object.values(purged.counts).every((n) => n === 0)).toBe(true);
  });

  it('a run stopped by its signal (the server stopping) ends after the slice in hand, says so, and the next run removes the rest', async () => {
    await seed();
    const retention = new Retention({ store, files, periods: PERIODS, clock, sliceRows: 1 });
    const all = await retention.run({ dryRun: true });
    const stopping = new AbortController();
    let transactions = 0;
    const real = store.transaction.bind(store);
    store.transaction = (work) => {
      if (++transactions === 5) stopping.abort();
      return real(work);
    };
    const first = await retention.run({ signal: stopping.signal });
    expect(first.stopped).toBe(true);
    // Five slices, then the audit row: not the whole purge.
    expect(transactions).toBe(6);
    const second = await retention.run();
    expect(second.stopped).toBeUndefined();
    const sum = Object.fromEntries(Object.keys(all.counts).map((k) => [k, first.counts[k as RetentionKind] + second.counts[k as RetentionKind]]));
    expect(sum).toEqual(all.counts);
    const rows = (store as unknown as { db: Database.Database }).db.prepare(`SELECT detail FROM audit WHERE action = 'retention.purged' ORDER BY id`).all() as { detail: string }[];
    expect(rows.map((r) => JSON.parse(r.detail).stopped ?? false)).toEqual([true, false]);
  });
});
