/**
 * The embedded store: one SQLite file (better-sqlite3, WAL) with numbered migrations.
 *
 * better-sqlite3 is synchronous, and an async transaction on one connection would let another
 * request's statements slip into it, so transactions are queued one after another.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../core/clock.ts';
import { SqliteCare } from './sqlite/care.ts';
import type {
  AgencyAlertConfig,
  ApiToken,
  ApiTokenInfo,
  Attachment,
  InboundRow,
  LineGroup,
  Note,
  OutboxMessage,
  PendingReferral,
  Referral,
  SessionRecord,
  StaffRole,
  StaffSession,
  StaffUser,
  Store,
  TicketFacts,
  TicketFilter,
  TicketRecord,
  TicketStatus,
  LlmCallRecord,
  Tx,
} from './store.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

type Row = Record<string, unknown>;

/** Options of {@link openSqliteStore}. */
export interface SqliteOptions {
  /**
   * FULL (the default) syncs the WAL at every commit: an event the platform was told we received,
   * a conversation's answer, a staff action survive a power cut, not only a crash.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * The delivery bookkeeping that follows (an event handled, a message marked sent, a reply
   * token): NORMAL by default. Losing its last commits to a power cut (never to a crash) means
   * an event handled again (de-duplicated) or a message sent again, which at-least-once delivery
   * allows; syncing it would cost several disk flushes per message. The bench measures both.
   */
  bookkeeping?: 'FULL' | 'NORMAL';
}

