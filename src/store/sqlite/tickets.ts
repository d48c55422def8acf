/**
 * Tickets: their assessment and working fields, and the queries of the queue and of statistics.
 */
import type { Store, TicketFacts, TicketFilter, TicketRecord, TicketStatus, Tx } from '../store.ts';
import { parseTicketCursor } from '../ticket-cursor.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';
import { toReferral, toTicket } from './rows.ts';

/** One ticket with its referrals. */
function getTicket(c: SqliteConnection, ref: string): TicketRecord | undefined {
  return ticketsWhere(c, 't.ref = ?', [ref])[0];
}

/** The tickets matching a WHERE clause over `tickets t`, each with its referrals. */
function ticketsWhere(c: SqliteConnection, where: string, args: unknown[], tail = '', from = 'tickets t'): TicketRecord[] {
  const rows = c.prepare(`SELECT t.* FROM ${from} WHERE ${where} ${tail}`).all(...args) as Row[];
  if (rows.length === 0) return [];
  const refs = rows.map((r) => r.ref as string);
  const referrals = c.prepare(`SELECT * FROM referrals WHERE ticket_ref IN (${refs.map(() => '?').join(',')}) ORDER BY created_at, agency`)
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
      c.prepare(
          `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, created_at, updated_at, conversation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.ref, t.sessionId, t.channel, t.userId, t.language, t.role, json(t.answers), json(t.indicators), t.caseType, t.priority, t.basis, now, now, t.conversationId ?? null);
    },
    updateAssessment: async (ref, a) => {
      c.prepare(
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
      c.prepare(`UPDATE tickets SET ${[...sets, 'first_action_at = COALESCE(first_action_at, ?)', 'updated_at = ?'].join(', ')} WHERE ref = ?`)
        .run(...args, now, now, ref);
    },
    setReporterUpdate: async (ref, updated) => {
      c.prepare('UPDATE tickets SET updated_by_reporter_at = ? WHERE ref = ?').run(updated ? c.now() : null, ref);
    },
    setReporterLeft: async (channel, userId, left) => {
      if (left) c.prepare('UPDATE tickets SET reporter_left_at = ? WHERE channel = ? AND user_id = ?').run(c.now(), channel, userId);
      else c.prepare('UPDATE tickets SET reporter_left_at = NULL WHERE channel = ? AND user_id = ? AND reporter_left_at IS NOT NULL').run(channel, userId);
    },
  };
}

/** The {@link Store} methods of tickets. */
export function ticketsStore(c: SqliteConnection): Pick<Store, 'getTicket' | 'listTickets' | 'countByStatus' | 'ticketFacts'> {
  return {
    getTicket: async (ref) => getTicket(c, ref),
    async listTickets(f: TicketFilter): Promise<TicketRecord[]> {
      // The order of the indexes of migration 014: a page is read from an index up to its limit.
      // The reference orders tickets created in the same millisecond, for the cursor. One
      // agency's tickets are read through its referrals, which carry the ticket's order.
      const limit = `LIMIT ${Math.min(f.limit ?? 200, 1000)}`;
      const after = f.after ? parseTicketCursor(f.after) : undefined;
      const keyArgs = after ? [after.priority, after.createdAt, after.priority, after.createdAt, after.ref] : [];
      if (f.agency) {
        const { where, args } = filterSql({ ...f, agency: undefined, status: undefined });
        const status = f.status === 'open' ? ` AND r.ticket_status <> 'closed'` : f.status ? ' AND r.ticket_status = ?' : '';
        const keyset = after ? ' AND (r.ticket_priority, r.ticket_created_at) >= (?, ?) AND NOT (r.ticket_priority = ? AND r.ticket_created_at = ? AND r.ticket_ref <= ?)' : '';
        const statusArgs = f.status && f.status !== 'open' ? [f.status] : [];
        return ticketsWhere(c, `r.agency = ?${status} AND ${where}${keyset}`, [f.agency, ...statusArgs, ...args, ...keyArgs], `ORDER BY r.ticket_priority ASC, r.ticket_created_at ASC, r.ticket_ref ASC ${limit}`, 'referrals r JOIN tickets t ON t.ref = r.ticket_ref');
      }
      const { where, args } = filterSql(f);
      const keyset = after ? ' AND (t.priority, t.created_at) >= (?, ?) AND NOT (t.priority = ? AND t.created_at = ? AND t.ref <= ?)' : '';
      return ticketsWhere(c, where + keyset, [...args, ...keyArgs], `ORDER BY t.priority ASC, t.created_at ASC, t.ref ASC ${limit}`);
    },
    async countByStatus(f: TicketFilter): Promise<Record<TicketStatus, number>> {
      const counts: Record<TicketStatus, number> = { new: 0, triaged: 0, in_progress: 0, referred: 0, closed: 0 };
      for (const r of statusCounts(c, f)) counts[r.status as TicketStatus] = r.n as number;
      return counts;
    },
    async ticketFacts(since: string, agency?: string): Promise<TicketFacts[]> {
      const rows = c.prepare(
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

/**
 * Tickets by status for a filter, without counting every ticket: from the running totals
 * (migrations 014 and 018) when the filter is on the ticket's own fields, on one agency or on one
 * assignee, and by counting otherwise (one agency's or one person's tickets of one kind).
 */
function statusCounts(c: SqliteConnection, f: TicketFilter): Row[] {
  if (!f.agency && !f.assignee) {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (f.priority) (where.push('priority = ?'), args.push(f.priority));
    if (f.caseType) (where.push('case_type = ?'), args.push(f.caseType));
    if (f.language) (where.push('language = ?'), args.push(f.language));
    if (f.channel) (where.push('channel = ?'), args.push(f.channel));
    return c.prepare(`SELECT status, SUM(n) AS n FROM ticket_counts WHERE ${where.join(' AND ')} GROUP BY status`).all(...args) as Row[];
  }
  const onlyOne = !f.priority && !f.caseType && !f.language && !f.channel;
  if (f.agency && !f.assignee && onlyOne) return c.prepare('SELECT ticket_status AS status, n FROM referral_counts WHERE agency = ?').all(f.agency) as Row[];
  if (f.assignee && !f.agency && onlyOne) return c.prepare('SELECT status, n FROM assignee_counts WHERE assignee = ?').all(f.assignee) as Row[];
  const { where, args } = filterSql({ ...f, status: undefined });
  return c.prepare(`SELECT t.status, COUNT(*) AS n FROM tickets t WHERE ${where} GROUP BY t.status`).all(...args) as Row[];
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
