/**
 * The monitoring report for the committee (issue 15): a period (whole days, Thai time) and an
 * agency, the figures of src/monitoring/figures.ts over the store's audit trail, and its exports.
 */
import { RequestError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { computeFigures, type MonitoringFigures } from './figures.ts';

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

/** Computes reports over the store. */
export class MonitoringService {
  private readonly store: Store;
  private readonly serviceKinds: readonly string[];

  constructor(store: Store, serviceKinds: readonly string[]) {
    this.store = store;
    this.serviceKinds = serviceKinds;
  }

  /** The figures of tickets created in the period (and referred to its agency, if any). */
  async figures(p: Period): Promise<MonitoringFigures> {
    const { start, end } = periodBounds(p);
    const data = await this.store.monitoringData(start, end, p.agency);
    return computeFigures(data, { ...(p.agency ? { agency: p.agency } : {}), serviceKinds: this.serviceKinds });
  }
}
