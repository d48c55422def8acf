/**
 * The monitoring report's figures (issue 15), computed from the audit trail so that each can be
 * checked against it: for a period and optionally one agency, tickets by case type, priority,
 * nationality and country; the median and 90th percentile of the time to the first staff action,
 * to a referral accepted, to each kind of service delivered, and to a return completed; overdue
 * counts per agency; and outcomes. Pure: the data comes from {@link Store.monitoringData}, ticket
 * by ticket ({@link computeFigures}, the reference), or as the store's aggregates
 * ({@link figuresFromTotals}: SQLite keeps each ticket's facts, computed by the same functions).
 *
 * Every interval measured is kept ({@link Interval}), so the export can list them one by one.
 */
import { nearestRank } from '../store/monitoring-ranks.ts';
import type { CountDimension, MonitoringData, MonitoringTicket, MonitoringTotals, OverdueKind } from '../store/types/care.ts';

/**
 * The staff actions that count as acting on a ticket (the same that stamp the ticket's first action
 * time): viewing it, writing a note or downloading a file do not.
 */
export const FIRST_ACTIONS: readonly string[] = [
  'ticket.claimed',
  'ticket.assigned',
  'ticket.status_changed',
  'referral.accepted',
  'referral.declined',
  'referral.created',
  'ticket.transferred',
  'message.sent',
  'ticket.marked_duplicate',
  'service.status_changed',
  'return.started',
  'return.step_changed',
];

/** The audit rows that say something was overdue, by what was late. */
export const OVERDUE_ACTIONS: Readonly<Record<string, string>> = { 'referral.reminded': 'referral', 'service.overdue': 'service', 'return_step.overdue': 'return_step' };

/**
 * Every audit action the figures read: a ticket's figures are computed again when one of these is
 * written or removed (the triggers of migration 021 list the same; a test holds them equal).
 */
export const MONITORED_ACTIONS: readonly string[] = [
  ...new Set([
    'ticket.created',
    ...FIRST_ACTIONS,
    'referral.created',
    'referral.accepted',
    'ticket.transferred',
    'service.requested',
    'service.status_changed',
    'return.started',
    'return.completed',
    ...Object.keys(OVERDUE_ACTIONS),
  ]),
];

/** One measured time: from one audit row to another. */
export interface Interval {
  /** first_action, referral_accepted, service_delivered:<kind>, return_completed */
  measure: string;
  ref: string;
  /** The agency concerned (referral, service), if any. */
  agency: string | null;
  from: string;
  to: string;
  ms: number;
}

/** A measure's summary. */
export interface TimeFigure {
  measure: string;
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/** The whole report. */
export interface MonitoringFigures {
  tickets: number;
  byCaseType: [string, number][];
  byPriority: [string, number][];
  byNationality: [string, number][];
  byCountry: [string, number][];
  times: TimeFigure[];
  /** Per agency, per kind of thing overdue (referral, service, return_step). */
  overdue: { agency: string; referral: number; service: number; return_step: number }[];
  /** Closed tickets by outcome, and `open` for those not closed. */
  outcomes: [string, number][];
  intervals: Interval[];
}

/**
 * The report as pages and exports show it: the figures, without the list of every interval, and
 * `pending` when the store had not counted every changed ticket yet (decision 0034; with
 * `pendingMore`, more than that many), and `unreadable` when this read found tickets the store
 * could not read (left out; the caller logs it, as the background catch-up does).
 */
export type ReportFigures = Omit<MonitoringFigures, 'intervals'> & { pending?: number; pendingMore?: boolean; unreadable?: number };

/** The median (the mean of the two middle values of an even count), or null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A percentile by the nearest-rank method: the smallest value with at least p% of values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[nearestRank(s.length, p)]!;
}

/** Sorts counts: the largest first, then by name. */
export const byCount = (entries: [string, number][]): [string, number][] => entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

const count = (values: (string | null)[], unknown = 'unknown'): [string, number][] => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v ?? unknown, (m.get(v ?? unknown) ?? 0) + 1);
  return byCount([...m]);
};