/** Opens (creating when needed) the database at `file` and applies pending migrations. */
export function openSqliteStore(file: string, clock: Clock = systemClock, opts: SqliteOptions = {}): Store {
  if (file !== ':memory:') {
    // Owner-only: the database holds what people in danger wrote. The folder (and the file, before
    // SQLite opens it; its -wal and -shm files take the same mode) are created that way.
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const synchronous = opts.synchronous ?? 'FULL';
  db.pragma(`synchronous = ${synchronous}`);
  // Deleted rows (an erased chat) are overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db, clock, { durable: synchronous, bookkeeping: opts.bookkeeping ?? 'NORMAL' });
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

  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly sync: { durable: 'FULL' | 'NORMAL'; bookkeeping: 'FULL' | 'NORMAL' };

  constructor(
    db: Database.Database,
    clock: Clock,
    sync: { durable: 'FULL' | 'NORMAL'; bookkeeping: 'FULL' | 'NORMAL' } = { durable: 'FULL', bookkeeping: 'NORMAL' },
  ) {
    this.db = db;
    this.clock = clock;
    this.sync = sync;
    this.care = new SqliteCare(db, () => this.now());
  }

  /** Issue 15's tables (src/store/sqlite/care.ts). */
  private readonly care: SqliteCare;

  /** Runs `work` with the bookkeeping's synchronous level (set between transactions only). */
  private asBookkeeping<T>(work: () => T): T {
    if (this.sync.bookkeeping === this.sync.durable) return work();
    this.db.pragma(`synchronous = ${this.sync.bookkeeping}`);
    try {
      return work();
    } finally {
      this.db.pragma(`synchronous = ${this.sync.durable}`);
    }
  }

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
    addTranscript: async (sessionId, direction, body, messageId, link) => {
      this.db
        .prepare('INSERT INTO transcript (session_id, direction, message_id, body, created_at, conversation_id, ticket_ref) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(sessionId, direction, messageId ?? null, json(body), this.now(), link?.conversationId ?? null, link?.ticketRef ?? null);
    },
    inboundMessageIds: async (sessionId) =>
      (this.db.prepare(`SELECT message_id FROM transcript WHERE session_id = ? AND direction = 'in' AND message_id IS NOT NULL ORDER BY id`).all(sessionId) as Row[]).map(
        (r) => r.message_id as string,
      ),
    deleteTranscriptMessage: async (sessionId, messageId) =>
      this.db.prepare('DELETE FROM transcript WHERE session_id = ? AND message_id = ?').run(sessionId, messageId).changes,
    unsendMessage: async (sessionId, messageId) => {
      const rows = (this.db.prepare('SELECT body, conversation_id, ticket_ref FROM transcript WHERE session_id = ? AND message_id = ? ORDER BY id').all(sessionId, messageId) as Row[]).map((r) => ({
        body: JSON.parse(r.body as string) as unknown,
        conversationId: (r.conversation_id as string | null) ?? null,
        ticketRef: (r.ticket_ref as string | null) ?? null,
      }));
      this.db.prepare('DELETE FROM transcript WHERE session_id = ? AND message_id = ?').run(sessionId, messageId);
      const files = (this.db.prepare('SELECT path FROM attachments WHERE session_id = ? AND message_id = ?').all(sessionId, messageId) as Row[]).map((r) => r.path as string);
      this.db.prepare('DELETE FROM attachments WHERE session_id = ? AND message_id = ?').run(sessionId, messageId);
      return { rows, files };
    },
    redactOutbound: async (sessionId, conversationId, text, by) => {
      // Inside a JSON string the text appears escaped; so is its replacement.
      const inJson = (v: string) => JSON.stringify(v).slice(1, -1);
      this.db
        .prepare(`UPDATE transcript SET body = replace(body, ?, ?) WHERE session_id = ? AND conversation_id = ? AND direction = 'out' AND instr(body, ?) > 0`)
        .run(inJson(text), inJson(by), sessionId, conversationId, inJson(text));
    },
    setReporterLeft: async (channel, userId, left) => {
      if (left) this.db.prepare('UPDATE tickets SET reporter_left_at = ? WHERE channel = ? AND user_id = ?').run(this.now(), channel, userId);
      else this.db.prepare('UPDATE tickets SET reporter_left_at = NULL WHERE channel = ? AND user_id = ? AND reporter_left_at IS NOT NULL').run(channel, userId);
    },
    cancelPending: async (channel, recipient) =>
      this.db.prepare(`DELETE FROM outbox WHERE channel = ? AND recipient = ? AND status = 'pending'`).run(channel, recipient).changes,

    getTicket: async (ref) => this.getTicket(ref),
    ticketsOfUser: async (channel, userId) =>
      this.ticketsWhere('t.channel = ? AND t.user_id = ?', [channel, userId], 'ORDER BY t.created_at DESC'),
    insertTicket: async (t) => {
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, created_at, updated_at, conversation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.ref, t.sessionId, t.channel, t.userId, t.language, t.role, json(t.answers), json(t.indicators), t.caseType, t.priority, t.basis, now, now, t.conversationId ?? null);
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
          `INSERT INTO attachments (id, session_id, channel, message_id, name, mime, size, sha256, path, created_at, conversation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.id, a.sessionId, a.channel, a.messageId, a.name, a.mime, a.size, a.sha256, a.path, this.now(), a.conversationId ?? null);
    },
    linkAttachments: async (sessionId, ref, conversationId) => {
      // Another report's loose files of the same chat never join this ticket.
      if (conversationId) this.db.prepare('UPDATE attachments SET ticket_ref = ? WHERE session_id = ? AND conversation_id = ? AND ticket_ref IS NULL').run(ref, sessionId, conversationId);
      else this.db.prepare('UPDATE attachments SET ticket_ref = ? WHERE session_id = ? AND conversation_id IS NULL AND ticket_ref IS NULL').run(ref, sessionId);
    },

    updateTicketWork: async (ref, p) => {
      const sets: string[] = [];
      const args: unknown[] = [];
      if (p.status !== undefined) (sets.push('status = ?'), args.push(p.status));
      if (p.outcome !== undefined) (sets.push('outcome = ?'), args.push(p.outcome));
      if (p.assignee !== undefined) (sets.push('assignee = ?'), args.push(p.assignee));
      if (p.duplicateOf !== undefined) (sets.push('duplicate_of = ?'), args.push(p.duplicateOf));
      const now = this.now();
      this.db
        .prepare(`UPDATE tickets SET ${[...sets, 'first_action_at = COALESCE(first_action_at, ?)', 'updated_at = ?'].join(', ')} WHERE ref = ?`)
        .run(...args, now, now, ref);
    },
    setReferralStatus: async (ref, agency, status, reason) => {
      this.db.prepare('UPDATE referrals SET status = ?, reason = ?, updated_at = ? WHERE ticket_ref = ? AND agency = ?').run(status, reason, this.now(), ref, agency);
    },
    addNote: async (ref, author, body) => {
      this.db.prepare('INSERT INTO notes (ticket_ref, author, body, created_at) VALUES (?, ?, ?, ?)').run(ref, author, body, this.now());
    },

    audit: async (e) => {
      this.db
        .prepare('INSERT INTO audit (ticket_ref, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)')
        .run(e.ticketRef, e.actor, e.action, e.detail ? json(e.detail) : null, this.now());
    },
    agencyAlerts: async (agency) => this.agencyAlertsOf(agency),
    setReporterUpdate: async (ref, updated) => {
      this.db.prepare('UPDATE tickets SET updated_by_reporter_at = ? WHERE ref = ?').run(updated ? this.now() : null, ref);
    },
    advanceEscalation: async (ref, agency, from, to) =>
      this.db.prepare('UPDATE referrals SET escalation_level = ? WHERE ticket_ref = ? AND agency = ? AND escalation_level = ?').run(to, ref, agency, from).changes === 1,
    lastOutbound: async (sessionId) => {
      const row = this.db.prepare(`SELECT body FROM transcript WHERE session_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1`).get(sessionId) as Row | undefined;
      return row ? (JSON.parse(row.body as string) as unknown) : undefined;
    },
    lastOutboundRow: async (sessionId) => {
      const row = this.db.prepare(`SELECT body, ticket_ref FROM transcript WHERE session_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1`).get(sessionId) as Row | undefined;
      return row ? { body: JSON.parse(row.body as string) as unknown, ticketRef: (row.ticket_ref as string | null) ?? null } : undefined;
    },
    enqueue: async (m, opts) => {
      const now = this.now();
      const delivered = opts?.delivered ?? false;
      return Number(
        this.db
          .prepare(
            `INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, next_attempt_at, created_at, sent_at, reply_to)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(m.channel, m.recipient, m.kind, json(m.payload), delivered ? 'sent' : 'pending', delivered ? 1 : 0, now, now, delivered ? now : null, m.replyTo ?? null)
          .lastInsertRowid,
      );
    },
    careItems: async (ref) => this.care.careItems(ref),
    saveCareItem: async (item) => this.care.saveCareItem(item),
    setMatchKeys: async (ref, keys) => this.care.setMatchKeys(ref, keys),
    saveMatch: async (m) => this.care.saveMatch(m),
  };

  async careItems(ref: string) {
    return this.care.careItems(ref);
  }
  async openCareItemsDue(before: string) {
    return this.care.openCareItemsDue(before);
  }
  async monitoringData(from: string, to: string, agency?: string) {
    return this.care.monitoringData(from, to, agency);
  }
  async ticketsWithMatchKeys(ref: string, keys: string[]) {
    return this.care.ticketsWithMatchKeys(ref, keys);
  }
  async matchesOf(ref: string) {
    return this.care.matchesOf(ref);
  }

  async getTicket(ref: string): Promise<TicketRecord | undefined> {
    return this.ticketsWhere('t.ref = ?', [ref])[0];
  }

  async listTickets(f: TicketFilter): Promise<TicketRecord[]> {
    const { where, args } = filterSql(f);
    return this.ticketsWhere(where, args, `ORDER BY t.priority ASC, t.created_at ASC LIMIT ${Math.min(f.limit ?? 200, 1000)}`);
  }

  async countByStatus(f: TicketFilter): Promise<Record<TicketStatus, number>> {
    const { where, args } = filterSql({ ...f, status: undefined });
    const counts: Record<TicketStatus, number> = { new: 0, triaged: 0, in_progress: 0, referred: 0, closed: 0 };
    for (const r of this.db.prepare(`SELECT t.status, COUNT(*) AS n FROM tickets t WHERE ${where} GROUP BY t.status`).all(...args) as Row[]) {
      counts[r.status as TicketStatus] = r.n as number;
    }
    return counts;
  }

  async ticketFacts(since: string, agency?: string): Promise<TicketFacts[]> {
    const rows = this.db
      .prepare(
        `SELECT t.ref, t.created_at, t.case_type, t.priority, t.status, t.first_action_at,
                (SELECT json_group_array(r.agency) FROM referrals r WHERE r.ticket_ref = t.ref) AS agencies
         FROM tickets t WHERE t.created_at >= ?
         ${agency ? 'AND EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ?)' : ''}
         ORDER BY t.created_at`,
      )
      .all(...(agency ? [since, agency] : [since])) as Row[];
    return rows.map((r) => ({
      ref: r.ref as string,
      createdAt: r.created_at as string,
      caseType: r.case_type as string,
      priority: r.priority as string,
      status: r.status as TicketStatus,
      firstActionAt: (r.first_action_at as string | null) ?? null,
      agencies: JSON.parse(r.agencies as string) as string[],
    }));
  }

  async notesOf(ref: string): Promise<Note[]> {
    return (this.db.prepare('SELECT * FROM notes WHERE ticket_ref = ? ORDER BY id').all(ref) as Row[]).map((r) => ({
      id: r.id as number,
      ticketRef: r.ticket_ref as string,
      author: r.author as string,
      body: r.body as string,
      createdAt: r.created_at as string,
    }));
  }

  async lastInboundAt(sessionId: string): Promise<string | undefined> {
    const row = this.db.prepare(`SELECT MAX(created_at) AS at FROM transcript WHERE session_id = ? AND direction = 'in'`).get(sessionId) as Row | undefined;
    return (row?.at as string | null) ?? undefined;
  }

  async createStaff(u: { id: string; name: string; role: StaffRole; agency: string; lang: string; passwordHash: string }): Promise<void> {
    const now = this.now();
    this.db
      .prepare('INSERT INTO staff_users (id, name, role, agency, lang, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(u.id, u.name, u.role, u.agency, u.lang, u.passwordHash, now, now);
  }
  async findStaffByName(name: string) {
    const row = this.db.prepare('SELECT * FROM staff_users WHERE name = ?').get(name) as Row | undefined;
    return row && { ...toStaff(row), passwordHash: row.password_hash as string };
  }
  async getStaff(id: string): Promise<StaffUser | undefined> {
    const row = this.db.prepare('SELECT * FROM staff_users WHERE id = ?').get(id) as Row | undefined;
    return row && toStaff(row);
  }
  async listStaff(): Promise<StaffUser[]> {
    return (this.db.prepare('SELECT * FROM staff_users ORDER BY name').all() as Row[]).map(toStaff);
  }
  async updateStaff(id: string, p: { role?: StaffRole; agency?: string; lang?: string; disabled?: boolean; passwordHash?: string; telegramUserId?: string | null }): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (p.role !== undefined) (sets.push('role = ?'), args.push(p.role));
    if (p.agency !== undefined) (sets.push('agency = ?'), args.push(p.agency));
    if (p.lang !== undefined) (sets.push('lang = ?'), args.push(p.lang));
    if (p.disabled !== undefined) (sets.push('disabled_at = ?'), args.push(p.disabled ? this.now() : null));
    if (p.passwordHash !== undefined) (sets.push('password_hash = ?'), args.push(p.passwordHash));
    if (p.telegramUserId !== undefined) (sets.push('telegram_user_id = ?'), args.push(p.telegramUserId));
    this.db.prepare(`UPDATE staff_users SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...args, this.now(), id);
  }

  async findStaffByTelegram(telegramUserId: string): Promise<StaffUser | undefined> {
    const row = this.db.prepare('SELECT * FROM staff_users WHERE telegram_user_id = ?').get(telegramUserId) as Row | undefined;
    return row && toStaff(row);
  }

  private agencyAlertsOf(agency: string): AgencyAlertConfig | undefined {
    const row = this.db.prepare('SELECT * FROM agency_alerts WHERE agency = ?').get(agency) as Row | undefined;
    return row && toAgencyAlerts(row);
  }
  async setAgencyAlerts(agency: string, p: Partial<Omit<AgencyAlertConfig, 'agency' | 'updatedAt'>>): Promise<void> {
    return this.queued(() => {
      const now = this.now();
      this.db.prepare('INSERT OR IGNORE INTO agency_alerts (agency, updated_at) VALUES (?, ?)').run(agency, now);
      const columns: Record<string, unknown> = {
        telegram_chat: p.telegramChat,
        line_group: p.lineGroup,
        webhook_url: p.webhookUrl,
        webhook_secret: p.webhookSecret,
        lang: p.lang,
      };
      const set = Object.entries(columns).filter(([, v]) => v !== undefined);
      this.db
        .prepare(`UPDATE agency_alerts SET ${[...set.map(([k]) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE agency = ?`)
        .run(...set.map(([, v]) => v), now, agency);
    });
  }
  async listAgencyAlerts(): Promise<AgencyAlertConfig[]> {
    return (this.db.prepare('SELECT * FROM agency_alerts ORDER BY agency').all() as Row[]).map(toAgencyAlerts);
  }
  async recordLineGroup(groupId: string, joined: boolean): Promise<void> {
    return this.queued(() => {
      if (joined) {
        this.db
          .prepare('INSERT INTO line_groups (group_id, joined_at) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET joined_at = excluded.joined_at, left_at = NULL')
          .run(groupId, this.now());
      } else this.db.prepare('UPDATE line_groups SET left_at = ? WHERE group_id = ?').run(this.now(), groupId);
    });
  }
  async listLineGroups(): Promise<LineGroup[]> {
    return (this.db.prepare('SELECT * FROM line_groups ORDER BY joined_at DESC').all() as Row[]).map((r) => ({
      groupId: r.group_id as string,
      joinedAt: r.joined_at as string,
      leftAt: (r.left_at as string | null) ?? null,
    }));
  }
  async pendingReferrals(): Promise<PendingReferral[]> {
    return (
      this.db
        .prepare(
          `SELECT r.ticket_ref, r.agency, r.created_at, r.escalation_level, t.priority FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref
           WHERE r.status = 'pending' AND t.status <> 'closed' ORDER BY r.created_at`,
        )
        .all() as Row[]
    ).map((r) => ({
      ref: r.ticket_ref as string,
      agency: r.agency as string,
      priority: r.priority as string,
      createdAt: r.created_at as string,
      escalationLevel: r.escalation_level as number,
    }));
  }

  async createStaffSession(s: { idHash: string; userId: string; csrf: string; expiresAt: string }): Promise<void> {
    const now = this.now();
    this.db.prepare('INSERT INTO staff_sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(s.idHash, s.userId, s.csrf, now, now, s.expiresAt);
  }
  async useStaffSession(idHash: string, now: string, touch = true): Promise<StaffSession | undefined> {
    const row = this.db.prepare('SELECT * FROM staff_sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now) as Row | undefined;
    if (!row) return undefined;
    if (touch) this.db.prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, idHash);
    return { userId: row.user_id as string, csrf: row.csrf as string, expiresAt: row.expires_at as string, lastSeenAt: row.last_seen_at as string };
  }
  async deleteStaffSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM staff_sessions WHERE id_hash = ?').run(idHash);
  }
  async deleteStaffSessionsOf(userId: string): Promise<void> {
    this.db.prepare('DELETE FROM staff_sessions WHERE user_id = ?').run(userId);
  }

  async recordLoginFailure(key: string): Promise<void> {
    const now = this.clock();
    this.db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)').run(key, now.toISOString());
    // Old rows serve no purpose; a day is well past any throttling window.
    this.db.prepare('DELETE FROM login_failures WHERE at < ?').run(new Date(now.getTime() - 86_400_000).toISOString());
  }
  async loginFailuresSince(key: string, since: string): Promise<{ count: number; lastAt: string | null }> {
    const row = this.db.prepare('SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE key = ? AND at >= ?').get(key, since) as Row;
    return { count: row.n as number, lastAt: (row.last as string | null) ?? null };
  }
  async clearLoginFailures(key: string): Promise<void> {
    this.db.prepare('DELETE FROM login_failures WHERE key = ?').run(key);
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

  async ticketTranscript(ticket: Pick<TicketRecord, 'ref' | 'sessionId' | 'conversationId'>, until?: string) {
    // A row written to a case belongs to that case only; the rest belong to their conversation.
    // A ticket from before conversations had ids shows the rows of that time only.
    const own = ticket.conversationId ? 'conversation_id = ?' : 'conversation_id IS NULL AND session_id = ?';
    const rows = this.db
      .prepare(`SELECT direction, body, created_at FROM transcript WHERE (ticket_ref = ? OR (ticket_ref IS NULL AND ${own})) ${until ? 'AND created_at <= ?' : ''} ORDER BY id`)
      .all(ticket.ref, ticket.conversationId ?? ticket.sessionId, ...(until ? [until] : [])) as Row[];
    return rows.map((r) => ({ direction: r.direction as 'in' | 'out', body: JSON.parse(r.body as string) as unknown, createdAt: r.created_at as string }));
  }

  async lastMessageToCaseAt(ref: string): Promise<string | undefined> {
    const row = this.db.prepare(`SELECT MAX(created_at) AS at FROM transcript WHERE ticket_ref = ? AND direction = 'in'`).get(ref) as Row | undefined;
    return (row?.at as string | null) ?? undefined;
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

  /**
   * Runs a short piece of work in the transaction queue. Statements run outside it would join an
   * async transaction that is open on this connection (and roll back with it, or read its
   * uncommitted rows): a message marked sent, or an event accepted, must not depend on that.
   */
  private queued<T>(work: () => T): Promise<T> {
    return this.transaction(async () => work());
  }

  /** {@link queued} for delivery bookkeeping (see {@link SqliteOptions.bookkeeping}). */
  private bookkeeping<T>(work: () => T): Promise<T> {
    const run = async () => this.asBookkeeping(() => this.db.transaction(work).immediate());
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs one short bookkeeping write at once when no transaction is open on the connection (it
   * cannot mix with one then), else in the queue. For what must be written right after a
   * platform call (a row marked sent, a retry key fixed before a push), however many
   * transactions are waiting: the window in which a crash would send a message twice.
   */
  private immediate<T>(work: () => T): Promise<T> {
    if (this.db.inTransaction) return this.bookkeeping(work);
    try {
      return Promise.resolve(this.asBookkeeping(() => this.db.transaction(work).immediate()));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  async dueOutbox(channel: string, now: Date, limit: number): Promise<OutboxMessage[]> {
    // A message waits while an earlier one to the same recipient waits for its retry: a chat's
    // messages go out in order.
    return this.bookkeeping(() =>
      (
        this.db
          .prepare(
            `SELECT * FROM outbox o WHERE o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
               AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel AND e.recipient = o.recipient
                               AND e.status = 'pending' AND e.id < o.id AND e.next_attempt_at > ?)
             ORDER BY o.id LIMIT ?`,
          )
          .all(channel, now.toISOString(), now.toISOString(), limit) as Row[]
      ).map(toOutbox),
    );
  }

  async dueRecipients(channel: string, now: Date, limit: number, skip: string[]): Promise<string[]> {
    return this.bookkeeping(() =>
      (
        this.db
          .prepare(
            `SELECT o.recipient, MIN(o.id) AS first FROM outbox o
             WHERE o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ? AND o.recipient NOT IN (SELECT value FROM json_each(?))
             GROUP BY o.recipient
             HAVING first = (SELECT MIN(e.id) FROM outbox e WHERE e.channel = o.channel AND e.recipient = o.recipient AND e.status = 'pending')
             ORDER BY first LIMIT ?`,
          )
          .all(channel, now.toISOString(), json(skip), limit) as Row[]
      ).map((r) => r.recipient as string),
    );
  }

  async dueOutboxOf(channel: string, recipient: string, now: Date, limit: number): Promise<OutboxMessage[]> {
    return this.bookkeeping(() => {
      const rows = this.db.prepare(`SELECT * FROM outbox WHERE channel = ? AND recipient = ? AND status = 'pending' ORDER BY id LIMIT ?`).all(channel, recipient, limit) as Row[];
      const at = now.toISOString();
      const waiting = rows.findIndex((r) => (r.next_attempt_at as string) > at);
      return (waiting === -1 ? rows : rows.slice(0, waiting)).map(toOutbox);
    });
  }

  async releaseOutage(channel: string, now: Date): Promise<number> {
    return this.immediate(
      () =>
        this.db
          .prepare(`UPDATE outbox SET held_by_outage = 0, next_attempt_at = MIN(next_attempt_at, ?) WHERE channel = ? AND status = 'pending' AND held_by_outage = 1`)
          .run(now.toISOString(), channel).changes,
    );
  }

  async markPartsSent(id: number, parts: number): Promise<void> {
    return this.immediate(() => {
      this.db.prepare('UPDATE outbox SET parts_sent = MAX(parts_sent, ?) WHERE id = ?').run(parts, id);
    });
  }

  async setRetryKeys(keys: { id: number; key: string }[]): Promise<void> {
    if (keys.length === 0) return;
    return this.immediate(() => {
      const set = this.db.prepare('UPDATE outbox SET retry_key = ? WHERE id = ? AND retry_key IS NULL');
      for (const k of keys) set.run(k.key, k.id);
    });
  }

  async takeOutbox(channel: string, recipient: string): Promise<OutboxMessage[]> {
    return this.queued(() => {
      const rows = (this.db.prepare(`SELECT * FROM outbox WHERE channel = ? AND recipient = ? AND status = 'pending' ORDER BY id`).all(channel, recipient) as Row[]).map(toOutbox);
      for (const m of rows) this.markSentNow(m.id);
      return rows;
    });
  }

  private markSentNow(id: number): void {
    this.db.prepare(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?`).run(this.now(), id);
  }
  async markSent(id: number): Promise<void> {
    // At once: the platform has the message, and every moment until this is on disk is a moment
    // in which a crash would send it again.
    return this.immediate(() => this.markSentNow(id));
  }
  async markRetry(id: number, error: string, next: Date, opts: { outage?: boolean } = {}): Promise<void> {
    return this.bookkeeping(() => {
      this.db
        .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, held_by_outage = ? WHERE id = ?')
        .run(error.slice(0, 500), next.toISOString(), opts.outage ? 1 : 0, id);
    });
  }
  async markFailed(id: number, error: string): Promise<void> {
    return this.queued(() => {
      this.db.prepare(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`).run(error.slice(0, 500), id);
    });
  }

  async addInbound(events: { channel: string; eventId: string; userKey: string; payload: unknown }[]): Promise<InboundRow[]> {
    return this.queued(() => {
      const now = this.now();
      const insert = this.db.prepare(
        `INSERT OR IGNORE INTO inbox (channel, event_id, user_key, payload, received_at)
         SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM inbound_events WHERE channel = ? AND event_id = ?)`,
      );
      const added: InboundRow[] = [];
      for (const e of events) {
        const r = insert.run(e.channel, e.eventId, e.userKey, json(e.payload), now, e.channel, e.eventId);
        if (r.changes === 1) added.push({ id: Number(r.lastInsertRowid), channel: e.channel, eventId: e.eventId, userKey: e.userKey, payload: e.payload, attempts: 0, receivedAt: now });
      }
      return added;
    });
  }
  async pendingInbound(): Promise<InboundRow[]> {
    return this.queued(() => (this.db.prepare('SELECT * FROM inbox ORDER BY id').all() as Row[]).map(toInbound));
  }
  async deleteInbound(id: number): Promise<void> {
    return this.bookkeeping(() => {
      this.db.prepare('DELETE FROM inbox WHERE id = ?').run(id);
    });
  }
  async failInbound(id: number, error: string): Promise<void> {
    return this.bookkeeping(() => {
      this.db.prepare('UPDATE inbox SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(error.slice(0, 500), id);
    });
  }

  async saveReplyToken(channel: string, recipient: string, eventId: string, token: string): Promise<void> {
    return this.bookkeeping(() => {
      const now = this.clock();
      this.db
        .prepare('INSERT OR IGNORE INTO event_reply_tokens (channel, event_id, recipient, token, received_at) VALUES (?, ?, ?, ?, ?)')
        .run(channel, eventId, recipient, token, now.toISOString());
      // Tokens live about a minute: ones never used (an event answered by nothing) go after ten.
      this.db.prepare('DELETE FROM event_reply_tokens WHERE received_at < ?').run(new Date(now.getTime() - 600_000).toISOString());
    });
  }
  async takeReplyToken(channel: string, eventId: string, notBefore: Date): Promise<string | undefined> {
    return this.bookkeeping(() => {
      const row = this.db.prepare('SELECT token, received_at FROM event_reply_tokens WHERE channel = ? AND event_id = ?').get(channel, eventId) as Row | undefined;
      if (!row) return undefined;
      this.db.prepare('DELETE FROM event_reply_tokens WHERE channel = ? AND event_id = ?').run(channel, eventId);
      return (row.received_at as string) >= notBefore.toISOString() ? (row.token as string) : undefined;
    });
  }

  async recordSentMessage(channel: string, recipient: string, messageId: string): Promise<void> {
    return this.immediate(() => {
      this.db.prepare('INSERT INTO sent_messages (channel, recipient, message_id, sent_at) VALUES (?, ?, ?, ?)').run(channel, recipient, messageId, this.now());
    });
  }

  async takeSentMessages(channel: string, recipient: string, since: Date): Promise<string[]> {
    return this.queued(() => {
      const ids = (
        this.db.prepare('SELECT message_id FROM sent_messages WHERE channel = ? AND recipient = ? AND sent_at >= ? ORDER BY sent_at').all(channel, recipient, since.toISOString()) as Row[]
      ).map((r) => r.message_id as string);
      this.db.prepare('DELETE FROM sent_messages WHERE channel = ? AND recipient = ?').run(channel, recipient);
      return ids;
    });
  }

  async setUnreachable(channel: string, userId: string, unreachable: boolean): Promise<void> {
    return this.queued(() => {
      this.db.prepare('UPDATE sessions SET unreachable = ? WHERE channel = ? AND user_id = ?').run(unreachable ? 1 : 0, channel, userId);
    });
  }

  async createToken(t: { id: string; hash: string; agency: string; label: string | null; expiresAt: string | null }): Promise<void> {
    this.db.prepare('INSERT INTO api_tokens (id, hash, agency, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(t.id, t.hash, t.agency, t.label, this.now(), t.expiresAt);
  }
  async findToken(hash: string): Promise<ApiToken | undefined> {
    const row = this.db.prepare('SELECT id, agency, label, expires_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL').get(hash) as Row | undefined;
    return row && { id: row.id as string, agency: row.agency as string, label: (row.label as string | null) ?? null, expiresAt: (row.expires_at as string | null) ?? null };
  }
  async touchToken(id: string, at: string): Promise<void> {
    // One write a minute is enough to say "last used", and keeps busy integrations from writing on every call.
    const minuteAgo = new Date(Date.parse(at) - 60_000).toISOString();
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(at, id, minuteAgo);
  }
  async listTokens(): Promise<ApiTokenInfo[]> {
    return (this.db.prepare('SELECT id, agency, label, created_at, expires_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id').all() as Row[]).map((r) => ({
      id: r.id as string,
      agency: r.agency as string,
      label: (r.label as string | null) ?? null,
      createdAt: r.created_at as string,
      expiresAt: (r.expires_at as string | null) ?? null,
      lastUsedAt: (r.last_used_at as string | null) ?? null,
      revokedAt: (r.revoked_at as string | null) ?? null,
    }));
  }
  async revokeToken(id: string): Promise<boolean> {
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.now(), id).changes > 0;
  }

  async recordLlmCall(c: LlmCallRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO llm_calls (at, feature, model, duration_ms, prompt_tokens, completion_tokens, outcome, redacted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(this.now(), c.feature, c.model, Math.round(c.durationMs), c.promptTokens, c.completionTokens, c.outcome, c.redacted ? 1 : 0);
  }

  async recentLlmCalls(limit: number) {
    return (this.db.prepare('SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => ({
      at: r.at as string,
      feature: r.feature as string,
      model: r.model as string,
      durationMs: r.duration_ms as number,
      promptTokens: (r.prompt_tokens as number | null) ?? null,
      completionTokens: (r.completion_tokens as number | null) ?? null,
      outcome: r.outcome as LlmCallRecord['outcome'],
      redacted: r.redacted === 1,
    }));
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
    duplicateOf: (r.duplicate_of as string | null) ?? null,
    firstActionAt: (r.first_action_at as string | null) ?? null,
    updatedByReporterAt: (r.updated_by_reporter_at as string | null) ?? null,
    conversationId: (r.conversation_id as string | null) ?? null,
    reporterLeftAt: (r.reporter_left_at as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    referrals,
  };
}

/** The WHERE clause of a ticket filter (without its limit). */
function filterSql(f: TicketFilter): { where: string; args: unknown[] } {
  const where: string[] = ['1 = 1'];
  const args: unknown[] = [];
  if (f.status === 'open') where.push(`t.status <> 'closed'`);
  else if (f.status) (where.push('t.status = ?'), args.push(f.status));
  if (f.priority) (where.push('t.priority = ?'), args.push(f.priority));
  if (f.caseType) (where.push('t.case_type = ?'), args.push(f.caseType));
  if (f.language) (where.push('t.language = ?'), args.push(f.language));
  if (f.channel) (where.push('t.channel = ?'), args.push(f.channel));
  if (f.assignee) (where.push('t.assignee = ?'), args.push(f.assignee));
  if (f.agency) (where.push('EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ?)'), args.push(f.agency));
  return { where: where.join(' AND '), args };
}

function toStaff(r: Row): StaffUser {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as StaffRole,
    agency: r.agency as string,
    lang: r.lang as string,
    disabled: r.disabled_at !== null && r.disabled_at !== undefined,
    telegramUserId: (r.telegram_user_id as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}

function toAgencyAlerts(r: Row): AgencyAlertConfig {
  return {
    agency: r.agency as string,
    telegramChat: (r.telegram_chat as string | null) ?? null,
    lineGroup: (r.line_group as string | null) ?? null,
    webhookUrl: (r.webhook_url as string | null) ?? null,
    webhookSecret: (r.webhook_secret as string | null) ?? null,
    lang: r.lang as string,
    updatedAt: r.updated_at as string,
  };
}

function toAttachment(r: Row): Attachment {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    ticketRef: (r.ticket_ref as string | null) ?? null,
    conversationId: (r.conversation_id as string | null) ?? null,
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
    replyTo: (r.reply_to as string | null) ?? null,
    retryKey: (r.retry_key as string | null) ?? null,
    partsSent: (r.parts_sent as number | undefined) ?? 0,
  };
}

function toInbound(r: Row): InboundRow {
  return {
    id: r.id as number,
    channel: r.channel as string,
    eventId: r.event_id as string,
    userKey: r.user_key as string,
    payload: JSON.parse(r.payload as string),
    attempts: r.attempts as number,
    receivedAt: r.received_at as string,
  };
}
