/**
 * The records of issue 15 (care, repatriation, monitoring, matching) as the store speaks of them.
 */

/** A service's status: requested, arranged, delivered, or not possible (with a reason). */
export type ServiceStatus = 'requested' | 'arranged' | 'delivered' | 'not_possible';
/** A return step's status. */
export type StepStatus = 'pending' | 'in_progress' | 'done' | 'not_possible';

/**
 * One thing done for a person after the referral: a service (`plan: 'service'`, `id` the need's
 * kind) or a step of a return plan (`plan: 'return'`, `id` the step's id, `template` the plan).
 */
export interface CareItem {
  ticketRef: string;
  plan: 'service' | 'return';
  id: string;
  template: string | null;
  seq: number;
  agency: string;
  status: ServiceStatus | StepStatus;
  /** Why it is not possible (free text staff wrote; never in the audit trail). */
  reason: string | null;
  note: string | null;
  dueAt: string | null;
  /** A step's planned date (e.g. the travel date), as staff set it. */
  plannedAt: string | null;
  doneAt: string | null;
  /** When its agency was alerted that it is overdue (once). */
  alertedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A care item to write; the store stamps the times. */
export type CareItemInput = Omit<CareItem, 'createdAt' | 'updatedAt'>;

/** A ticket as the monitoring report counts it: codes only. */
export interface MonitoringTicket {
  ref: string;
  createdAt: string;
  caseType: string;
  priority: string;
  /** new, triaged, in_progress, referred or closed. */
  status: string;
  outcome: string | null;
  nationality: string | null;
  country: string | null;
  agencies: string[];
}

/** The monitoring report's raw material for a period: tickets, their audit rows and care items. */
export interface MonitoringData {
  tickets: MonitoringTicket[];
  /** The audit rows of those tickets (as `Store.auditOf` gives them). */
  audit: { ticketRef: string | null; actor: string; action: string; detail?: Record<string, unknown>; at: string }[];
  items: CareItem[];
}

/** What the monitoring report counts tickets by. */
export type CountDimension = 'case_type' | 'priority' | 'nationality' | 'country' | 'outcome';

/** What was overdue, as the monitoring report tells it apart. */
export type OverdueKind = 'referral' | 'service' | 'return_step';

/**
 * The monitoring report's figures of a period as the store aggregates them (see
 * `figuresFromTotals` in src/monitoring/figures.ts for what each means): tickets by each
 * dimension, the count, exact median and 90th percentile (nearest rank) of each measure present,
 * and overdue rows by agency and kind.
 */
export interface MonitoringTotals {
  counts: { dim: CountDimension; value: string; n: number }[];
  times: { measure: string; count: number; medianMs: number | null; p90Ms: number | null }[];
  overdue: { agency: string; kind: OverdueKind; n: number }[];
  /**
   * Tickets marked as changed whose facts were not computed again yet when the totals were read
   * (decision 0034): the figures leave them out, or count them as they were before the
   * change. Absent when there are none (the figures are exact).
   */
  pending?: number;
  /** True when more than `pending` are marked (they are counted up to a bound). */
  pendingMore?: boolean;
  /**
   * Tickets whose rows the store could not read while this read brought the figures up to date,
   * now left out of them (PostgreSQL; absent when none). Told once: their marks are cleared.
   */
  unreadable?: number;
}

/** One step of the monitoring catch-up (`Store.refreshMonitoring`). */
export interface MonitoringRefresh {
  /** Tickets whose facts were computed again. */
  computed: number;
  /** Whether tickets are still marked after the step. */
  remaining: boolean;
  /** Time the step held the thread. */
  workMs: number;
  /** Time the step waited in the transaction queue behind other work. */
  waitedMs: number;
  /** Pieces of work waiting in the queue when the step ended (the bot's, usually). */
  waiting: number;
  /** Pieces of other work that entered the queue since the previous step (the bot was active). */
  others: number;
  /** Tickets whose rows the store could not read, left out of the figures (PostgreSQL; absent when none). */
  unreadable?: number;
}

/** A page of {@link MonitoringData}: the tickets after `after` (by creation time, then reference), at most `limit` of them. */
export interface MonitoringPage {
  after?: { createdAt: string; ref: string };
  limit: number;
}

/** A match between two reports, as stored. `a` is the lower reference. */
export interface TicketMatch {
  a: string;
  b: string;
  score: number;
  /** Why they may be the same person: codes with what matched (no names: see the tickets). */
  reasons: { code: string; weight: number }[];
  status: 'suggested' | 'confirmed' | 'rejected';
  /** Why staff rejected it (free text). */
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Which of the open care items due before a time to read (see `Store.openCareItemsDue`). */
export interface CareDueFilter {
  /** Only these tickets' items. */
  tickets?: string[];
  /** Only items whose agency has not been told they are overdue. */
  notAlerted?: boolean;
}
