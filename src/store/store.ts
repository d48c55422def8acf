/**
 * The storage interface. The conversation, the API and the CLI talk to this, never to SQL, so that a
 * PostgreSQL implementation can be added for multi-instance deployments. Methods are async for that
 * reason, even though the embedded SQLite implementation is synchronous underneath.
 */
import type { SessionState } from '../flow/types.ts';
import type { Answers } from '../flow/types.ts';
import type { CareItem, CareItemInput, MonitoringData, TicketMatch } from './care-records.ts';

export type TicketStatus = 'new' | 'triaged' | 'in_progress' | 'referred' | 'closed';
/** `withdrawn`: the bot took back a referral that no longer applies and nobody had acted on (audited). */
export type ReferralStatus = 'pending' | 'accepted' | 'declined' | 'done' | 'withdrawn';

export interface SessionRecord {
  id: string;
  channel: string;
  userId: string;
  state: SessionState;
  createdAt: string;
  updatedAt: string;
}

export interface Referral {
  agency: string;
  status: ReferralStatus;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TicketRecord {
  ref: string;
  sessionId: string;
  channel: string;
  userId: string;
  language: string | null;
  role: string | null;
  answers: Answers;
  indicators: string[];
  caseType: string;
  priority: string;
  /** Why the ticket may exist: the person's consent, or danger to life (PDPA s.24, s.26). */
  basis: 'consent' | 'vital_interest';
  status: TicketStatus;
  outcome: string | null;
  assignee: string | null;
  /** The ticket this one repeats, when staff marked it a duplicate. */
  duplicateOf: string | null;
  /** When staff first acted on it (claim, status, message, referral decision): response times. */
  firstActionAt: string | null;
  /** The reporter wrote after the screening (a message to the case) and no staff member has looked since. */
  updatedByReporterAt: string | null;
  /** The conversation (one report of the chat) the ticket came from; null for tickets older than that. */
  conversationId: string | null;
  /** The reporter used the quick exit: nothing goes to the chat until they write again. */
  reporterLeftAt: string | null;
  createdAt: string;
  updatedAt: string;
  referrals: Referral[];
}

/** The assessed part of a ticket, recomputed whenever its answers change. */
export type TicketAssessment = Pick<TicketRecord, 'language' | 'role' | 'answers' | 'indicators' | 'caseType' | 'priority' | 'basis'>;

export interface NewTicket extends TicketAssessment {
  ref: string;
  sessionId: string;
  channel: string;
  userId: string;
  conversationId?: string | null;
}

/**
 * Which report a transcript row belongs to: the conversation it was said in and, for a row written
 * to a case after its screening (a later message, staff writing, a case update), that ticket.
 */
export interface TranscriptLink {
  conversationId?: string | null;
  ticketRef?: string | null;
}

/** A transcript row, as a ticket page shows it. */
export interface TranscriptRow {
  direction: 'in' | 'out';
  body: unknown;
  createdAt: string;
}

export interface Attachment {
  id: string;
  sessionId: string;
  ticketRef: string | null;
  /** The conversation the file arrived in (see {@link TicketRecord.conversationId}). */
  conversationId?: string | null;
  channel: string;
  messageId: string | null;
  name: string | null;
  mime: string;
  size: number;
  sha256: string;
  path: string;
  createdAt: string;
}

export interface OutboxMessage {
  id: number;
  channel: string;
  recipient: string;
  /** reply: a message to the user; notify: an alert; erase: delete the bot's messages (quick exit). */
  kind: 'reply' | 'notify' | 'erase';
  payload: unknown;
  attempts: number;
  /** The inbound event this row answers (its reply token, on LINE), when it answers one. */
  replyTo?: string | null;
  /** The LINE push retry key fixed for this row before its first attempt (see {@link Store.setRetryKeys}). */
  retryKey?: string | null;
  /** Of a row sent as several messages, how many the platform has taken already. */
  partsSent?: number;
}

/** A platform event accepted but not yet handled (see {@link Store.addInbound}). */
export interface InboundRow {
  id: number;
  channel: string;
  eventId: string;
  /** The platform's user id: events of one user are handled in order. */
  userKey: string;
  payload: unknown;
  attempts: number;
  receivedAt: string;
}

export interface AuditEntry {
  ticketRef: string | null;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}

export interface TicketFilter {
  /** One status, or `open` for every status but closed. */
  status?: TicketStatus | 'open';
  priority?: string;
  /** Only tickets referred to this agency. */
  agency?: string;
  caseType?: string;
  language?: string;
  channel?: string;
  assignee?: string;
  limit?: number;
}

export type StaffRole = 'admin' | 'supervisor' | 'agent';

/** A dashboard account. The password hash never leaves the store except to be verified. */
export interface StaffUser {
  id: string;
  name: string;
  role: StaffRole;
  /** An agency id, or `*` (admins). */
  agency: string;
  lang: string;
  disabled: boolean;
  /** The linked Telegram user id (alerts' claim button, escalations), if any. */
  telegramUserId: string | null;
  createdAt: string;
}

/** A logged-in dashboard session, found by the hash of its cookie. */
export interface StaffSession {
  userId: string;
  csrf: string;
  expiresAt: string;
  lastSeenAt: string;
}

export interface Note {
  id: number;
  ticketRef: string;
  author: string;
  body: string;
  createdAt: string;
}

/** The changeable working fields of a ticket; absent fields stay as they are. */
export interface TicketWorkPatch {
  status?: TicketStatus;
  outcome?: string | null;
  assignee?: string | null;
  duplicateOf?: string | null;
}

/** The few facts of a ticket that statistics need. */
export interface TicketFacts {
  ref: string;
  createdAt: string;
  caseType: string;
  priority: string;
  status: TicketStatus;
  firstActionAt: string | null;
  agencies: string[];
}

/**
 * Where an agency's alerts go. Lives in the database (set with `npm run cli -- alerts set`), never
 * in the YAML files in git, because of the webhook secret.
 */
export interface AgencyAlertConfig {
  agency: string;
  /** A Telegram group's chat id. */
  telegramChat: string | null;
  /** A LINE group id the bot has joined. */
  lineGroup: string | null;
  /** The https:// endpoint of a case-management system. */
  webhookUrl: string | null;
  /** The HMAC-SHA256 key that signs webhook bodies. */
  webhookSecret: string | null;
  /** The language of chat alerts: th or en. */
  lang: string;
  updatedAt: string;
}

/** A LINE group the bot was added to. */
export interface LineGroup {
  groupId: string;
  joinedAt: string;
  leftAt: string | null;
}

/** A referral still waiting for its agency's answer, with what escalation needs. */
export interface PendingReferral {
  ref: string;
  agency: string;
  priority: string;
  /** When the referral was made: its response target counts from here. */
  createdAt: string;
  /** 0 nothing sent yet, 1 reminded, 2 escalated. */
  escalationLevel: number;
}

export interface ApiToken {
  id: string;
  agency: string;
  label: string | null;
  /** When it stops working; null for a token that never expires (none are made so any more). */
  expiresAt: string | null;
}

/** A token as the admin page and `token list` show it (never its hash). */
export interface ApiTokenInfo extends ApiToken {
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** One call to the language model (issue 13): what, how long, how it ended; never content. */
export interface LlmCallRecord {
  feature: string;
  model: string;
  durationMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  outcome: 'ok' | 'timeout' | 'error' | 'refusal' | 'invalid';
  redacted: boolean;
}

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
}

/** The whole store. */
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

  /** Pending outbox messages whose time has come, oldest first. */
  dueOutbox(channel: string, now: Date, limit: number): Promise<OutboxMessage[]>;
  /**
   * Chats of a channel whose oldest pending message is due, oldest first, leaving out `skip`
   * (chats being served already).
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
  addInbound(events: { channel: string; eventId: string; userKey: string; payload: unknown }[]): Promise<InboundRow[]>;
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
  /** Referrals not yet accepted or declined, on tickets that are not closed. */
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
  /** Open services and steps (not delivered, done or not possible) due before a time, oldest due first. */
  openCareItemsDue(before: string): Promise<CareItem[]>;
  /**
   * Tickets created in [from, to), optionally only those referred to one agency, with their audit
   * rows and care items: what the monitoring report is computed from.
   */
  monitoringData(from: string, to: string, agency?: string): Promise<MonitoringData>;
  /** Tickets other than `ref` that share any of `keys`, those sharing the most first (at most 200). */
  ticketsWithMatchKeys(ref: string, keys: string[]): Promise<string[]>;
  /** The matches a ticket is part of. */
  matchesOf(ref: string): Promise<TicketMatch[]>;

  close(): Promise<void>;
}
