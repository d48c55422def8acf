/**
 * Tickets: their assessment and working fields, and the queries of the queue and of statistics.
 */
import type { Store, TicketFacts, TicketFilter, TicketRecord, TicketStatus, Tx } from '../store.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';
import { toReferral, toTicket } from './rows.ts';

/** One ticket with its referrals. */
function getTicket(c: SqliteConnection, ref: string): TicketRecord | undefined {
  return ticketsWhere(c, 't.ref = ?', [ref])[0];
}

/** The tickets matching a WHERE clause over `tickets t`, each with its referrals. */
function ticketsWhere(c: SqliteConnection, where: string, args: unknown[], tail = ''): TicketRecord[] {
  const rows = c.db.prepare(`SELECT t.* FROM tickets t WHERE ${where} ${tail}`).all(...args) as Row[];
  if (rows.length === 0) return [];
  const refs = rows.map((r) => r.ref as string);
  const referrals = c.db
    .prepare(`SELECT * FROM referrals WHERE ticket_ref IN (${refs.map(() => '?').join(',')}) ORDER BY created_at, agency`)
    .all(...refs) as Row[];
  return rows.map((r) => toTicket(r, referrals.filter((x) => x.ticket_ref === r.ref).map(toReferral)));
}

/** The {@link Tx} methods (inside a transaction) of tickets. */
export function ticketsTx(c: SqliteConnection): Pick<Tx, 'getTicket' | 'ticketsOfUser' | 'insertTicket' | 'updateAssessment' | 'updateTicketWork' | 'setReporterUpdate' | 'setReporterLeft'> {
  return {
    getTicket: async (ref) => getTicket(c, ref),
    ticketsOfUser: async (channel, userId) =>
      ticketsWhere(c, 't.channel = ? AND t.user_id = ?', [channel, userId], 'ORDER BY t.created_at DESC'),
    insertTicket: async (t) => {
      const now = c.now();
      c.db
        .prepare(
          `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, created_at, updated_at, conversation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.ref, t.sessionId, t.channel, t.userId, t.language, t.role, json(t.answers), json(t.indicators), t.caseType, t.priority, t.basis, now, now, t.conversationId ?? null);
    },
    updateAssessment: async (ref, a) => {
      c.db
        .prepare(
          `UPDATE tickets SET language = ?, role = ?, answers = ?, indicators = ?, case_type = ?, priority = ?, basis = ?, updated_at = ? WHERE ref = ?`,
        )
        .run(a.language, a.role, json(a.answers), json(a.indicators), a.caseType, a.priority, a.basis, c.now(), ref);
    },
    updateTicketWork: async (ref, p) => {
      const sets: string[] = [];
      const args: unknown[] = [];
      if (p.status !== undefined) (sets.push('status = ?'), args.push(p.status));
      if (p.outcome !== undefined) (sets.push('outcome = ?'), args.push(p.outcome));
      if (p.assignee !== undefined) (sets.push('assignee = ?'), args.push(p.assignee));
      if (p.duplicateOf !== undefined) (sets.push('duplicate_of = ?'), args.push(p.duplicateOf));
      const now = c.now();
      c.db
        .prepare(`UPDATE tickets SET ${[...sets, 'first_action_at = COALESCE(first_action_at, ?)', 'updated_at = ?'].join(', ')} WHERE ref = ?`)
        .run(...args, now, now, ref);
    },
    setReporterUpdate: async (ref, updated) => {
      c.db.prepare('UPDATE tickets SET updated_by_reporter_at = ? WHERE ref = ?').run(updated ? c.now() : null, ref);
    },
    setReporterLeft: async (channel, userId, left) => {
      if (left) c.db.prepare('UPDATE tickets SET reporter_left_at = ? WHERE channel = ? AND user_id = ?').run(c.now(), channel, userId);
      else c.db.prepare('UPDATE tickets SET reporter_left_at = NULL WHERE channel = ? AND user_id = ? AND reporter_left_at IS NOT NULL').run(channel, userId);
    },
  };
}

/** The {@link Store} methods of tickets. */
export function ticketsStore(c: SqliteConnection): Pick<Store, 'getTicket' | 'listTickets' | 'countByStatus' | 'ticketFacts'> {
  return {
    getTicket: async (ref) => getTicket(c, ref),
    async listTickets(f: TicketFilter): Promise<TicketRecord[]> {
      const { where, args } = filterSql(f);
      return ticketsWhere(c, where, args, `ORDER BY t.priority ASC, t.created_at ASC LIMIT ${Math.min(f.limit ?? 200, 1000)}`);
    },
    async countByStatus(f: TicketFilter): Promise<Record<TicketStatus, number>> {
      const { where, args } = filterSql({ ...f, status: undefined });
      const counts: Record<TicketStatus, number> = { new: 0, triaged: 0, in_progress: 0, referred: 0, closed: 0 };
      for (const r of c.db.prepare(`SELECT t.status, COUNT(*) AS n FROM tickets t WHERE ${where} GROUP BY t.status`).all(...args) as Row[]) {
        counts[r.status as TicketStatus] = r.n as number;
      }
      return counts;
    },
    async ticketFacts(since: string, agency?: string): Promise<TicketFacts[]> {
      const rows = c.db
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
    },
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
