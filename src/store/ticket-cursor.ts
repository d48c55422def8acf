/** Keyset pagination of ticket lists: a ticket's place in the queue's order, as an opaque cursor. */
import type { TicketRecord } from './types/tickets.ts';

/** The cursor of a ticket in the queue's order (priority, age, reference), for `TicketFilter.after`. */
export function ticketCursor(t: Pick<TicketRecord, 'priority' | 'createdAt' | 'ref'>): string {
  return Buffer.from(JSON.stringify([t.priority, t.createdAt, t.ref])).toString('base64url');
}

/** The parts of a cursor made by {@link ticketCursor}, or undefined when it is not one. */
export function parseTicketCursor(cursor: string): { priority: string; createdAt: string; ref: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')) return { priority: v[0] as string, createdAt: v[1] as string, ref: v[2] as string };
  } catch {
    // not a cursor
  }
  return undefined;
}
