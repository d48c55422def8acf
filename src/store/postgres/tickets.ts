/**
 * Tickets: the queue, one ticket, a user's tickets, statistics.
 */
import type { Store, TicketFilter, TicketRecord, TicketStatus, Tx } from '../store.ts';
import { parseTicketCursor } from '../ticket-cursor.ts';
import { json, type PgContext, type Row, type Sql } from './connection.ts';
import { toReferral, toTicket } from './rows.ts';

/** The tickets matching a WHERE clause (over `t`, in `from`), each with its referrals. */
export async function ticketsWhere(q: Sql, where: string, args: unknown[], tail = '', from = 'tickets t'): Promise<TicketRecord[]> {
  const rows = await q.rows(`SELECT t.* FROM ${from} WHERE ${where} ${tail}`, args);
  if (rows.length === 0) return [];
  const referrals = await q.rows('SELECT * FROM referrals WHERE ticket_ref = ANY($1::text[]) ORDER BY created_at, agency', [rows.map((r) => r.ref as string)]);
  return rows.map((r) => toTicket(r, referrals.filter((x) => x.ticket_ref === r.ref).map(toReferral)));
}

/**
 * The WHERE clause of a ticket filter (without its limit); parameters numbered from $1, after
 * `before` (placeholders the caller fills in first).
 */
function filterSql(f: TicketFilter, before: unknown[] = []): { where: string; args: unknown[] } {
  const where: string[] = ['true'];
  const args: unknown[] = [...before];
  const arg = (v: unknown) => (args.push(v), `$${args.length}`);
  if (f.status === 'open') where.push(`t.status <> 'closed'`);
  else if (f.status) where.push(`t.status = ${arg(f.status)}`);
  if (f.priority) where.push(`t.priority = ${arg(f.priority)}`);
  if (f.caseType) where.push(`t.case_type = ${arg(f.caseType)}`);
  if (f.language) where.push(`t.language = ${arg(f.language)}`);
  if (f.channel) where.push(`t.channel = ${arg(f.channel)}`);
  if (f.assignee) where.push(`t.assignee = ${arg(f.assignee)}`);
  if (f.agency) where.push(`EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = ${arg(f.agency)})`);
  return { where: where.join(' AND '), args };
}

/** The {@link Tx} methods of tickets. */
export function ticketsTx(q: Sql): Pick<Tx, 'getTicket' | 'ticketsOfUser' | 'insertTicket' | 'updateAssessment' | 'updateTicketWork' | 'setReporterUpdate' | 'setReporterLeft'> {
  return {
    getTicket: async (ref) => (await ticketsWhere(q, 't.ref = $1', [ref]))[0],
    ticketsOfUser: async (channel, userId) => ticketsWhere(q, 't.channel = $1 AND t.user_id = $2', [channel, userId], 'ORDER BY t.created_at DESC'),
    insertTicket: async (t) => {
      await q.run(
        `INSERT INTO tickets (ref, session_id, channel, user_id, language, role, answers, indicators, case_type, priority, basis, created_at, updated_at, conversation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)`,
        [t.ref, t.sessionId, t.channel, t.userId, t.language, t.role, json(t.answers), json(t.indicators), t.caseType, t.priority, t.basis, q.now(), t.conversationId ?? null],
      );
    },
    updateAssessment: async (ref, a) => {
      await q.run('UPDATE tickets SET language = $1, role = $2, answers = $3, indicators = $4, case_type = $5, priority = $6, basis = $7, updated_at = $8 WHERE ref = $9', [
        a.language,
        a.role,
        json(a.answers),
        json(a.indicators),
        a.caseType,
        a.priority,
        a.basis,
        q.now(),
        ref,
      ]);
    },
    updateTicketWork: async (ref, p) => {
      const sets: string[] = [];
      const args: unknown[] = [];
      const set = (column: string, v: unknown) => (args.push(v), sets.push(`${column} = $${args.length}`));
      if (p.status !== undefined) set('status', p.status);
      if (p.outcome !== undefined) set('outcome', p.outcome);
      if (p.assignee !== undefined) set('assignee', p.assignee);
      if (p.duplicateOf !== undefined) set('duplicate_of', p.duplicateOf);
      args.push(q.now(), ref);
      const now = `$${args.length - 1}`;
      await q.run(`UPDATE tickets SET ${[...sets, `first_action_at = COALESCE(first_action_at, ${now})`, `updated_at = ${now}`].join(', ')} WHERE ref = $${args.length}`, args);
    },
    setReporterUpdate: async (ref, updated) => {
      await q.run('UPDATE tickets SET updated_by_reporter_at = $1 WHERE ref = $2', [updated ? q.now() : null, ref]);
    },
    setReporterLeft: async (channel, userId, left) => {
      if (left) await q.run('UPDATE tickets SET reporter_left_at = $1 WHERE channel = $2 AND user_id = $3', [q.now(), channel, userId]);
      else await q.run('UPDATE tickets SET reporter_left_at = NULL WHERE channel = $1 AND user_id = $2 AND reporter_left_at IS NOT NULL', [channel, userId]);
    },
  };
}

