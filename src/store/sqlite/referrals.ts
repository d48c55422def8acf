/**
 * Referrals of tickets to agencies, and their escalation.
 */
import type { PendingReferral, Store, Tx } from '../store.ts';
import type { Row, SqliteConnection } from './connection.ts';

/** The {@link Tx} methods (inside a transaction) of referrals. */
export function referralsTx(c: SqliteConnection): Pick<Tx, 'addReferral' | 'setReferralStatus' | 'advanceEscalation'> {
  return {
    addReferral: async (ref, agency) => {
      const now = c.now();
      return (
        c.db
          .prepare('INSERT OR IGNORE INTO referrals (ticket_ref, agency, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(ref, agency, now, now).changes === 1
      );
    },
    setReferralStatus: async (ref, agency, status, reason) => {
      c.db.prepare('UPDATE referrals SET status = ?, reason = ?, updated_at = ? WHERE ticket_ref = ? AND agency = ?').run(status, reason, c.now(), ref, agency);
    },
    advanceEscalation: async (ref, agency, from, to) =>
      c.db.prepare('UPDATE referrals SET escalation_level = ? WHERE ticket_ref = ? AND agency = ? AND escalation_level = ?').run(to, ref, agency, from).changes === 1,
  };
}

/** The {@link Store} methods of referrals. */
export function referralsStore(c: SqliteConnection): Pick<Store, 'pendingReferrals'> {
  return {
    async pendingReferrals(): Promise<PendingReferral[]> {
      return (
        c.db
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
    },
  };
}
