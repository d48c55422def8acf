/**
 * The storage interface. The conversation, the API and the CLI talk to this, never to SQL, so that a
 * PostgreSQL implementation can be added for multi-instance deployments. Methods are async for that
 * reason, even though the embedded SQLite implementation is synchronous underneath.
 */
import type { SessionState } from '../flow/types.ts';
import type { Answers } from '../flow/types.ts';

export type TicketStatus = 'new' | 'triaged' | 'in_progress' | 'referred' | 'closed';
export type ReferralStatus = 'pending' | 'accepted' | 'declined' | 'done';

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
}

export interface Attachment {
  id: string;
  sessionId: string;
  ticketRef: string | null;
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
  kind: 'reply' | 'notify';
  payload: unknown;
  attempts: number;
}

export interface AuditEntry {
  ticketRef: string | null;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}

export interface TicketFilter {
  status?: TicketStatus;
  priority?: string;
  /** Only tickets referred to this agency. */
  agency?: string;
  limit?: number;
}

export interface ApiToken {
  id: string;
  agency: string;
  label: string | null;
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
  addTranscript(sessionId: string, direction: 'in' | 'out', body: unknown, messageId?: string): Promise<void>;

  getTicket(ref: string): Promise<TicketRecord | undefined>;
  ticketsOfUser(channel: string, userId: string): Promise<TicketRecord[]>;
  insertTicket(ticket: NewTicket): Promise<void>;
  updateAssessment(ref: string, assessment: TicketAssessment): Promise<void>;
  /** Adds a referral unless the ticket already has one for that agency; true when added. */
  addReferral(ref: string, agency: string): Promise<boolean>;

  addAttachment(a: Omit<Attachment, 'createdAt' | 'ticketRef'>): Promise<void>;
  /** Attaches the session's loose attachments to its ticket. */
  linkAttachments(sessionId: string, ref: string): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  enqueue(msg: Omit<OutboxMessage, 'id' | 'attempts'>, opts?: { delivered?: boolean }): Promise<number>;
}

/** The whole store. */
export interface Store {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;

  getTicket(ref: string): Promise<TicketRecord | undefined>;
  listTickets(filter: TicketFilter): Promise<TicketRecord[]>;
  attachmentsOf(ref: string): Promise<Attachment[]>;
  transcriptOf(sessionId: string): Promise<{ direction: 'in' | 'out'; body: unknown; createdAt: string }[]>;
  auditOf(ref: string): Promise<(AuditEntry & { at: string })[]>;

  /** Pending outbox messages whose time has come, oldest first. */
  dueOutbox(channel: string, now: Date, limit: number): Promise<OutboxMessage[]>;
  /** Takes the pending messages of one recipient (the simulator's poll) and marks them sent. */
  takeOutbox(channel: string, recipient: string): Promise<OutboxMessage[]>;
  markSent(id: number): Promise<void>;
  markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;

  createToken(token: { id: string; hash: string; agency: string; label: string | null }): Promise<void>;
  findToken(hash: string): Promise<ApiToken | undefined>;

  close(): Promise<void>;
}
