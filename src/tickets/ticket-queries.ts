/**
 * What staff pages and the API read about tickets: the queue and its counts, the facts statistics
 * need, a ticket's notes, and when its reporter last wrote. Scoping to the reader's agency is the
 * access service's (access/access.ts): callers pass a filter it has narrowed.
 */
import type { Note, Store, TicketFacts, TicketFilter, TicketRecord, TicketStatsData, TicketStatus } from '../store/store.ts';
import { type ReporterActivity, reporterActivity } from './ticket-actions.ts';

/** Reads over tickets, shared by the dashboard and the API. */
export class TicketQueries {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** One ticket, whoever may see it (callers check access, or it is the reader's own). */
  get(ref: string): Promise<TicketRecord | undefined> {
    return this.store.getTicket(ref);
  }

  /** Tickets matching an (already scoped) filter, most urgent first. */
  list(filter: TicketFilter): Promise<TicketRecord[]> {
    return this.store.listTickets(filter);
  }

  /** Counts per status of the tickets matching the filter (its status ignored). */
  countByStatus(filter: TicketFilter): Promise<Record<TicketStatus, number>> {
    return this.store.countByStatus(filter);
  }

  /** Facts of tickets created since a time (ISO; '' for all), optionally one agency's only. */
  facts(since: string, agency?: string): Promise<TicketFacts[]> {
    return this.store.ticketFacts(since, agency);
  }

  /** The statistics page's numbers, aggregated by the store (see `Store.ticketStats`). */
  stats(since: string, agency?: string): Promise<TicketStatsData> {
    return this.store.ticketStats(since, agency);
  }

  /** A ticket's internal notes, oldest first. */
  notes(ref: string): Promise<Note[]> {
    return this.store.notesOf(ref);
  }

  /** When the reporter last wrote in the ticket's report and to the case itself. */
  reporterActivity(ticket: TicketRecord): Promise<ReporterActivity> {
    return reporterActivity(this.store, ticket);
  }
}
export { parseTicketCursor, ticketCursor } from '../store/ticket-cursor.ts';
