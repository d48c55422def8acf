/**
 * Retention (issue 14): with a clock the test moves, each kind of data is purged at its period and
 * not before; a ticket on legal hold keeps everything until it is released; a dry run changes
 * nothing; the purge's audit rows carry counts only; the command prints counts by kind.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivacyActions } from '../src/privacy/privacy-actions.ts';
import type { RetentionKind } from '../src/store/store.ts';
import { queryDb } from './helpers/channel-app.ts';
import { filesUnder, markedReport } from './helpers/privacy.ts';
import { runCli } from './helpers/process.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { addStaff, StaffClient } from './helpers/staff.ts';
import path from 'node:path';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T08:00:00.000Z');
let now = T0;
const clock = () => new Date(now);

/** Short periods, each its own, so that each boundary tests one kind. */
const PERIODS: Record<RetentionKind, [variable: string, days: number]> = {
  staff_sessions: ['RETENTION_STAFF_SESSIONS_DAYS', 2],
  inbound_events: ['RETENTION_INBOUND_DAYS', 3],
  outbox_content: ['RETENTION_OUTBOX_DAYS', 5],
  unticketed_conversations: ['RETENTION_UNTICKETED_DAYS', 10],
  closed_transcripts: ['RETENTION_CLOSED_TRANSCRIPT_DAYS', 20],
  closed_attachments: ['RETENTION_CLOSED_ATTACHMENTS_DAYS', 25],
  audit: ['RETENTION_AUDIT_DAYS', 40],
};

let server: TestServer;
let closed: string;
let held: string;
const actor = { id: 'sup', audit: 'staff:sup' };

