/**
 * The monitoring report for the committee (issue 15): a period (whole days, Thai time) and an
 * agency, the figures of src/monitoring/figures.ts over the store's audit trail, and its exports.
 */
import { RequestError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { computeFigures, figuresFromTotals, type Interval, type ReportFigures } from './figures.ts';

/** A chosen period: `from` and `to` are calendar days (inclusive), in Thai time. */
export interface Period {
  from: string;
  to: string;
  /** Only tickets referred to this agency; undefined for all. */
  agency?: string;
}

/** How long a default period is. */
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;
/** Thai time has no daylight saving: a day starts at 00:00 +07:00. */
const THAI_OFFSET = '+07:00';

/** The Thai calendar day of an instant, YYYY-MM-DD. */
export function thaiDay(instant: Date): string {
  return new Date(instant.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

const isDay = (v: string | undefined): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00${THAI_OFFSET}`));

/** Reads a period from a query (the last 30 days by default); refuses one that ends before it starts or spans more than two years. */
export function periodOf(q: { from?: string; to?: string }, now: Date): Period {
  const to = isDay(q.to) ? q.to : thaiDay(now);
  const from = isDay(q.from) ? q.from : thaiDay(new Date(Date.parse(`${to}T00:00:00${THAI_OFFSET}`) - (DEFAULT_DAYS - 1) * DAY_MS));
  if (from > to) throw new RequestError(400, 'invalid_period', 'The period ends before it starts.');
  if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > 731 * DAY_MS) throw new RequestError(400, 'invalid_period', 'A period is at most two years.');
  return { from, to };
}

/** The instants [start, end) of a period. */
export function periodBounds(p: Period): { start: string; end: string } {
  const start = new Date(`${p.from}T00:00:00${THAI_OFFSET}`).toISOString();
  const end = new Date(Date.parse(`${p.to}T00:00:00${THAI_OFFSET}`) + DAY_MS).toISOString();
  return { start, end };
}

/** Tickets read per step of the export of every interval. */
const EXPORT_CHUNK = 500;

/** Lets webhooks and timers run between the steps. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Computes reports over the store. */
export class MonitoringService {
  private readonly store: Store;
  private readonly serviceKinds: readonly string[];

  constructor(store: Store, serviceKinds: readonly string[]) {
    this.store = store;
    this.serviceKinds = serviceKinds;
  }

  /**
   * The figures of tickets created in the period (and referred to its agency, if any), aggregated
   * by the store (decision 0028): the same figures as {@link computeFigures} over every ticket.
   */
  async figures(p: Period): Promise<ReportFigures> {
    return figuresFromTotals(await this.store.monitoringTotals(p.from, p.to, p.agency), this.serviceKinds);
  }

  /**
   * Every interval measured on the period's tickets, ticket by ticket in the order they were
   * created (then by reference), each ticket's in the order {@link computeFigures} measures them.
   * Read and computed {@link EXPORT_CHUNK} tickets at a time, yielding to the event loop between.
   */
  async intervals(p: Period): Promise<Interval[]> {
    const { start, end } = periodBounds(p);
    const out: Interval[] = [];
    let after: { createdAt: string; ref: string } | undefined;
    for (;;) {
      const data = await this.store.monitoringData(start, end, p.agency, { ...(after ? { after } : {}), limit: EXPORT_CHUNK });
      out.push(...computeFigures(data, { ...(p.agency ? { agency: p.agency } : {}), serviceKinds: this.serviceKinds }).intervals);
      const last = data.tickets.at(-1);
      if (!last || data.tickets.length < EXPORT_CHUNK) return out;
      after = { createdAt: last.createdAt, ref: last.ref };
      await yieldToLoop();
    }
  }
}
