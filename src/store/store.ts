/**
 * The storage interface. The conversation, the API and the CLI talk to this, never to SQL, so that a
 * PostgreSQL implementation can be added for multi-instance deployments. Methods are async for that
 * reason, even though the embedded SQLite implementation is synchronous underneath.
 */
import type { SessionRecord } from './types/sessions.ts';
import type { AuditEntry, NewTicket, Note, PendingReferral, ReferralStatus, TicketAssessment, TicketFacts, TicketFilter, TicketRecord, TicketStatsData, TicketStatus, TicketWorkPatch } from './types/tickets.ts';
import type { Attachment, TranscriptLink, TranscriptRow } from './types/transcripts.ts';
import type { InboundRow, NewInboundEvent, OutboxMessage } from './types/delivery.ts';
import type { StaffRole, StaffSession, StaffUser } from './types/staff.ts';
import type { AgencyAlertConfig, LineGroup } from './types/alerts.ts';
import type { ApiToken, ApiTokenInfo } from './types/api-tokens.ts';
import type { LlmCallRecord } from './types/llm-calls.ts';
import type { CareDueFilter, CareItem, CareItemInput, MonitoringData, MonitoringPage, MonitoringRefresh, MonitoringTotals, TicketMatch } from './types/care.ts';
import type { PurgeResult, PurgeSlice, RetentionKind } from './types/privacy.ts';

/** The records, by feature (in `./types/`). */
export type * from './types/sessions.ts';
export type * from './types/tickets.ts';
export type * from './types/transcripts.ts';
export type * from './types/delivery.ts';
export type * from './types/staff.ts';
export type * from './types/alerts.ts';
export type * from './types/api-tokens.ts';
export type * from './types/llm-calls.ts';
export type * from './types/care.ts';
export type * from './types/privacy.ts';

/** Reads and writes inside one transaction. */
export interface Tx {
  /** Records an inbound event id; false when it was seen before (a redelivery). */
  claimEvent(channel: string, eventId: string): Promise<boolean>;

  getSession(id: string): Promise<SessionRecord | undefined>;
  saveSession(session: Omit<SessionRecord, 'createdAt' | 'updatedAt'>): Promise<void>;
  /**
   * Erases a chat that has no ticket (quick exit): session, transcript, delivered replies and loose
   * attachments. Returns the attachments' file paths, to delete after commit.
   */
  eraseSession(id: string, channel: string, userId: string): Promise<string[]>;
  addTranscript(sessionId: string, direction: 'in' | 'out', body: unknown, messageId?: string, link?: TranscriptLink): Promise<void>;
  /** The platform ids of the user's messages in a session's transcript. */
  inboundMessageIds(sessionId: string): Promise<string[]>;
  /** Removes a message the user took back (LINE unsend); returns how many rows went. */
  deleteTranscriptMessage(sessionId: string, messageId: string): Promise<number>;
  /**
   * Takes back a message the user unsent: deletes its transcript rows and its attachments; returns
   * the rows' bodies and links (what the message answered) and the files to delete after commit.
   */
  unsendMessage(sessionId: string, messageId: string): Promise<{ rows: (TranscriptLink & { body: unknown })[]; files: string[] }>;
  /** Replaces `text` with `by` in the bot's messages of one conversation (an unsent answer read back). */
  redactOutbound(sessionId: string, conversationId: string, text: string, by: string): Promise<void>;
  /** Marks (or clears) the quick exit on every ticket of a chat. */
  setReporterLeft(channel: string, userId: string, left: boolean): Promise<void>;
  /** Deletes every message to a chat not yet delivered (quick exit); returns how many. */
  cancelPending(channel: string, recipient: string): Promise<number>;

  getTicket(ref: string): Promise<TicketRecord | undefined>;
  ticketsOfUser(channel: string, userId: string): Promise<TicketRecord[]>;
  insertTicket(ticket: NewTicket): Promise<void>;
  updateAssessment(ref: string, assessment: TicketAssessment): Promise<void>;
  /** Adds a referral unless the ticket already has one for that agency; true when added. */
  addReferral(ref: string, agency: string): Promise<boolean>;

