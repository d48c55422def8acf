/**
 * Staff actions of the privacy duties (issue 14): legal hold on a ticket, and the administrator's
 * erasure of a ticket with a reason, which leaves a tombstone. Both audited; the erasure also
 * leaves no copy of the erased words in the database's files (secure_delete, a truncated WAL) or in memory
 * (the assist's translations).
 */
import { RequestError } from '../core/errors.ts';
import type { FileStore } from '../store/file-store.ts';
import type { Store, TicketRecord } from '../store/store.ts';
import type { Actor } from '../tickets/ticket-actions.ts';

/** The longest reason kept in the audit trail. */
export const MAX_REASON_LENGTH = 500;

/** Legal hold and erasure. */
export class PrivacyActions {
  private readonly store: Store;
  private readonly files: FileStore;
  private readonly forget: () => void;

  /** `forget`: drops in-memory copies of case text (the assist's translations and summaries). */
  constructor(deps: { store: Store; files: FileStore; forget?: () => void }) {
    this.store = deps.store;
    this.files = deps.files;
    this.forget = deps.forget ?? (() => undefined);
  }

  /** Puts a ticket on legal hold (a criminal case is open) or releases it; audited either way. */
  async setLegalHold(actor: Actor, ticket: TicketRecord, on: boolean): Promise<void> {
    if (ticket.erasedAt) throw new RequestError(409, 'ticket_erased', 'This ticket was erased.');
    if (Boolean(ticket.legalHoldAt) === on) return;
    await this.store.transaction(async (tx) => {
      await tx.setPrivacyFlags(ticket.ref, { legalHold: on });
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: on ? 'legal_hold.set' : 'legal_hold.released' });
    });
  }

  /**
   * Erases a ticket's content with a reason (an administrator's decision, e.g. on the reporter's
   * request). Refused while the ticket is on legal hold.
   */
  async erase(actor: Actor, ticket: TicketRecord, reason: string): Promise<void> {
    const why = reason.trim().slice(0, MAX_REASON_LENGTH);
    if (!why) throw new RequestError(400, 'erase_reason_required', 'Say why the ticket is erased.');
    if (ticket.erasedAt) throw new RequestError(409, 'ticket_erased', 'This ticket was erased already.');
    if (ticket.legalHoldAt) throw new RequestError(409, 'legal_hold', 'The ticket is on legal hold: release the hold first.');
    const files = await this.store.transaction(async (tx) => {
      const paths = await tx.eraseTicket(ticket.ref);
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.erased', detail: { reason: why, files: paths.length, requested: Boolean(ticket.erasureRequestedAt) } });
      return paths;
    });
    await this.files.delete(files);
    this.forget();
    // The erased rows were zeroed in place (secure_delete, also on freed pages); folding the WAL in
    // and truncating it leaves no older copy of a page. No VACUUM: it would hold every other
    // transaction (the bot's) for as long as it rewrites the whole file, and adds nothing here
    // (test/privacy-erasure.test.ts searches the bytes).
    await this.store.scrub();
  }
}