/** The {@link Store} methods of tickets. */
export function ticketsStore(c: PgContext): Pick<Store, 'getTicket' | 'listTickets' | 'countByStatus' | 'ticketFacts'> {
  return {
    async getTicket(ref) {
      return (await ticketsWhere(c.sql, 't.ref = $1', [ref]))[0];
    },
    async listTickets(f) {
      // In the order of migration 018's indexes, the reference last (tickets of the same
      // millisecond): a page is read from an index up to its limit, and the next page from after
      // the last ticket of this one (keyset). One agency's tickets are read through its
      // referrals, which carry the ticket's order (migration 022's indexes).
      const limit = `LIMIT ${Math.min(f.limit ?? 200, 1000)}`;
      const after = f.after ? parseTicketCursor(f.after) : undefined;
      const keyArgs = after ? [after.priority, after.createdAt, after.ref] : [];
      const keysetOf = (args: unknown[], cols: string) =>
        after ? ` AND (${cols}) > ($${args.length + 1}, $${args.length + 2}::timestamptz, $${args.length + 3})` : '';
      if (f.agency) {
        const { where, args } = filterSql({ ...f, agency: undefined, status: undefined }, [f.agency]);
        const status = f.status === 'open' ? ` AND r.ticket_status <> 'closed'` : f.status ? ` AND r.ticket_status = $${args.push(f.status)}` : '';
        const keyset = keysetOf(args, 'r.ticket_priority, r.ticket_created_at, r.ticket_ref');
        return ticketsWhere(c.sql, `r.agency = $1${status} AND ${where}${keyset}`, [...args, ...keyArgs], `ORDER BY r.ticket_priority ASC, r.ticket_created_at ASC, r.ticket_ref ASC ${limit}`, 'referrals r JOIN tickets t ON t.ref = r.ticket_ref');
      }
      const { where, args } = filterSql(f);
      const keyset = keysetOf(args, 't.priority, t.created_at, t.ref');
      return ticketsWhere(c.sql, where + keyset, [...args, ...keyArgs], `ORDER BY t.priority ASC, t.created_at ASC, t.ref ASC ${limit}`);
    },
    async countByStatus(f) {
      const counts: Record<TicketStatus, number> = { new: 0, triaged: 0, in_progress: 0, referred: 0, closed: 0 };
      for (const r of await statusCounts(c.sql, f)) counts[r.status as TicketStatus] = Number(r.n);
      return counts;
    },
    async ticketFacts(since, agency) {
      const rows = await c.sql.rows(
        `SELECT t.ref, t.created_at, t.case_type, t.priority, t.status, t.first_action_at,
                COALESCE((SELECT json_agg(r.agency) FROM referrals r WHERE r.ticket_ref = t.ref), '[]'::json) AS agencies
         FROM tickets t WHERE t.created_at >= $1
         ${agency ? 'AND EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = $2)' : ''}
         ORDER BY t.created_at`,
        // '' for every ticket (a timestamp column takes no empty string).
        agency ? [since || '0001-01-01T00:00:00Z', agency] : [since || '0001-01-01T00:00:00Z'],
      );
      return rows.map((r) => ({
        ref: r.ref as string,
        createdAt: r.created_at as string,
        caseType: r.case_type as string,
        priority: r.priority as string,
        status: r.status as TicketStatus,
        firstActionAt: (r.first_action_at as string | null) ?? null,
        agencies: r.agencies as string[],
      }));
    },
  };
}

/**
 * Tickets by status for a filter, without counting the tickets: from the running totals of
 * migration 022 (the folded totals plus the changes not yet folded, in one statement) when the
 * filter is on the ticket's own fields, on one agency or on one assignee; by counting otherwise
 * (one agency's or one person's tickets of one kind, from their indexes).
 */
async function statusCounts(q: Sql, f: TicketFilter): Promise<Row[]> {
  const totals = (table: string, status: string, where: string, args: unknown[]) =>
    q.rows(
      `SELECT ${status} AS status, sum(n) AS n FROM (SELECT ${status}, n FROM ${table}s WHERE ${where} UNION ALL SELECT ${status}, n FROM ${table}_changes WHERE ${where}) x GROUP BY 1`,
      args,
    );
  if (!f.agency && !f.assignee) {
    const where: string[] = ['true'];
    const args: unknown[] = [];
    const eq = (column: string, v: string | undefined) => v !== undefined && where.push(`${column} = $${args.push(v)}`);
    eq('priority', f.priority);
    eq('case_type', f.caseType);
    eq('language', f.language);
    eq('channel', f.channel);
    return totals('ticket_count', 'status', where.join(' AND '), args);
  }
  const onlyOne = !f.priority && !f.caseType && !f.language && !f.channel;
  if (f.agency && !f.assignee && onlyOne) return totals('referral_count', 'ticket_status', 'agency = $1', [f.agency]);
  if (f.assignee && !f.agency && onlyOne) return totals('assignee_count', 'status', 'assignee = $1', [f.assignee]);
  if (f.agency) {
    const { where, args } = filterSql({ ...f, agency: undefined, status: undefined }, [f.agency]);
    return q.rows(`SELECT r.ticket_status AS status, count(*) AS n FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref WHERE r.agency = $1 AND ${where} GROUP BY 1`, args);
  }
  const { where, args } = filterSql({ ...f, status: undefined });
  return q.rows(`SELECT t.status, count(*) AS n FROM tickets t WHERE ${where} GROUP BY t.status`, args);
}