  addAttachment(a: Omit<Attachment, 'createdAt' | 'ticketRef'>): Promise<void>;
  /**
   * Attaches the loose attachments of a conversation (or, for a ticket older than conversations, of
   * the session) to its ticket.
   */
  linkAttachments(sessionId: string, ref: string, conversationId?: string | null): Promise<void>;

  /** Changes status, outcome, assignee or duplicate mark; stamps the first staff action once. */
  updateTicketWork(ref: string, patch: TicketWorkPatch): Promise<void>;
  setReferralStatus(ref: string, agency: string, status: ReferralStatus, reason: string | null): Promise<void>;
  addNote(ref: string, author: string, body: string): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  /** Where an agency's alerts go, if it said. */
  agencyAlerts(agency: string): Promise<AgencyAlertConfig | undefined>;
  /** Marks that the reporter wrote to an existing case (or, with `false`, that staff have seen it). */
  setReporterUpdate(ref: string, updated: boolean): Promise<void>;
  /** Moves a referral's escalation level from `from` to `to`; false when it was not at `from` (done already). */
  advanceEscalation(ref: string, agency: string, from: number, to: number): Promise<boolean>;
  /** The newest message sent in a session (by the bot or staff), if any. */
  lastOutbound(sessionId: string): Promise<unknown>;
  /** The newest message sent in a session, with the case it was written to (staff, case updates). */
  lastOutboundRow(sessionId: string): Promise<{ body: unknown; ticketRef: string | null } | undefined>;
  enqueue(msg: Omit<OutboxMessage, 'id' | 'attempts'>, opts?: { delivered?: boolean }): Promise<number>;

  // Care, repatriation and matching (issue 15).
  /** A ticket's services and return steps, services first, then steps in plan order. */
  careItems(ref: string): Promise<CareItem[]>;
  /** Writes a service or step (insert, or replace the one with the same ticket, plan and id). */
  saveCareItem(item: CareItemInput): Promise<void>;
  /** Replaces the match keys of a ticket (see src/matching/). */
  setMatchKeys(ref: string, keys: string[]): Promise<void>;
  /** Writes a match (insert, or replace the one between the same two tickets). */
  saveMatch(match: Omit<TicketMatch, 'createdAt' | 'updatedAt'>): Promise<void>;

  /** Sets or clears a ticket's legal hold and the reporter's erasure request (issue 14); absent flags stay. */
  setPrivacyFlags(ref: string, flags: { legalHold?: boolean; erasureRequested?: boolean }): Promise<void>;
  /**
   * Removes what is older than its kind's cutoff (ISO time; a kind without one is kept). A dry run
   * counts the same rows and changes nothing. With `slice`, removes one slice of it and says where
   * the next starts (a store that does not block its caller may do it all in one).
   */
  purgeExpired(cutoffs: Partial<Record<RetentionKind, string>>, opts: { dryRun: boolean; slice?: PurgeSlice }): Promise<PurgeResult>;
  /**
   * Erases a ticket's content, leaving a tombstone (reference, dates, priority, case type, outcome,
   * referrals, audit): answers, transcript, attachments, notes, the chat's session when it holds this
   * report, and the chat's outbox content. Returns the attachments' file paths, to delete after commit.
   */
  eraseTicket(ref: string): Promise<string[]>;
}

/** The whole store. */
/** Told of a pending outbox row just committed: its channel, its chat, and whether it is urgent. */
export type OutboxListener = (channel: string, recipient: string, urgent: boolean) => void;

export interface Store {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;

