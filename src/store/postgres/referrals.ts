/**
 * Referrals of tickets to agencies, and their escalation.
 */
import type { Store, Tx } from '../store.ts';
import type { PgContext, Sql } from './connection.ts';

/** The {@link Tx} methods of referrals. */
export function referralsTx(q: Sql): Pick<Tx, 'addReferral' | 'setReferralStatus' | 'advanceEscalation'> {
  return {
    addReferral: async (ref, agency) =>
      (await q.run('INSERT INTO referrals (ticket_ref, agency, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING', [ref, agency, q.now()])) === 1,
    setReferralStatus: async (ref, agency, status, reason) => {
      await q.run('UPDATE referrals SET status = $1, reason = $2, updated_at = $3 WHERE ticket_ref = $4 AND agency = $5', [status, reason, q.now(), ref, agency]);
    },
    // Compare-and-set: of two instances escalating the same referral, one wins.
    advanceEscalation: async (ref, agency, from, to) =>
      (await q.run('UPDATE referrals SET escalation_level = $1 WHERE ticket_ref = $2 AND agency = $3 AND escalation_level = $4', [to, ref, agency, from])) === 1,
  };
}

/** The {@link Store} methods of referrals. */
export function referralsStore(c: PgContext): Pick<Store, 'pendingReferrals'> {
  return {
    async pendingReferrals() {
      const rows = await c.sql.rows(
        `SELECT r.ticket_ref, r.agency, r.created_at, r.escalation_level, t.priority FROM referrals r JOIN tickets t ON t.ref = r.ticket_ref
         WHERE r.status = 'pending' AND r.escalation_level < 2 AND t.status <> 'closed' ORDER BY r.created_at`,
      );
      return rows.map((r) => ({ ref: r.ticket_ref as string, agency: r.agency as string, priority: r.priority as string, createdAt: r.created_at as string, escalationLevel: r.escalation_level as number }));
    },
  };
}