/** The report's audit rows (as `Store.auditOf` gives them). */
type AuditRow = MonitoringData['audit'][number];

/** What a ticket is counted under: case type, priority, nationality, country (`unknown` when not given) and outcome (`open` when not closed). */
export function countKeys(t: Pick<MonitoringTicket, 'caseType' | 'priority' | 'nationality' | 'country' | 'status' | 'outcome'>): Record<CountDimension, string> {
  return {
    case_type: t.caseType ?? 'unknown',
    priority: t.priority ?? 'unknown',
    nationality: t.nationality ?? 'unknown',
    country: t.country ?? 'unknown',
    outcome: t.status === 'closed' ? (t.outcome ?? 'other') : 'open',
  };
}

/**
 * The times measured on one ticket, from its audit rows in order; with `agency`, only its
 * referrals and services count (the report of one agency).
 */
export function ticketIntervals(t: Pick<MonitoringTicket, 'ref' | 'createdAt'>, rows: readonly AuditRow[], agency?: string): Interval[] {
  const mine = (a: unknown) => !agency || a === agency;
  const intervals: Interval[] = [];
  const add = (measure: string, ref: string, who: string | null, from: string, to: string) => intervals.push({ measure, ref, agency: who, from, to, ms: Date.parse(to) - Date.parse(from) });

  const created = rows.find((e) => e.action === 'ticket.created')?.at ?? t.createdAt;
  const first = rows.find((e) => e.actor.startsWith('staff:') && FIRST_ACTIONS.includes(e.action));
  if (first) add('first_action', t.ref, null, created, first.at);

  // Each referral: from its creation to its first acceptance.
  const referredAt = new Map<string, string>();
  const accepted = new Set<string>();
  for (const e of rows) {
    // A transfer refers the case to its `to` agency.
    const a = e.action === 'ticket.transferred' ? e.detail?.to : e.detail?.agency;
    if (typeof a !== 'string' || !mine(a)) continue;
    if ((e.action === 'referral.created' || e.action === 'ticket.transferred') && !referredAt.has(a)) referredAt.set(a, e.at);
    if (e.action === 'referral.accepted' && referredAt.has(a) && !accepted.has(a)) {
      accepted.add(a);
      add('referral_accepted', t.ref, a, referredAt.get(a)!, e.at);
    }
  }

  // Each service: from its request to its first delivery.
  const requested = new Map<string, { at: string; agency: string }>();
  const delivered = new Set<string>();
  for (const e of rows) {
    const kind = e.detail?.kind;
    if (typeof kind !== 'string' || !mine(e.detail?.agency)) continue;
    if (e.action === 'service.requested' && !requested.has(kind)) requested.set(kind, { at: e.at, agency: String(e.detail?.agency ?? '') });
    if (e.action === 'service.status_changed' && e.detail?.to === 'delivered' && requested.has(kind) && !delivered.has(kind)) {
      delivered.add(kind);
      add(`service_delivered:${kind}`, t.ref, requested.get(kind)!.agency, requested.get(kind)!.at, e.at);
    }
  }

  // The return: from the plan's start to its completion with arrival.
  const started = rows.find((e) => e.action === 'return.started');
  const completed = rows.find((e) => e.action === 'return.completed' && e.detail?.arrived !== false);
  if (started && completed) add('return_completed', t.ref, null, started.at, completed.at);
  return intervals;
}

/** The overdue rows among `rows`, by agency and by what was late; with `agency`, that agency's only. */
export function overdueRows(rows: readonly AuditRow[], agency?: string): { agency: string; kind: OverdueKind }[] {
  const out: { agency: string; kind: OverdueKind }[] = [];
  for (const e of rows) {
    const what = OVERDUE_ACTIONS[e.action] as OverdueKind | undefined;
    const a = e.detail?.agency;
    if (!what || typeof a !== 'string' || (agency && a !== agency)) continue;
    out.push({ agency: a, kind: what });
  }
  return out;
}

/** The measures of the report, in the order it shows them. */
export const measuresOf = (serviceKinds: readonly string[]): string[] => ['first_action', 'referral_accepted', ...serviceKinds.map((k) => `service_delivered:${k}`), 'return_completed'];

