/**
 * Short messages to the reporter about their case, in their language, through the outbox of the
 * chat they wrote from: when an agency takes the case on, when it is passed to another agency,
 * and when it is closed. Only to a reporter who agreed that staff may write first
 * (contact_ok=yes): an unexpected message on a watched phone can put someone in danger.
 */
import { displayMark } from '../conversation/display.ts';
import type { Translations } from '../i18n/locales.ts';
import type { TicketRecord, Tx } from '../store/store.ts';

/** What happened to the case. */
export type CaseUpdate = 'accepted' | 'referred' | 'closed';

/** Writes reporter updates inside the caller's transaction. */
export class ReporterUpdates {
  private readonly translations: Translations;

  constructor(translations: Translations) {
    this.translations = translations;
  }

  /** Queues the update (and its transcript line) when the reporter agreed to be contacted. */
  async notify(tx: Tx, ticket: TicketRecord, update: CaseUpdate, agency?: string): Promise<void> {
    // After a quick exit nothing reaches the chat until the person writes again.
    if (ticket.answers.contact_ok !== 'yes' || ticket.reporterLeftAt) return;
    const t = this.translations.t(ticket.language ?? undefined);
    const text = t(`update.${update}`, { ref: ticket.ref, agency: agency ? t(`agency.${agency}`) : '' });
    await tx.enqueue({ channel: ticket.channel, recipient: ticket.userId, kind: 'reply', payload: { text, ...(await displayMark(tx, ticket.sessionId)) } });
    await tx.addTranscript(ticket.sessionId, 'out', { text, update }, undefined, { conversationId: ticket.conversationId, ticketRef: ticket.ref });
  }

  /**
   * Queues a short update by locale key (a return step done, a confirmed match: issue 15), with the
   * same rules as {@link notify}: only with contact_ok=yes and not after a quick exit. The key's text
   * takes `{{ref}}` only, so nothing else about the case can slip into it. True when queued.
   */
  async say(tx: Tx, ticket: TicketRecord, key: string, mark: Record<string, unknown> = {}): Promise<boolean> {
    if (ticket.answers.contact_ok !== 'yes' || ticket.reporterLeftAt) return false;
    const text = this.translations.t(ticket.language ?? undefined)(key, { ref: ticket.ref });
    await tx.enqueue({ channel: ticket.channel, recipient: ticket.userId, kind: 'reply', payload: { text, ...(await displayMark(tx, ticket.sessionId)) } });
    await tx.addTranscript(ticket.sessionId, 'out', { text, update: key, ...mark }, undefined, { conversationId: ticket.conversationId, ticketRef: ticket.ref });
    return true;
  }

  /** A staff member's message as the reporter sees it: a line saying who writes, then the message. */
  staffMessage(ticket: TicketRecord, body: string): string {
    return `${this.translations.t(ticket.language ?? undefined)('update.staff_prefix')}\n${body}`;
  }
}
