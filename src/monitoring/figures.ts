/**
 * The monitoring report's figures (issue 15), computed from the audit trail so that each can be
 * checked against it: for a period and optionally one agency, tickets by case type, priority,
 * nationality and country; the median and 90th percentile of the time to the first staff action,
 * to a referral accepted, to each kind of service delivered, and to a return completed; overdue
 * counts per agency; and outcomes. Pure: the data comes from {@link Store.monitoringData}.
 *
 * Every interval measured is kept ({@link Interval}), so the export can list them one by one.
 */
import type { MonitoringData } from '../store/types/care.ts';

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
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

const count = (values: (string | null)[], unknown = 'unknown'): [string, number][] => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v ?? unknown, (m.get(v ?? unknown) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};

/** Computes the figures; `agency` limits referrals, services and overdue counts to that agency. */
export function computeFigures(data: MonitoringData, opts: { agency?: string; serviceKinds: readonly string[] }): MonitoringFigures {
  const { agency } = opts;
  const byTicket = new Map<string, MonitoringData['audit']>();
  for (const e of data.audit) {
    if (!e.ticketRef) continue;
    if (!byTicket.has(e.ticketRef)) byTicket.set(e.ticketRef, []);
    byTicket.get(e.ticketRef)!.push(e);
  }
  const mine = (a: unknown) => !agency || a === agency;
  const intervals: Interval[] = [];
  const add = (measure: string, ref: string, who: string | null, from: string, to: string) => intervals.push({ measure, ref, agency: who, from, to, ms: Date.parse(to) - Date.parse(from) });

  for (const t of data.tickets) {
    const rows = byTicket.get(t.ref) ?? [];
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
  }

  const measures = ['first_action', 'referral_accepted', ...opts.serviceKinds.map((k) => `service_delivered:${k}`), 'return_completed'];
  const times = measures.map((measure) => {
    const ms = intervals.filter((i) => i.measure === measure).map((i) => i.ms);
    return { measure, count: ms.length, medianMs: median(ms), p90Ms: percentile(ms, 90) };
  });

  const overdueBy = new Map<string, { agency: string; referral: number; service: number; return_step: number }>();
  for (const e of data.audit) {
    const what = OVERDUE_ACTIONS[e.action] as 'referral' | 'service' | 'return_step' | undefined;
    const a = e.detail?.agency;
    if (!what || typeof a !== 'string' || !mine(a)) continue;
    if (!overdueBy.has(a)) overdueBy.set(a, { agency: a, referral: 0, service: 0, return_step: 0 });
    overdueBy.get(a)![what] += 1;
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
