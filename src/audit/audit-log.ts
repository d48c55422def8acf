/**
 * The audit trail as a service: who looked at, exported or changed what. Actions that change a
 * ticket write their row in their own transaction (see tickets/ticket-actions.ts); this is for
 * what stands alone (a log-in, an export, a view through the API, an account changed).
 */
import type { AuditEntry, Store } from '../store/store.ts';

/** Writes and reads audit rows; the store stamps the time. */
export class AuditLog {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Writes one row, in a transaction of its own. */
  async record(entry: AuditEntry): Promise<void> {
    await this.store.transaction((tx) => tx.audit(entry));
  }

  /** The rows of one ticket, oldest first. */
  ofTicket(ref: string): Promise<(AuditEntry & { at: string })[]> {
    return this.store.auditOf(ref);
  }
}
