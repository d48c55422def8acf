/**
 * PostgreSQL data access for issue 15 (the twin of src/store/sqlite/care.ts): services and return
 * steps (`care_items`), the monitoring report's raw material, and matching.
 */
import type { Store, Tx } from '../store.ts';
import type { MonitoringData, TicketMatch } from '../types/care.ts';
import { json, type PgContext, type Row, type Sql } from './connection.ts';
import { OPEN_CARE_ITEM, toCareItem } from '../care-rows.ts';
import { batchedCareItems } from './care-batch.ts';

function toMatch(r: Row): TicketMatch {
  return {
    a: r.a_ref as string,
    b: r.b_ref as string,
    score: r.score as number,
    reasons: r.reasons as TicketMatch['reasons'],
    status: r.status as TicketMatch['status'],
    reason: (r.reason as string | null) ?? null,
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: (r.decided_at as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

const careItemsOf = async (q: Sql, ref: string) => (await q.rows('SELECT * FROM care_items WHERE ticket_ref = $1 ORDER BY plan DESC, seq, created_at, id', [ref])).map(toCareItem);

/** The {@link Tx} methods of care items and matches. */
export function careTx(q: Sql): Pick<Tx, 'careItems' | 'saveCareItem' | 'setMatchKeys' | 'saveMatch'> {
  return {
    careItems: (ref) => careItemsOf(q, ref),
    saveCareItem: async (i) => {
      const now = q.now();
      await q.run(
        `INSERT INTO care_items (ticket_ref, plan, id, template, seq, agency, status, reason, note, due_at, planned_at, done_at, alerted_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (ticket_ref, plan, id) DO UPDATE SET template = excluded.template, seq = excluded.seq, agency = excluded.agency,
           status = excluded.status, reason = excluded.reason, note = excluded.note, due_at = excluded.due_at, planned_at = excluded.planned_at,
           done_at = excluded.done_at, alerted_at = excluded.alerted_at, updated_at = excluded.updated_at`,
        [i.ticketRef, i.plan, i.id, i.template, i.seq, i.agency, i.status, i.reason, i.note, i.dueAt, i.plannedAt, i.doneAt, i.alertedAt, now, now],
      );
    },
    setMatchKeys: async (ref, keys) => {
      await q.run('DELETE FROM match_keys WHERE ticket_ref = $1', [ref]);
      if (keys.length) await q.run('INSERT INTO match_keys (ticket_ref, key) SELECT $1, k FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING', [ref, keys]);
    },
    saveMatch: async (m) => {
      const now = q.now();
      await q.run(
        `INSERT INTO ticket_matches (a_ref, b_ref, score, reasons, status, reason, decided_by, decided_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (a_ref, b_ref) DO UPDATE SET score = excluded.score, reasons = excluded.reasons, status = excluded.status,
           reason = excluded.reason, decided_by = excluded.decided_by, decided_at = excluded.decided_at, updated_at = excluded.updated_at`,
        [m.a, m.b, m.score, json(m.reasons), m.status, m.reason, m.decidedBy, m.decidedAt, now, now],
      );
    },
  };
}

/** The {@link Store} methods of care items, monitoring and matches. */
export function careStore(c: PgContext): Pick<Store, 'careItems' | 'openCareItemsDue' | 'monitoringData' | 'ticketsWithMatchKeys' | 'matchesOf'> {
  return {
    careItems: batchedCareItems(c.sql),
    async openCareItemsDue(before, filter = {}) {
      // A queue page's tickets through the primary key; the tick's through care_items_to_alert (migration 025).
      const args: unknown[] = filter.tickets ? [before, filter.tickets] : [before];
      const rows = await c.sql.rows(
        `SELECT * FROM care_items WHERE due_at IS NOT NULL AND due_at < $1 AND ${OPEN_CARE_ITEM}${filter.notAlerted ? ' AND alerted_at IS NULL' : ''}${filter.tickets ? ' AND ticket_ref = ANY($2::text[])' : ''} ORDER BY due_at`,
        args,
      );
      return rows.map(toCareItem);
    },
    async monitoringData(from, to, agency, page) {
      const scope = agency ? 'AND EXISTS (SELECT 1 FROM referrals r WHERE r.ticket_ref = t.ref AND r.agency = $3)' : '';
      const args: unknown[] = agency ? [from, to, agency] : [from, to];
      // A page: the tickets after its cursor, by creation time then reference.
      let after = '';
      if (page?.after) {
        args.push(page.after.createdAt, page.after.ref);
        // (The first term alone lets the index on created_at bound the scan.)
        after = `AND t.created_at >= $${args.length - 1}::timestamptz AND (t.created_at, t.ref) > ($${args.length - 1}::timestamptz, $${args.length})`;
      }
      if (page) args.push(page.limit);
      const rows = await c.sql.rows(
        `SELECT t.ref, t.created_at, t.case_type, t.priority, t.status, t.outcome, t.answers,
                (SELECT coalesce(json_agg(r.agency), '[]'::json) FROM referrals r WHERE r.ticket_ref = t.ref) AS agencies
         FROM tickets t WHERE t.created_at >= $1 AND t.created_at < $2 ${scope} ${after} ORDER BY t.created_at${page ? `, t.ref LIMIT $${args.length}` : ''}`,
        args,
      );
      // A page: the rows of its tickets; the whole period: of the period's.
      const [inPeriod, of] = page
        ? ['SELECT unnest($1::text[])', [rows.map((r) => r.ref as string)]]
        : [`SELECT t.ref FROM tickets t WHERE t.created_at >= $1 AND t.created_at < $2 ${scope}`, args];
      const audit = (await c.sql.rows(`SELECT * FROM audit WHERE ticket_ref IN (${inPeriod}) ORDER BY id`, of)).map((r) => ({
        ticketRef: r.ticket_ref as string,
        actor: r.actor as string,
        action: r.action as string,
        ...(r.detail ? { detail: r.detail as Record<string, unknown> } : {}),
        at: r.at as string,
      }));
      const items = (await c.sql.rows(`SELECT * FROM care_items WHERE ticket_ref IN (${inPeriod}) ORDER BY ticket_ref, plan DESC, seq`, of)).map(toCareItem);
      // The answers are read here, not with ->> in SQL: a json value holding an escaped U+0000 (which
      // the column keeps as written) makes PostgreSQL's json operators fail.
      const answer = (r: Row, key: string) => {
        const v = (r.answers as Record<string, unknown> | null)?.[key];
        return typeof v === 'string' ? v : null;
      };
      const data: MonitoringData = {
        tickets: rows.map((r) => ({
          ref: r.ref as string,
          createdAt: r.created_at as string,
          caseType: r.case_type as string,
          priority: r.priority as string,
          status: r.status as string,
          outcome: (r.outcome as string | null) ?? null,
          nationality: answer(r, 'nationality'),
          country: answer(r, 'current_country'),
          agencies: r.agencies as string[],
        })),
        audit,
        items,
      };
      return data;
    },
    async ticketsWithMatchKeys(ref, keys) {
      if (!keys.length) return [];
      return (
        await c.sql.rows('SELECT ticket_ref, COUNT(*) AS n FROM match_keys WHERE key = ANY($1::text[]) AND ticket_ref <> $2 GROUP BY ticket_ref ORDER BY n DESC, ticket_ref LIMIT 200', [keys, ref])
      ).map((r) => r.ticket_ref as string);
    },
    async matchesOf(ref) {
      return (await c.sql.rows('SELECT * FROM ticket_matches WHERE a_ref = $1 OR b_ref = $1 ORDER BY score DESC', [ref])).map(toMatch);
    },
  };
}
