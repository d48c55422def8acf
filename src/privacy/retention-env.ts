/**
 * The retention periods (issue 14), merged into the schema of `src/config/env.ts`: one variable per
 * kind of data, in days, 0 to keep that kind for ever. The defaults are the safe ones documented
 * in `.env.example` and the README ("Privacy and data protection").
 */
import { z } from 'zod';
import type { RetentionKind } from '../store/store.ts';

const days = (fallback: number) => z.coerce.number().int().min(0).max(36_500).default(fallback);

/** Each kind's variable and default period. */
export const RETENTION_VARIABLES: Record<RetentionKind, { name: string; days: number }> = {
  // A screening left before it became a ticket: RapidPro keeps sessions 7 days; a month lets a
  // person who had to put the phone away come back.
  unticketed_conversations: { name: 'RETENTION_UNTICKETED_DAYS', days: 30 },
  // A closed case's conversation: a year, for a case reopened or a late question from the police.
  closed_transcripts: { name: 'RETENTION_CLOSED_TRANSCRIPT_DAYS', days: 365 },
  closed_attachments: { name: 'RETENTION_CLOSED_ATTACHMENTS_DAYS', days: 365 },
  // Sent replies repeat answers (read-backs, summaries); they serve delivery only.
  outbox_content: { name: 'RETENTION_OUTBOX_DAYS', days: 30 },
  // Platform events: handled ones are gone already; this is their ids (for de-duplication) and
  // any that could never be handled.
  inbound_events: { name: 'RETENTION_INBOUND_DAYS', days: 7 },
  // Counted from when the session expired.
  staff_sessions: { name: 'RETENTION_STAFF_SESSIONS_DAYS', days: 1 },
  // Who saw and did what: five years.
  audit: { name: 'RETENTION_AUDIT_DAYS', days: 1825 },
};

/** The RETENTION_* variables. */
export const retentionEnv = Object.fromEntries(Object.values(RETENTION_VARIABLES).map((v) => [v.name, days(v.days)])) as Record<
  | 'RETENTION_UNTICKETED_DAYS'
  | 'RETENTION_CLOSED_TRANSCRIPT_DAYS'
  | 'RETENTION_CLOSED_ATTACHMENTS_DAYS'
  | 'RETENTION_OUTBOX_DAYS'
  | 'RETENTION_INBOUND_DAYS'
  | 'RETENTION_STAFF_SESSIONS_DAYS'
  | 'RETENTION_AUDIT_DAYS',
  ReturnType<typeof days>
>;

/** The period of each kind, in days (0: kept for ever), from a parsed configuration. */
export function retentionPeriods(config: Record<string, unknown>): Record<RetentionKind, number> {
  return Object.fromEntries(Object.entries(RETENTION_VARIABLES).map(([kind, v]) => [kind, Number(config[v.name] ?? v.days)])) as Record<RetentionKind, number>;
}