  getTicket(ref: string): Promise<TicketRecord | undefined>;
  listTickets(filter: TicketFilter): Promise<TicketRecord[]>;
  attachmentsOf(ref: string): Promise<Attachment[]>;
  /** Everything said in a chat, every report of it: for the channels, never for a ticket page. */
  transcriptOf(sessionId: string): Promise<TranscriptRow[]>;
  /**
   * The transcript of one ticket: its conversation's rows and the rows written to it later; never
   * another report of the same chat. `until` (ISO time) leaves out what arrived after it.
   */
  ticketTranscript(ticket: Pick<TicketRecord, 'ref' | 'sessionId' | 'conversationId'>, until?: string): Promise<TranscriptRow[]>;
  /** When the reporter last wrote to the case itself (after its screening), if ever. */
  lastMessageToCaseAt(ref: string): Promise<string | undefined>;
  auditOf(ref: string): Promise<(AuditEntry & { at: string })[]>;

  /**
   * Tells `listener` of every pending outbox row once its transaction is committed, in this
   * process: the dispatcher then sends it without looking for it. Absent on a store that cannot
   * tell (the dispatcher then looks each time it is woken).
   */
  onOutboxWritten?(listener: OutboxListener): void;
  /** Pending outbox messages whose time has come, oldest first. */
  dueOutbox(channel: string, now: Date, limit: number): Promise<OutboxMessage[]>;
  /**
   * Chats of a channel whose oldest pending message is due, oldest first, leaving out `skip`
   * (chats being served already); chats with an urgent message (the danger path) before all others.
   */
  dueRecipients(channel: string, now: Date, limit: number, skip: string[]): Promise<string[]>;
  /** One chat's pending messages that may go now, in order: up to the first that waits for a retry. */
  dueOutboxOf(channel: string, recipient: string, now: Date, limit: number): Promise<OutboxMessage[]>;
  /** Takes the pending messages of one recipient (the simulator's poll) and marks them sent. */
  takeOutbox(channel: string, recipient: string): Promise<OutboxMessage[]>;
  markSent(id: number): Promise<void>;
  /** Schedules another attempt; `outage` says the platform was down (not the row's fault): see {@link releaseOutage}. */
  markRetry(id: number, error: string, nextAttemptAt: Date, opts?: { outage?: boolean }): Promise<void>;
  /** A channel's platform answers again: the rows held by its outage become due now. Returns how many. */
  releaseOutage(channel: string, now: Date): Promise<number>;
  /** Fixes the retry keys of rows before their first push, durably (a restart must reuse them). */
  setRetryKeys(keys: { id: number; key: string }[]): Promise<void>;
  /** Records that the platform took the first `parts` messages of a row sent as several. */
  markPartsSent(id: number, parts: number): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;

  /**
   * Stores platform events before the platform is answered; events already stored or already
   * handled (their id claimed by the conversation) are skipped. Returns the rows added, in order.
   */
  addInbound(events: NewInboundEvent[]): Promise<InboundRow[]>;
  /** Events not handled yet, oldest first (after a restart). */
  pendingInbound(): Promise<InboundRow[]>;
  /** Forgets a handled event (its payload may hold a message). */
  deleteInbound(id: number): Promise<void>;
  /** Counts a failed attempt at handling an event. */
  failInbound(id: number, error: string): Promise<void>;

  /** Keeps the reply token of one inbound event (LINE: each event has its own, single use). */
  saveReplyToken(channel: string, recipient: string, eventId: string, token: string): Promise<void>;
  /** Takes (and deletes) an event's reply token if it arrived at or after `notBefore`. */
  takeReplyToken(channel: string, eventId: string, notBefore: Date): Promise<string | undefined>;

  /** Marks a chat as (un)reachable: the user blocked or unblocked the bot. */
  setUnreachable(channel: string, userId: string, unreachable: boolean): Promise<void>;
  /** Remembers the platform id of a message the bot sent (for deleting it at a quick exit). */
  recordSentMessage(channel: string, recipient: string, messageId: string): Promise<void>;
  /** Takes (and forgets) the ids of the bot's messages in a chat sent after `since`. */
  takeSentMessages(channel: string, recipient: string, since: Date): Promise<string[]>;

