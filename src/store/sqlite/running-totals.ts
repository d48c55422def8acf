/**
 * The running totals of migrations 014 and 018 (queue counts, statistics) and the referrals' copies
 * of their ticket's fields, computed again from the tickets and referrals themselves. The triggers
 * keep them as every write happens; this is for a bulk load that ran without the triggers (the
 * scale bench's seed), and a check or repair if they were ever changed by hand.
 */
import type Database from 'better-sqlite3-multiple-ciphers';

/** The statements, in order: referral copies first, then each total from scratch. */
const REBUILD = [
  // Only the referrals whose copy differs: an unchanged one is not rewritten (nor its totals touched).
  `UPDATE referrals AS r SET (ticket_status, ticket_priority, ticket_created_at, ticket_case_type, ticket_first_action_at) =
     (t.status, t.priority, t.created_at, t.case_type, t.first_action_at)
   FROM tickets t
   WHERE t.ref = r.ticket_ref AND (r.ticket_status, r.ticket_priority, r.ticket_created_at, r.ticket_case_type, r.ticket_first_action_at) IS NOT
     (t.status, t.priority, t.created_at, t.case_type, t.first_action_at)`,
  'DELETE FROM ticket_counts',
  `INSERT INTO ticket_counts (status, priority, language, channel, case_type, n)
     SELECT status, priority, IFNULL(language, ''), channel, case_type, COUNT(*) FROM tickets GROUP BY status, priority, IFNULL(language, ''), channel, case_type`,
  'DELETE FROM ticket_weeks',
  `INSERT INTO ticket_weeks (agency, week, case_type, priority, n)
     SELECT '', stats_week, case_type, priority, COUNT(*) FROM tickets GROUP BY stats_week, case_type, priority`,
  `INSERT INTO ticket_weeks (agency, week, case_type, priority, n)
     SELECT agency, ticket_week, ticket_case_type, ticket_priority, COUNT(*) FROM referrals GROUP BY agency, ticket_week, ticket_case_type, ticket_priority`,
  'DELETE FROM ticket_wait_weeks',
  `INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
     SELECT '', stats_week, priority, first_wait_bucket, COUNT(*) FROM tickets WHERE first_action_at IS NOT NULL GROUP BY stats_week, priority, first_wait_bucket`,
  `INSERT INTO ticket_wait_weeks (agency, week, priority, bucket, n)
     SELECT agency, ticket_week, ticket_priority, ticket_wait_bucket, COUNT(*) FROM referrals WHERE ticket_first_action_at IS NOT NULL GROUP BY agency, ticket_week, ticket_priority, ticket_wait_bucket`,
  'DELETE FROM referral_counts',
  'INSERT INTO referral_counts (agency, ticket_status, n) SELECT agency, ticket_status, COUNT(*) FROM referrals GROUP BY agency, ticket_status',
  'DELETE FROM assignee_counts',
  'INSERT INTO assignee_counts (assignee, status, n) SELECT assignee, status, COUNT(*) FROM tickets WHERE assignee IS NOT NULL GROUP BY assignee, status',
];

/** Computes every running total again from the rows, in one transaction. */
export function rebuildRunningTotals(db: Database.Database): void {
  db.transaction(() => {
    for (const sql of REBUILD) db.prepare(sql).run();
  })();
}
