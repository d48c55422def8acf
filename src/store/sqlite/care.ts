/**
 * SQLite data access for issue 15: services and return steps (`care_items`), the monitoring
 * report's raw material, and matching (`match_keys`, `ticket_matches`). The store delegates here.
 */
import type { CareDueFilter, CareItem, CareItemInput, MonitoringData, MonitoringPage, MonitoringTicket, TicketMatch } from '../types/care.ts';
import type { Store, Tx } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { OPEN_CARE_ITEM, toCareItem } from '../care-rows.ts';

function toMatch(r: Row): TicketMatch {
  return {
    a: r.a_ref as string,
    b: r.b_ref as string,
    score: r.score as number,
    reasons: JSON.parse(r.reasons as string),
    status: r.status as TicketMatch['status'],
    reason: (r.reason as string | null) ?? null,
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: (r.decided_at as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

/**
 * A ticket as the monitoring report reads it, from a row of its fields, `nationality` and
 * `country` (json_extract of its answers: a string answer, or none) and `agencies` (a JSON list).
 */
export function toMonitoringTicket(r: Row): MonitoringTicket {
  return {
    ref: r.ref as string,
    createdAt: r.created_at as string,
    caseType: r.case_type as string,
    priority: r.priority as string,
    status: r.status as string,
    outcome: (r.outcome as string | null) ?? null,
    nationality: typeof r.nationality === 'string' ? r.nationality : null,
    country: typeof r.country === 'string' ? r.country : null,
    agencies: JSON.parse(r.agencies as string) as string[],
  };
}

/** The care, monitoring and matching tables over one connection. */
class SqliteCare {
  /** Statements through the connection's cache: a ticket's match keys are written with every new ticket. */
  private readonly db: Pick<SqliteConnection, 'prepare'>;
  private readonly now: () => string;

  constructor(c: SqliteConnection) {
    this.db = c;
    this.now = () => c.now();
  }

  careItems(ref: string): CareItem[] {
    return (this.db.prepare(`SELECT * FROM care_items WHERE ticket_ref = ? ORDER BY plan DESC, seq, created_at, id`).all(ref) as Row[]).map(toCareItem);
  }

  saveCareItem(i: CareItemInput): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO care_items (ticket_ref, plan, id, template, seq, agency, status, reason, note, due_at, planned_at, done_at, alerted_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (ticket_ref, plan, id) DO UPDATE SET template = excluded.template, seq = excluded.seq, agency = excluded.agency,
           status = excluded.status, reason = excluded.reason, note = excluded.note, due_at = excluded.due_at, planned_at = excluded.planned_at,
           done_at = excluded.done_at, alerted_at = excluded.alerted_at, updated_at = excluded.updated_at`,
      )
      .run(i.ticketRef, i.plan, i.id, i.template, i.seq, i.agency, i.status, i.reason, i.note, i.dueAt, i.plannedAt, i.doneAt, i.alertedAt, now, now);
  }

  openCareItemsDue(before: string, filter: CareDueFilter = {}): CareItem[] {
    const due = `due_at IS NOT NULL AND due_at < ? AND ${OPEN_CARE_ITEM}${filter.notAlerted ? ' AND alerted_at IS NULL' : ''}`;
    // A queue page's tickets through the primary key, from the tickets given (CROSS JOIN keeps
    // that order); the tick's through care_items_to_alert (migration 025). Reading every open item
    // past due had cost each queue page 100-190 ms at 100k tickets, a third of them with a
    // service left open.
    const rows = filter.tickets
      ? this.db.prepare(`SELECT c.* FROM json_each(?) j CROSS JOIN care_items c ON c.ticket_ref = j.value WHERE ${due} ORDER BY c.due_at`).all(JSON.stringify(filter.tickets), before)
      : this.db.prepare(`SELECT * FROM care_items${filter.notAlerted ? ' INDEXED BY care_items_to_alert' : ''} WHERE ${due} ORDER BY due_at`).all(before);
    return (rows as Row[]).map(toCareItem);
  }

  monitoringData(from: string, to: string, agency?: string, page?: MonitoringPage): MonitoringData {
    const scope = agency ? 'AND EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = @agency)' : '';
    const after = page?.after ? 'AND (t.created_at, t.ref) > (@afterAt, @afterRef)' : '';
    const args = { from, to, ...(agency ? { agency } : {}), ...(page?.after ? { afterAt: page.after.createdAt, afterRef: page.after.ref } : {}), ...(page ? { limit: page.limit } : {}) };
    const rows = this.db
      .prepare(
        `SELECT t.ref, t.created_at, t.case_type, t.priority, t.status, t.outcome,
                json_extract(t.answers, '$.nationality') AS nationality, json_extract(t.answers, '$.current_country') AS country,
                (SELECT json_group_array(r.agency) FROM referrals r WHERE r.ticket_ref = t.ref) AS agencies
         FROM tickets t WHERE t.created_at >= @from AND t.created_at < @to ${scope} ${after} ORDER BY t.created_at${page ? ', t.ref LIMIT @limit' : ''}`,
      )
      .all(args) as Row[];
    const tickets = rows.map(toMonitoringTicket);
    // A page: the rows of its tickets; the whole period: of the period's.
    const inPeriod = page ? 'SELECT value FROM json_each(@refs)' : `SELECT t.ref FROM tickets t WHERE t.created_at >= @from AND t.created_at < @to ${scope}`;
    const of = page ? { refs: JSON.stringify(tickets.map((t) => t.ref)) } : args;
    const audit = (this.db.prepare(`SELECT * FROM audit WHERE ticket_ref IN (${inPeriod}) ORDER BY id`).all(of) as Row[]).map((r) => ({
      ticketRef: r.ticket_ref as string,
      actor: r.actor as string,
      action: r.action as string,
      ...(r.detail ? { detail: JSON.parse(r.detail as string) as Record<string, unknown> } : {}),
      at: r.at as string,
    })) as MonitoringData['audit'];
    const items = (this.db.prepare(`SELECT * FROM care_items WHERE ticket_ref IN (${inPeriod}) ORDER BY ticket_ref, plan DESC, seq`).all(of) as Row[]).map(toCareItem);
    return { tickets, audit, items };
  }

  setMatchKeys(ref: string, keys: string[]): void {
    this.db.prepare('DELETE FROM match_keys WHERE ticket_ref = ?').run(ref);
    const insert = this.db.prepare('INSERT OR IGNORE INTO match_keys (ticket_ref, key) VALUES (?, ?)');
    for (const k of keys) insert.run(ref, k);
  }

  ticketsWithMatchKeys(ref: string, keys: string[]): string[] {
    if (!keys.length) return [];
    return (
      this.db
        // Those sharing the most keys first: a common name word alone must not crowd out the rest.
        .prepare(`SELECT ticket_ref, COUNT(*) AS n FROM match_keys WHERE key IN (${keys.map(() => '?').join(',')}) AND ticket_ref <> ? GROUP BY ticket_ref ORDER BY n DESC, ticket_ref LIMIT 200`)
        .all(...keys, ref) as Row[]
    ).map((r) => r.ticket_ref as string);
  }

  saveMatch(m: Omit<TicketMatch, 'createdAt' | 'updatedAt'>): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO ticket_matches (a_ref, b_ref, score, reasons, status, reason, decided_by, decided_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (a_ref, b_ref) DO UPDATE SET score = excluded.score, reasons = excluded.reasons, status = excluded.status,
           reason = excluded.reason, decided_by = excluded.decided_by, decided_at = excluded.decided_at, updated_at = excluded.updated_at`,
      )
      .run(m.a, m.b, m.score, JSON.stringify(m.reasons), m.status, m.reason, m.decidedBy, m.decidedAt, now, now);
  }

  matchesOf(ref: string): TicketMatch[] {
    return (this.db.prepare('SELECT * FROM ticket_matches WHERE a_ref = ? OR b_ref = ? ORDER BY score DESC').all(ref, ref) as Row[]).map(toMatch);
  }
}

/** The {@link Tx} methods (inside a transaction) of care items and matches. */
export function careTx(c: SqliteConnection): Pick<Tx, 'careItems' | 'saveCareItem' | 'setMatchKeys' | 'saveMatch'> {
  const care = new SqliteCare(c);
  return {
    careItems: async (ref) => care.careItems(ref),
    saveCareItem: async (item) => care.saveCareItem(item),
    setMatchKeys: async (ref, keys) => care.setMatchKeys(ref, keys),
    saveMatch: async (m) => care.saveMatch(m),
  };
}

/** The {@link Store} methods of care items, monitoring and matches. */
export function careStore(c: SqliteConnection): Pick<Store, 'careItems' | 'openCareItemsDue' | 'monitoringData' | 'ticketsWithMatchKeys' | 'matchesOf'> {
  const care = new SqliteCare(c);
  return {
    careItems: async (ref) => care.careItems(ref),
    openCareItemsDue: async (before, filter) => care.openCareItemsDue(before, filter),
    monitoringData: async (from, to, agency, page) => care.monitoringData(from, to, agency, page),
    ticketsWithMatchKeys: async (ref, keys) => care.ticketsWithMatchKeys(ref, keys),
    matchesOf: async (ref) => care.matchesOf(ref),
  };
}