  /** Counts per status of the tickets matching the filter (its status ignored). */
  countByStatus(filter: TicketFilter): Promise<Record<TicketStatus, number>>;
  /** Facts of tickets created since a time, for statistics; optionally only one agency's. */
  ticketFacts(since: string, agency?: string): Promise<TicketFacts[]>;
  /**
   * The statistics page's numbers since a time, optionally of one agency's tickets, aggregated in
   * the database (SQLite: running totals; PostgreSQL: on the server) so that the page never holds
   * up the bot, whatever the number of tickets.
   */
  ticketStats(since: string, agency?: string): Promise<TicketStatsData>;
  notesOf(ref: string): Promise<Note[]>;
  /** When the reporter of a session last wrote, if ever. */
  lastInboundAt(sessionId: string): Promise<string | undefined>;

  createStaff(user: { id: string; name: string; role: StaffRole; agency: string; lang: string; passwordHash: string }): Promise<void>;
  /** A user and their password hash, by login name (case-insensitive). */
  findStaffByName(name: string): Promise<(StaffUser & { passwordHash: string }) | undefined>;
  getStaff(id: string): Promise<StaffUser | undefined>;
  listStaff(): Promise<StaffUser[]>;
  updateStaff(id: string, patch: { role?: StaffRole; agency?: string; lang?: string; disabled?: boolean; passwordHash?: string; telegramUserId?: string | null }): Promise<void>;
  /** The (enabled or not) staff member linked to a Telegram user id. */
  findStaffByTelegram(telegramUserId: string): Promise<StaffUser | undefined>;

  /** Sets where an agency's alerts go; absent fields stay, null clears. */
  setAgencyAlerts(agency: string, patch: Partial<Omit<AgencyAlertConfig, 'agency' | 'updatedAt'>>): Promise<void>;
  listAgencyAlerts(): Promise<AgencyAlertConfig[]>;
  /** Records that the bot joined (or left) a LINE group. */
  recordLineGroup(groupId: string, joined: boolean): Promise<void>;
  listLineGroups(): Promise<LineGroup[]>;
  /**
   * Referrals not yet accepted or declined, on tickets that are not closed, and not escalated
   * yet (escalation level below 2: nothing more is sent for them).
   */
  pendingReferrals(): Promise<PendingReferral[]>;

  createStaffSession(s: { idHash: string; userId: string; csrf: string; expiresAt: string }): Promise<void>;
  /** A session that has not expired; touches its last-seen time unless `touch` is false (background refresh). */
  useStaffSession(idHash: string, now: string, touch?: boolean): Promise<StaffSession | undefined>;
  deleteStaffSession(idHash: string): Promise<void>;
  /** Ends every session of a user (disabled, password changed). */
  deleteStaffSessionsOf(userId: string): Promise<void>;

  recordLoginFailure(key: string): Promise<void>;
  /** How many failures a throttling key had since a time, and when the last was. */
  loginFailuresSince(key: string, since: string): Promise<{ count: number; lastAt: string | null }>;
  clearLoginFailures(key: string): Promise<void>;

  createToken(token: { id: string; hash: string; agency: string; label: string | null; expiresAt: string | null }): Promise<void>;
  /** A token that is not revoked, by its hash (expired ones too: the caller says why it is refused). */
  findToken(hash: string): Promise<ApiToken | undefined>;
  /** Records a use of a token (at most about once a minute is written). */
  touchToken(id: string, at: string): Promise<void>;
  /** Every token, newest first. */
  listTokens(): Promise<ApiTokenInfo[]>;
  /** Revokes a token; false when there is no such token or it was revoked already. */
  revokeToken(id: string): Promise<boolean>;

  /** Writes the audit row of one model call. */
  recordLlmCall(call: LlmCallRecord): Promise<void>;
  /** The newest model calls, newest first. */
  recentLlmCalls(limit: number): Promise<(LlmCallRecord & { at: string })[]>;

