/**
 * The embedded store: one SQLite file (better-sqlite3, WAL) with numbered migrations.
 *
 * better-sqlite3 is synchronous, and an async transaction on one connection would let another
 * request's statements slip into it, so transactions are queued one after another.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../core/clock.ts';
import type {
  ApiToken,
  Attachment,

  OutboxMessage,
  Referral,
  SessionRecord,
  Store,
  TicketFilter,
  TicketRecord,
  Tx,
} from './store.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

type Row = Record<string, unknown>;

/** Opens (creating when needed) the database at `file` and applies pending migrations. */
export function openSqliteStore(file: string, clock: Clock = systemClock): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db, clock);
}

/** Applies `NNN-name.sql` files above the database's `user_version`, each in its own transaction. */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-.+\.sql$/.test(f))
    .sort();
  for (const f of files) {
    const version = Number(f.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(new URL(f, MIGRATIONS_DIR), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}

const json = (v: unknown) => JSON.stringify(v);

class SqliteStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private readonly tx: Tx = {
    claimEvent: async (channel, eventId) =>
      this.db.prepare('INSERT OR IGNORE INTO inbound_events (channel, event_id, received_at) VALUES (?, ?, ?)').run(channel, eventId, this.now()).changes === 1,

    getSession: async (id) => {
      const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
      return row && toSession(row);
    },
    saveSession: async (s) => {
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO sessions (id, channel, user_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        )
        .run(s.id, s.channel, s.userId, json(s.state), now, now);
    },
    eraseSession: async (id, channel, userId) => {
      const files = (this.db.prepare('SELECT path FROM attachments WHERE session_id = ? AND ticket_ref IS NULL').all(id) as Row[]).map((r) => r.path as string);
      this.db.prepare('DELETE FROM attachments WHERE session_id = ? AND ticket_ref IS NULL').run(id);
      this.db.prepare('DELETE FROM transcript WHERE session_id = ?').run(id);
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
      this.db.prepare(`DELETE FROM outbox WHERE channel = ? AND recipient = ? AND status = 'sent'`).run(channel, userId);
      return files;
    },
    addTranscript: async (sessionId, direction, body, messageId) => {
      this.db
        .prepare('INSERT INTO transcript (session_id, direction, message_id, body, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(sessionId, direction, messageId ?? null, json(body), this.now());
    },

    getTicket: async (ref) => this.getTicket(ref),
    ticketsOfUser: async (channel, userId) =>
      this.ticketsWhere('t.channel = ? AND t.user_id = ?', [channel, userId], 'ORDER BY t.created_at DESC'),
    insertTicket: async (t) => {
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.ref, t.sessionId, t.channel, t.userId, t.language, t.role, json(t.answers), json(t.indicators), t.caseType, t.priority, t.basis, now, now);
    },
    updateAssessment: async (ref, a) => {
      this.db
        .prepare(
          `UPDATE tickets SET language = ?, role = ?, answers = ?, indicators = ?, case_type = ?, priority = ?, basis = ?, updated_at = ? WHERE ref = ?`,
        )
        .run(a.language, a.role, json(a.answers), json(a.indicators), a.caseType, a.priority, a.basis, this.now(), ref);
    },
    addReferral: async (ref, agency) => {
      const now = this.now();
      return (
        this.db
          .prepare('INSERT OR IGNORE INTO referrals (ticket_ref, agency, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(ref, agency, now, now).changes === 1
      );
    },

    addAttachment: async (a) => {
      this.db
        .prepare(
          `INSERT INTO attachments (id, session_id, channel, message_id, name, mime, size, sha256, path, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.id, a.sessionId, a.channel, a.messageId, a.name, a.mime, a.size, a.sha256, a.path, this.now());
    },
    linkAttachments: async (sessionId, ref) => {
      this.db.prepare('UPDATE attachments SET ticket_ref = ? WHERE session_id = ? AND ticket_ref IS NULL').run(ref, sessionId);
    },

    audit: async (e) => {
      this.db
        .prepare('INSERT INTO audit (ticket_ref, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)')
        .run(e.ticketRef, e.actor, e.action, e.detail ? json(e.detail) : null, this.now());
    },
    enqueue: async (m, opts) => {
      const now = this.now();
      const delivered = opts?.delivered ?? false;
      return Number(
        this.db
          .prepare(
            `INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, next_attempt_at, created_at, sent_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(m.channel, m.recipient, m.kind, json(m.payload), delivered ? 'sent' : 'pending', delivered ? 1 : 0, now, now, delivered ? now : null)
          .lastInsertRowid,
      );
    },
  };

  async getTicket(ref: string): Promise<TicketRecord | undefined> {
    return this.ticketsWhere('t.ref = ?', [ref])[0];
  }

  async listTickets(f: TicketFilter): Promise<TicketRecord[]> {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (f.status) (where.push('t.status = ?'), args.push(f.status));
    if (f.priority) (where.push('t.priority = ?'), args.push(f.priority));
    if (f.agency) (where.push('EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ?)'), args.push(f.agency));
    return this.ticketsWhere(where.join(' AND '), args, `ORDER BY t.priority ASC, t.created_at ASC LIMIT ${Math.min(f.limit ?? 200, 1000)}`);
  }

  private ticketsWhere(where: string, args: unknown[], tail = ''): TicketRecord[] {
    const rows = this.db.prepare(`SELECT t.* FROM tickets t WHERE ${where} ${tail}`).all(...args) as Row[];
    if (rows.length === 0) return [];
    const refs = rows.map((r) => r.ref as string);
    const referrals = this.db
      .prepare(`SELECT * FROM referrals WHERE ticket_ref IN (${refs.map(() => '?').join(',')}) ORDER BY created_at, agency`)
      .all(...refs) as Row[];
    return rows.map((r) => toTicket(r, referrals.filter((x) => x.ticket_ref === r.ref).map(toReferral)));
  }

  async attachmentsOf(ref: string): Promise<Attachment[]> {
    return (this.db.prepare('SELECT * FROM attachments WHERE ticket_ref = ? ORDER BY created_at').all(ref) as Row[]).map(toAttachment);
  }

  async transcriptOf(sessionId: string) {
    return (this.db.prepare('SELECT direction, body, created_at FROM transcript WHERE session_id = ? ORDER BY id').all(sessionId) as Row[]).map((r) => ({
      direction: r.direction as 'in' | 'out',
      body: JSON.parse(r.body as string) as unknown,
      createdAt: r.created_at as string,
    }));
  }

  async auditOf(ref: string) {
    return (this.db.prepare('SELECT * FROM audit WHERE ticket_ref = ? ORDER BY id').all(ref) as Row[]).map((r) => ({
      ticketRef: r.ticket_ref as string,
      actor: r.actor as string,
      action: r.action as string,
      ...(r.detail ? { detail: JSON.parse(r.detail as string) as Record<string, unknown> } : {}),
      at: r.at as string,
    }));
  }

  async dueOutbox(channel: string, now: Date, limit: number): Promise<OutboxMessage[]> {
    return (
      this.db
        .prepare(`SELECT * FROM outbox WHERE channel = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`)
        .all(channel, now.toISOString(), limit) as Row[]
    ).map(toOutbox);
  }

  async takeOutbox(channel: string, recipient: string): Promise<OutboxMessage[]> {
    return this.transaction(async () => {
      const rows = (this.db.prepare(`SELECT * FROM outbox WHERE channel = ? AND recipient = ? AND status = 'pending' ORDER BY id`).all(channel, recipient) as Row[]).map(toOutbox);
      for (const m of rows) await this.markSent(m.id);
      return rows;
    });
  }

  async markSent(id: number): Promise<void> {
    this.db.prepare(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?`).run(this.now(), id);
  }
  async markRetry(id: number, error: string, next: Date): Promise<void> {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?').run(error.slice(0, 500), next.toISOString(), id);
  }
  async markFailed(id: number, error: string): Promise<void> {
    this.db.prepare(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`).run(error.slice(0, 500), id);
  }

  async createToken(t: { id: string; hash: string; agency: string; label: string | null }): Promise<void> {
    this.db.prepare('INSERT INTO api_tokens (id, hash, agency, label, created_at) VALUES (?, ?, ?, ?, ?)').run(t.id, t.hash, t.agency, t.label, this.now());
  }
  async findToken(hash: string): Promise<ApiToken | undefined> {
    const row = this.db.prepare('SELECT id, agency, label FROM api_tokens WHERE hash = ? AND revoked_at IS NULL').get(hash) as Row | undefined;
    return row && { id: row.id as string, agency: row.agency as string, label: (row.label as string | null) ?? null };
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}

function toSession(r: Row): SessionRecord {
  return {
    id: r.id as string,
    channel: r.channel as string,
    userId: r.user_id as string,
    state: JSON.parse(r.state as string),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function toReferral(r: Row): Referral {
  return {
    agency: r.agency as string,
    status: r.status as Referral['status'],
    reason: (r.reason as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function toTicket(r: Row, referrals: Referral[]): TicketRecord {
  return {
    ref: r.ref as string,
    sessionId: r.session_id as string,
    channel: r.channel as string,
    userId: r.user_id as string,
    language: (r.language as string | null) ?? null,
    role: (r.role as string | null) ?? null,
    answers: JSON.parse(r.answers as string),
    indicators: JSON.parse(r.indicators as string),
    caseType: r.case_type as string,
    priority: r.priority as string,
    basis: r.basis as TicketRecord['basis'],
    status: r.status as TicketRecord['status'],
    outcome: (r.outcome as string | null) ?? null,
    assignee: (r.assignee as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    referrals,
  };
}

function toAttachment(r: Row): Attachment {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    ticketRef: (r.ticket_ref as string | null) ?? null,
    channel: r.channel as string,
    messageId: (r.message_id as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    mime: r.mime as string,
    size: r.size as number,
    sha256: r.sha256 as string,
    path: r.path as string,
    createdAt: r.created_at as string,
  };
}

function toOutbox(r: Row): OutboxMessage {
  return {
    id: r.id as number,
    channel: r.channel as string,
    recipient: r.recipient as string,
    kind: r.kind as OutboxMessage['kind'],
    payload: JSON.parse(r.payload as string),
    attempts: r.attempts as number,
  };
}

