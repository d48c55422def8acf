/**
 * The privacy duties' records (issue 14): kinds of data with a retention period, and what a purge removes.
 */

/**
 * Kinds of data with a retention period (src/privacy/retention.ts). Each is purged when older than
 * its period: a conversation that never became a ticket (since its last message), transcripts and
 * attachments of closed tickets (since the ticket last changed), sent or failed outbox rows (since
 * sent), inbound event payloads and ids (since received), staff sessions (since they expired),
 * audit rows (since written). Tickets on legal hold keep everything.
 */
export type RetentionKind = 'unticketed_conversations' | 'closed_transcripts' | 'outbox_content' | 'inbound_events' | 'closed_attachments' | 'staff_sessions' | 'audit';

/**
 * One slice of a purge (decision 0044): about `rows` rows read or removed, from where the last
 * slice stopped (its {@link PurgeResult.next}). Each slice is its own transaction, so that on
 * SQLite, where a transaction holds the bot's thread, no webhook waits behind a whole day's rows.
 * A dry run's slices count what the real run's would remove.
 */
export interface PurgeSlice {
  rows: number;
  from?: string;
}

/** What a purge removes (or, in a dry run, would remove): counts by kind, and the files to delete after commit. */
export interface PurgeResult {
  counts: Record<RetentionKind, number>;
  files: string[];
  /** Where the next slice starts (opaque to the caller); absent when the purge is done. */
  next?: string;
}
