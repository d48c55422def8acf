/**
 * What the SQLite and PostgreSQL care data access share (issue 15): which `care_items` rows are
 * still open, and how a row becomes a `CareItem` (both drivers hand back the same column values).
 */
import type { CareItem } from './types/care.ts';

/** SQL condition for a service or step that is neither finished nor given up. */
export const OPEN_CARE_ITEM = `status NOT IN ('delivered', 'done', 'not_possible') AND done_at IS NULL`;

/** A `care_items` row as a `CareItem`. */
export function toCareItem(r: Record<string, unknown>): CareItem {
  return {
    ticketRef: r.ticket_ref as string,
    plan: r.plan as CareItem['plan'],
    id: r.id as string,
    template: (r.template as string | null) ?? null,
    seq: r.seq as number,
    agency: r.agency as string,
    status: r.status as CareItem['status'],
    reason: (r.reason as string | null) ?? null,
    note: (r.note as string | null) ?? null,
    dueAt: (r.due_at as string | null) ?? null,
    plannedAt: (r.planned_at as string | null) ?? null,
    doneAt: (r.done_at as string | null) ?? null,
    alertedAt: (r.alerted_at as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}