/** Rows per table, and the stored files: what a dry run must leave exactly as it was. */
function snapshot(): Record<string, number> {
  const tables = ['sessions', 'transcript', 'attachments', 'outbox', 'inbox', 'inbound_events', 'staff_sessions', 'audit', 'tickets', 'notes'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = queryDb<{ n: number }>(server, `SELECT COUNT(*) AS n FROM ${t}`)[0]!.n;
  out.files = filesUnder(path.join(server.dataDir, 'files')).length;
  return out;
}

const count = (sql: string, ...args: unknown[]) => queryDb<{ n: number }>(server, sql, ...args)[0]!.n;

/** What each kind left of the data made at T0 (0 once purged). */
const left: Record<RetentionKind, () => number> = {
  staff_sessions: () => count('SELECT COUNT(*) AS n FROM staff_sessions'),
  inbound_events: () => count('SELECT COUNT(*) AS n FROM inbound_events WHERE received_at < ?', new Date(T0 + DAY).toISOString()),
  // The chat of the ticket on hold keeps its own (see below).
  outbox_content: () => count(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent' AND created_at < ? AND recipient <> 'held-case'`, new Date(T0 + DAY).toISOString()),
  unticketed_conversations: () => count(`SELECT COUNT(*) AS n FROM transcript WHERE session_id = 'sim:left-midway'`) + count(`SELECT COUNT(*) AS n FROM sessions WHERE id = 'sim:left-midway'`),
  closed_transcripts: () => count('SELECT COUNT(*) AS n FROM transcript t JOIN tickets k ON k.conversation_id = t.conversation_id WHERE k.ref = ?', closed),
  closed_attachments: () => count('SELECT COUNT(*) AS n FROM attachments WHERE ticket_ref = ?', closed),
  audit: () => count('SELECT COUNT(*) AS n FROM audit WHERE ticket_ref = ? AND at < ?', closed, new Date(T0 + DAY).toISOString()),
};

beforeAll(async () => {
  server = await startServer(Object.fromEntries(Object.values(PERIODS).map(([name, days]) => [name, String(days)])), clock);
  // A closed case with a photo, a closed case on legal hold with a photo, a screening left half-way,
  // and a staff member who logged in once.
  closed = await markedReport(server, 'closed-case', 'Retention-Closed-1');
  held = await markedReport(server, 'held-case', 'Retention-Held-2');
  await server.sim({ user: 'left-midway', text: 'hello' });
  await server.sim({ user: 'left-midway', choice: 'en' });
  for (const ref of [closed, held]) {
    await server.services.store.transaction((tx) => tx.updateTicketWork(ref, { status: 'closed', outcome: 'assisted' }));
  }
  await new PrivacyActions({ store: server.services.store, files: server.services.files }).setLegalHold(actor, (await server.services.store.getTicket(held))!, true);
  await addStaff(server, 'retention-sup', 'supervisor', 'th-police-atp');
  expect((await new StaffClient(server.url).login('retention-sup')).status).toBe(303);
}, 60_000);
afterAll(() => server?.close());

describe('retention', () => {
  const kinds = (Object.keys(PERIODS) as RetentionKind[]).sort((a, b) => PERIODS[a][1] - PERIODS[b][1]);

  it('made the data each kind is about', () => {
    for (const kind of kinds) expect(left[kind](), kind).toBeGreaterThan(0);
  });

  it.each(kinds)('purges %s at its period and not before; a dry run changes nothing', async (kind) => {
    const days = PERIODS[kind][1];
    // Staff sessions count from their expiry (12 hours after the login).
    const start = kind === 'staff_sessions' ? T0 + 12 * 3_600_000 : T0;
    now = start + days * DAY - 60_000;
    let r = await server.services.retention.run();
    expect(r.counts[kind], `${kind} a minute early`).toBe(0);
    expect(left[kind]()).toBeGreaterThan(0);

    now = start + days * DAY + 60_000;
    const before = snapshot();
    const dry = await server.services.retention.run({ dryRun: true });
    expect(dry.counts[kind]).toBeGreaterThan(0);
    expect(snapshot()).toEqual(before);
    expect(left[kind]()).toBeGreaterThan(0);

    r = await server.services.retention.run();
    expect(r.counts).toEqual(dry.counts);
    expect(left[kind]()).toBe(0);
  });

  it('keeps everything of a ticket on legal hold, until the hold is released', async () => {
    const ticket = (await server.services.store.getTicket(held))!;
    expect(ticket.legalHoldAt).toBeTruthy();
    expect(count('SELECT COUNT(*) AS n FROM attachments WHERE ticket_ref = ?', held)).toBeGreaterThan(0);
    expect(count('SELECT COUNT(*) AS n FROM transcript t JOIN tickets k ON k.conversation_id = t.conversation_id WHERE k.ref = ?', held)).toBeGreaterThan(0);
    expect(count(`SELECT COUNT(*) AS n FROM outbox WHERE recipient = 'held-case'`)).toBeGreaterThan(0);
    expect((await server.services.store.auditOf(held)).map((e) => e.action)).toEqual(expect.arrayContaining(['ticket.created', 'legal_hold.set']));
    const photos = (await server.services.store.attachmentsOf(held)).map((a) => server.services.files.resolve(a.path));
    expect(photos.every((p) => existsSync(p))).toBe(true);

    await new PrivacyActions({ store: server.services.store, files: server.services.files }).setLegalHold(actor, ticket, false);
    const r = await server.services.retention.run();
    expect(r.counts.closed_attachments).toBeGreaterThan(0);
    expect(count('SELECT COUNT(*) AS n FROM attachments WHERE ticket_ref = ?', held)).toBe(0);
    expect(photos.some((p) => existsSync(p))).toBe(false);
    expect(count(`SELECT COUNT(*) AS n FROM outbox WHERE recipient = 'held-case'`)).toBe(0);
    // Released, its old audit rows go too; the release itself is new, and stays.
    expect((await server.services.store.auditOf(held)).map((e) => e.action)).toEqual(['legal_hold.released']);
  });

  it('audits every purge by counts only', () => {
    const rows = queryDb<{ actor: string; detail: string; ticket_ref: string | null }>(server, `SELECT actor, detail, ticket_ref FROM audit WHERE action = 'retention.purged'`);
    expect(rows.length).toBeGreaterThan(kinds.length);
    for (const row of rows) {
      expect(row.ticket_ref).toBeNull();
      const detail = JSON.parse(row.detail) as Record<string, Record<string, unknown>>;
      expect(Object.keys(detail).sort()).toEqual(['counts', 'periods']);
      for (const part of Object.values(detail)) for (const v of Object.values(part)) expect(typeof v).toBe('number');
      expect(row.detail).not.toMatch(/Retention-|sim:|TR-/);
    }
  });
});

describe('npm run cli -- retention run', () => {
  it('prints what it would remove by kind, and a dry run removes nothing', async () => {
    const s = await startServer();
    try {
      await s.sim({ user: 'cli-retention', text: 'hello' });
      const rows = () => queryDb<{ n: number }>(s, 'SELECT COUNT(*) AS n FROM transcript')[0]!.n;
      const before = rows();
      const dry = await runCli(['retention', 'run', '--dry-run'], { DATA_DIR: s.dataDir, RETENTION_UNTICKETED_DAYS: '30' });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('nothing was removed');
      for (const kind of Object.keys(PERIODS)) expect(dry.stdout).toContain(kind);
      expect(dry.stdout).toMatch(/unticketed_conversations\s+0\s+\(older than 30 days; RETENTION_UNTICKETED_DAYS\)/);
      expect(rows()).toBe(before);
      const real = await runCli(['retention', 'run'], { DATA_DIR: s.dataDir });
      expect(real.code).toBe(0);
      expect(real.stdout).toContain('Removed:');
      expect(queryDb<{ actor: string }>(s, `SELECT actor FROM audit WHERE action = 'retention.purged'`)).toEqual([{ actor: 'cli' }]);
    } finally {
      await s.close();
    }
  }, 60_000);
});