  // Care, repatriation, monitoring and matching (issue 15).
  careItems(ref: string): Promise<CareItem[]>;
  /**
   * Open services and steps (not delivered, done or not possible) due before a time, oldest due
   * first; with `tickets`, only theirs (a queue page's), with `notAlerted`, only those whose agency
   * has not been told yet (the minute tick's). Either is read through an index of its own, so
   * neither grows with the items that stay overdue for good.
   */
  openCareItemsDue(before: string, filter?: CareDueFilter): Promise<CareItem[]>;
  /**
   * Tickets created in [from, to), optionally only those referred to one agency, with their audit
   * rows and care items: what the monitoring report is computed from. With `page`, the tickets
   * after its cursor (by creation time, then reference), at most its limit, with theirs.
   */
  monitoringData(from: string, to: string, agency?: string, page?: MonitoringPage): Promise<MonitoringData>;
  /**
   * The monitoring report's figures of the tickets created in the Thai calendar days [fromDay,
   * toDay] (YYYY-MM-DD), optionally only those referred to one agency (and then only its referrals,
   * services and overdue rows), aggregated by the store: the same figures as the report's
   * ticket-by-ticket computation over {@link monitoringData} (decision 0028).
   */
  monitoringTotals(fromDay: string, toDay: string, agency?: string): Promise<MonitoringTotals>;
  /**
   * Computes the facts of the tickets marked as changed again (decision 0034), as many as fit in
   * about `maxMs` (nothing when none is marked): on SQLite of the thread, as one piece of work in
   * the transaction queue; on PostgreSQL on the server, one instance at a time. The background
   * catch-up's step; a store without facts has none.
   */
  refreshMonitoring?(maxMs: number): Promise<MonitoringRefresh>;
  /** Tickets other than `ref` that share any of `keys`, those sharing the most first (at most 200). */
  ticketsWithMatchKeys(ref: string, keys: string[]): Promise<string[]>;
  /** The matches a ticket is part of. */
  matchesOf(ref: string): Promise<TicketMatch[]>;

  // Several instances on one database (issue 16). On SQLite (one process) the same calls, in memory.

  /**
   * Claims inbound events for this instance: for each chat whose oldest pending event no other
   * instance holds, its pending events not claimed here yet, oldest first, leased to this instance
   * while it lives. A chat is so handled by one instance at a time, in the order accepted; an
   * instance that dies leaves its chats to the next claim once its leases run out.
   */
  claimInbound(limit: number): Promise<InboundRow[]>;
  /** {@link dueRecipients}, leased to this instance: no other instance delivers to these chats meanwhile. */
  claimRecipients(channel: string, now: Date, limit: number, skip: string[]): Promise<string[]>;
  /** Gives back the delivery lease of a chat (it had nothing more due). */
  releaseRecipient(channel: string, recipient: string): Promise<void>;
  /**
   * Takes a lock that one instance holds at a time (Telegram's long poll, a timer's round);
   * undefined when another holds it. It goes with its instance.
   */
  acquireLock(name: string): Promise<{ release(): Promise<void> } | undefined>;
  /**
   * Counts a request against a rate limit key; the count and end of its current window. With
   * `increment: false` only reads them (0 and now when no window is running).
   */
  hitRateLimit(key: string, windowMs: number, now: Date, opts?: { increment?: boolean }): Promise<{ count: number; resetAt: string }>;

  /**
   * Leaves no copy of deleted rows behind in the database's files: folds the WAL into the file and
   * truncates it (after a purge or an erasure); with `vacuum` it also rebuilds the file, holding every
   * other transaction meanwhile. Runs between transactions.
   */
  scrub(opts?: { vacuum?: boolean }): Promise<void>;
  /**
   * Waits until the database's own background work has caught up with what was committed (SQLite:
   * a WAL checkpoint in its worker thread; PostgreSQL: nothing to wait for). For long writing jobs,
   * between their slices.
   */
  catchUp(): Promise<void>;

  close(): Promise<void>;
}