/**
 * Computes the figures ticket by ticket; `agency` limits referrals, services and overdue counts to
 * that agency. The reference the store's aggregates ({@link figuresFromTotals}) are tested against,
 * and what the export of every interval is made of.
 */
export function computeFigures(data: MonitoringData, opts: { agency?: string; serviceKinds: readonly string[] }): MonitoringFigures {
  const { agency } = opts;
  const byTicket = new Map<string, MonitoringData['audit']>();
  for (const e of data.audit) {
    if (!e.ticketRef) continue;
    if (!byTicket.has(e.ticketRef)) byTicket.set(e.ticketRef, []);
    byTicket.get(e.ticketRef)!.push(e);
  }
  const intervals: Interval[] = [];
  for (const t of data.tickets) intervals.push(...ticketIntervals(t, byTicket.get(t.ref) ?? [], agency));

  const times = measuresOf(opts.serviceKinds).map((measure) => {
    const ms = intervals.filter((i) => i.measure === measure).map((i) => i.ms);
    return { measure, count: ms.length, medianMs: median(ms), p90Ms: percentile(ms, 90) };
  });

  const overdueBy = new Map<string, { agency: string; referral: number; service: number; return_step: number }>();
  for (const { agency: a, kind } of overdueRows(data.audit, agency)) {
    if (!overdueBy.has(a)) overdueBy.set(a, { agency: a, referral: 0, service: 0, return_step: 0 });
    overdueBy.get(a)![kind] += 1;
  }

  return {
    tickets: data.tickets.length,
    byCaseType: count(data.tickets.map((t) => t.caseType)),
    byPriority: count(data.tickets.map((t) => t.priority)).sort((a, b) => a[0].localeCompare(b[0])),
    byNationality: count(data.tickets.map((t) => t.nationality)),
    byCountry: count(data.tickets.map((t) => t.country)),
    times,
    overdue: [...overdueBy.values()].sort((a, b) => a.agency.localeCompare(b.agency)),
    outcomes: count(data.tickets.map((t) => (t.status === 'closed' ? (t.outcome ?? 'other') : 'open'))),
    intervals,
  };
}

/**
 * The figures from the store's aggregates ({@link Store.monitoringTotals}): the same sections in
 * the same order as {@link computeFigures}, but the list of intervals (the export reads those in
 * chunks: {@link MonitoringService.intervals}).
 */
export function figuresFromTotals(totals: MonitoringTotals, serviceKinds: readonly string[]): ReportFigures {
  const counts = (dim: CountDimension) => totals.counts.filter((c) => c.dim === dim && c.n > 0).map((c): [string, number] => [c.value, c.n]);
  const timeOf = new Map(totals.times.map((t) => [t.measure, t]));
  const overdueBy = new Map<string, { agency: string; referral: number; service: number; return_step: number }>();
  for (const { agency, kind, n } of totals.overdue) {
    if (n <= 0) continue;
    if (!overdueBy.has(agency)) overdueBy.set(agency, { agency, referral: 0, service: 0, return_step: 0 });
    overdueBy.get(agency)![kind] += n;
  }
  return {
    tickets: counts('case_type').reduce((sum, [, n]) => sum + n, 0),
    byCaseType: byCount(counts('case_type')),
    byPriority: byCount(counts('priority')).sort((a, b) => a[0].localeCompare(b[0])),
    byNationality: byCount(counts('nationality')),
    byCountry: byCount(counts('country')),
    times: measuresOf(serviceKinds).map((measure) => timeOf.get(measure) ?? { measure, count: 0, medianMs: null, p90Ms: null }),
    overdue: [...overdueBy.values()].sort((a, b) => a.agency.localeCompare(b.agency)),
    outcomes: byCount(counts('outcome')),
    ...(totals.pending ? { pending: totals.pending } : {}),
    ...(totals.pending && totals.pendingMore ? { pendingMore: true } : {}),
    ...(totals.unreadable ? { unreadable: totals.unreadable } : {}),
  };
}
