/**
 * Records of the store: Tickets, their referrals, notes and audit trail.
 */
import type { Answers } from '../../flow/types.ts';

export type TicketStatus = 'new' | 'triaged' | 'in_progress' | 'referred' | 'closed';

/** `withdrawn`: the bot took back a referral that no longer applies and nobody had acted on (audited). */
export type ReferralStatus = 'pending' | 'accepted' | 'declined' | 'done' | 'withdrawn';

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
  /** Privacy (issue 14): on legal hold since (no purge, no erasure), erasure asked by the reporter, erased (a tombstone). */
  legalHoldAt?: string | null;
  erasureRequestedAt?: string | null;
  erasedAt?: string | null;
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
  /**
   * Keyset pagination: only tickets after this one in the queue's order (priority, then age,
   * then reference), as `ticketCursor` (../ticket-cursor.ts) gives it for the last ticket of the
   * page before.
   */
  after?: string;
}

/** The statistics page's numbers, aggregated by the store (see `Store.ticketStats`). */
export interface TicketStatsData {
  /**
   * Tickets created in each week (its Monday in Thai time, `YYYY-MM-DD`: src/store/stats-weeks.ts)
   * after the week `since` falls in, by case type and priority; oldest week first.
   */
  byWeek: { week: string; caseType: string; priority: string; n: number }[];
  /**
   * Of the tickets created since `since`, by priority: how many had a first staff action, and the
   * median milliseconds from creation to it (the mean of the two middle ones for an even count).
   */
  medianFirstAction: Map<string, { ms: number | null; count: number }>;
  /** Open tickets (of any age) by agency. */
  openByAgency: { agency: string; n: number }[];
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

export interface AuditEntry {
  ticketRef: string | null;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}
