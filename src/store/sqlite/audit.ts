/**
 * The audit trail of tickets.
 */
import type { Store, Tx } from '../store.ts';
import { json, type Row, type SqliteConnection } from './connection.ts';

/** The {@link Tx} methods (inside a transaction) of the audit trail. */
export function auditTx(c: SqliteConnection): Pick<Tx, 'audit'> {
  return {
    audit: async (e) => {
      c.db
        .prepare('INSERT INTO audit (ticket_ref, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)')
        .run(e.ticketRef, e.actor, e.action, e.detail ? json(e.detail) : null, c.now());
    },
  };
}

/** The {@link Store} methods of the audit trail. */
export function auditStore(c: SqliteConnection): Pick<Store, 'auditOf'> {
  return {
    async auditOf(ref: string) {
      return (c.db.prepare('SELECT * FROM audit WHERE ticket_ref = ? ORDER BY id').all(ref) as Row[]).map((r) => ({
        ticketRef: r.ticket_ref as string,
        actor: r.actor as string,
        action: r.action as string,
        ...(r.detail ? { detail: JSON.parse(r.detail as string) as Record<string, unknown> } : {}),
        at: r.at as string,
      }));
    },
  };
}
