/**
 * The audit trail.
 */
import type { Store, Tx } from '../store.ts';
import { json, type PgContext, type Sql } from './connection.ts';

/** The {@link Tx} methods of the audit trail. */
export function auditTx(q: Sql): Pick<Tx, 'audit'> {
  return {
    audit: async (e) => {
      await q.run('INSERT INTO audit (ticket_ref, actor, action, detail, at) VALUES ($1, $2, $3, $4, $5)', [e.ticketRef, e.actor, e.action, e.detail ? json(e.detail) : null, q.now()]);
    },
  };
}

/** The {@link Store} methods of the audit trail. */
export function auditStore(c: PgContext): Pick<Store, 'auditOf'> {
  return {
    async auditOf(ref) {
      return (await c.sql.rows('SELECT * FROM audit WHERE ticket_ref = $1 ORDER BY id', [ref])).map((r) => ({
        ticketRef: r.ticket_ref as string,
        actor: r.actor as string,
        action: r.action as string,
        ...(r.detail ? { detail: r.detail as Record<string, unknown> } : {}),
        at: r.at as string,
      }));
    },
  };
}
