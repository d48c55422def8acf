/**
 * What staff do to a ticket: claim, assign, change status, decide on a referral, refer or transfer,
 * write to the reporter, mark a duplicate, add a note. Each action runs in one transaction and
 * writes one audit row saying who did it (the store stamps when). The caller has already checked
 * that the ticket is within the actor's reach (see access/access.ts) and that the role may act.
 *
 * Audit details carry ids and codes only, never what anyone wrote: notes, reasons and messages
 * live in their own rows, so the audit trail can be shown and exported without personal data.
 */
import type { AgencyAlerts } from '../alerts/agency-alerts.ts';
import { canSee } from '../access/access.ts';
import { displayMark } from '../conversation/display.ts';
import { DomainError } from '../core/errors.ts';
import type { Directory } from '../directory/directory.ts';
import type { ReferralStatus, Store, TicketRecord, TicketStatus } from '../store/store.ts';
import type { ReporterUpdates } from './reporter-updates.ts';

/** How a closed ticket ended; closing requires one. Labels are in the dashboard locales. */
export const OUTCOMES = ['assisted', 'referred_elsewhere', 'returned_home', 'no_contact', 'not_trafficking', 'duplicate', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const STATUSES: readonly TicketStatus[] = ['new', 'triaged', 'in_progress', 'referred', 'closed'];

/** The country whose authorities run this deployment; agencies elsewhere are "cross-border". */
export const HOME_COUNTRY = 'TH';

/** How long after the reporter's last message staff may write without prior consent (a reply window). */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Who acts, as the audit trail names them (`staff:<id>`). */
export interface Actor {
  id: string;
  /** `staff:<id>` */
  audit: string;
}

/** The longest note, reason or message staff can write. */
export const MAX_STAFF_TEXT = 4000;

const invalid = (code: string, message: string) => new DomainError('invalid', code, message);

/**
 * Whether sending a case to this agency crosses a border: its directory country is not the home
 * country, or its id names another country (a foreign embassy in Bangkok is listed under TH but
 * answers to its own government). Such referrals need the reporter's consent_cross_border=yes.
 */
export function isCrossBorder(directory: Directory, agencyId: string): boolean {
  const agency = directory.byId.get(agencyId);
  if (!agency) return true;
  const prefix = /^([a-z]{2})-/.exec(agency.id)?.[1];
  return agency.country !== HOME_COUNTRY || (prefix !== undefined && prefix !== HOME_COUNTRY.toLowerCase());
}

/** When the reporter last wrote: anything in this ticket's report, and a message to the case itself. */
export interface ReporterActivity {
  lastInReportAt?: string | undefined;
  lastToCaseAt?: string | undefined;
}

/** The reporter's activity on a ticket (its own report only, never another report of the chat). */
export async function reporterActivity(store: Store, ticket: TicketRecord): Promise<ReporterActivity> {
  const transcript = await store.ticketTranscript(ticket);
  return { lastInReportAt: transcript.filter((m) => m.direction === 'in').at(-1)?.createdAt, lastToCaseAt: await store.lastMessageToCaseAt(ticket.ref) };
}

/**
 * Whether staff may write to the reporter now. Never after a quick exit, until the person writes
 * again. Always when they agreed to be written to first (contact_ok=yes). When they said no, only
 * in answer to their own message to the case, within the reply window: answering the screening's
 * questions is not asking to be written to. Before they answered, within the reply window.
 */
export function mayWriteToReporter(ticket: TicketRecord, activity: ReporterActivity, now: Date): boolean {
  if (ticket.reporterLeftAt) return false;
  if (ticket.answers.contact_ok === 'yes') return true;
  const last = ticket.answers.contact_ok === 'no' ? activity.lastToCaseAt : activity.lastInReportAt;
  return last !== undefined && now.getTime() - Date.parse(last) <= REPLY_WINDOW_MS;
}

/** What the actions tell others: agencies of new referrals, and the reporter of their case's progress. */
export interface ActionHooks {
  alerts?: AgencyAlerts;
  updates?: ReporterUpdates;
}

/** The staff actions, over the shared store. */
export class TicketActions {
  private readonly store: Store;
  private readonly directory: Directory;
  private readonly clock: () => Date;
  private readonly hooks: ActionHooks;

  constructor(
    store: Store,
    directory: Directory,
    clock: () => Date,
    hooks: ActionHooks = {},
  ) {
    this.store = store;
    this.directory = directory;
    this.clock = clock;
    this.hooks = hooks;
  }

  /** Takes the ticket for oneself; a new ticket becomes triaged. */
  async claim(actor: Actor, ticket: TicketRecord): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.updateTicketWork(ticket.ref, { assignee: actor.id, ...(ticket.status === 'new' ? { status: 'triaged' } : {}) });
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.claimed', detail: { from: ticket.status, to: ticket.status === 'new' ? 'triaged' : ticket.status } });
    });
  }

  /** Gives the ticket to a colleague (enabled, and able to see it), or to nobody. */
  async assign(actor: Actor, ticket: TicketRecord, assigneeId: string | null): Promise<void> {
    if (assigneeId) {
      const user = await this.store.getStaff(assigneeId);
      if (!user || user.disabled || !canSee(user, ticket)) throw invalid('invalid_assignee', 'Pick a colleague who can see this ticket.');
    }
    await this.store.transaction(async (tx) => {
      await tx.updateTicketWork(ticket.ref, { assignee: assigneeId });
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.assigned', detail: { to: assigneeId ? `staff:${assigneeId}` : null } });
    });
  }

  /**
   * Records that a staff member opened the ticket; with `seenUpdates` (they can see the reporter's
   * new messages), those count as seen.
   */
  async recordView(actor: Actor, ticket: TicketRecord, seenUpdates: boolean): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.viewed', detail: { via: 'dashboard' } });
      if (seenUpdates) await tx.setReporterUpdate(ticket.ref, false);
    });
  }

  /** Changes the status; closing needs an outcome, and reopening clears it. */
  async setStatus(actor: Actor, ticket: TicketRecord, status: TicketStatus, outcome: string | undefined): Promise<void> {
    if (!STATUSES.includes(status)) throw invalid('invalid_status', 'Pick a status from the list.');
    if (status === 'closed' && !OUTCOMES.includes(outcome as Outcome)) throw invalid('outcome_required', 'Closing a ticket needs an outcome.');
    const next = status === 'closed' ? (outcome as Outcome) : null;
    await this.store.transaction(async (tx) => {
      await tx.updateTicketWork(ticket.ref, { status, outcome: next });
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.status_changed', detail: { from: ticket.status, to: status, ...(next ? { outcome: next } : {}) } });
      if (status === 'closed' && ticket.status !== 'closed') await this.hooks.updates?.notify(tx, ticket, 'closed');
    });
  }

  /** Accepts or declines the referral to one agency; declining needs a reason. */
  async decideReferral(actor: Actor, ticket: TicketRecord, agency: string, decision: Extract<ReferralStatus, 'accepted' | 'declined'>, reason: string): Promise<void> {
    if (!ticket.referrals.some((r) => r.agency === agency)) throw invalid('no_referral', 'This ticket has no referral to that agency.');
    if (decision === 'declined' && !reason.trim()) throw invalid('reason_required', 'Declining a referral needs a reason.');
    // An agency that accepts again after changing its mind is not news to the reporter.
    const acceptedBefore = (await this.store.auditOf(ticket.ref)).some((e) => e.action === 'referral.accepted' && e.detail?.agency === agency);
    await this.store.transaction(async (tx) => {
      await tx.setReferralStatus(ticket.ref, agency, decision, reason.trim() || null);
      await tx.updateTicketWork(ticket.ref, {});
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: `referral.${decision}`, detail: { agency } });
      if (decision === 'accepted' && !acceptedBefore) await this.hooks.updates?.notify(tx, ticket, 'accepted', agency);
    });
  }

  /**
   * Refers the ticket to another agency as well, or transfers it there (the transferring agency's
   * own referral is then done). Cross-border agencies only with the reporter's consent.
   */
  async refer(actor: Actor, ticket: TicketRecord, agency: string, transferFrom: string | null): Promise<void> {
    if (!this.directory.byId.has(agency)) throw invalid('unknown_agency', 'Pick an agency from the list.');
    if (ticket.referrals.some((r) => r.agency === agency)) throw new DomainError('conflict', 'already_referred', 'The ticket is already referred to that agency.');
    if (isCrossBorder(this.directory, agency) && ticket.answers.consent_cross_border !== 'yes') {
      throw new DomainError('conflict', 'no_cross_border_consent', 'The reporter did not agree to share details across borders; this agency is abroad or a foreign authority.');
    }
    if (transferFrom !== null && !ticket.referrals.some((r) => r.agency === transferFrom)) throw invalid('no_referral', 'Only a referred agency can transfer the ticket.');
    await this.store.transaction(async (tx) => {
      await tx.addReferral(ticket.ref, agency);
      if (transferFrom !== null) {
        await tx.setReferralStatus(ticket.ref, transferFrom, 'done', `transferred to ${agency}`);
        await tx.updateTicketWork(ticket.ref, { status: 'referred' });
        await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.transferred', detail: { from: transferFrom, to: agency } });
      } else {
        await tx.updateTicketWork(ticket.ref, {});
        await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'referral.created', detail: { agency } });
      }
      // The new agency's alert commits with its referral.
      const updated = (await tx.getTicket(ticket.ref))!;
      await this.hooks.alerts?.referred(tx, updated, [agency]);
      await this.hooks.updates?.notify(tx, updated, 'referred', agency);
    });
  }

  /**
   * Writes to the reporter through the bot: an outbox row for the ticket's channel and user (the
   * channel's dispatcher, or the simulator's poll, delivers it) and a transcript line.
   */
  async message(actor: Actor, ticket: TicketRecord, text: string, maxLength: number): Promise<void> {
    const body = text.trim();
    if (!body) throw invalid('empty_message', 'Write a message first.');
    if (body.length > maxLength) throw invalid('message_too_long', `A message is at most ${maxLength} characters.`);
    if (ticket.reporterLeftAt) throw new DomainError('conflict', 'reporter_left', 'The reporter left the chat with the quick exit: nothing can be sent to them until they write again.');
    if (!mayWriteToReporter(ticket, await reporterActivity(this.store, ticket), this.clock())) {
      throw new DomainError('conflict', 'no_contact_consent', 'The reporter did not agree to be contacted first, and has not written in the last 24 hours.');
    }
    await this.store.transaction(async (tx) => {
      // The reporter sees who writes: a hotline's words, not the bot's questions.
      const text = this.hooks.updates ? this.hooks.updates.staffMessage(ticket, body) : body;
      await tx.enqueue({ channel: ticket.channel, recipient: ticket.userId, kind: 'reply', payload: { text, ...(await displayMark(tx, ticket.sessionId)) } });
      await tx.addTranscript(ticket.sessionId, 'out', { text: body, from: actor.audit }, undefined, { conversationId: ticket.conversationId, ticketRef: ticket.ref });
      await tx.updateTicketWork(ticket.ref, {});
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'message.sent', detail: { channel: ticket.channel, length: body.length } });
    });
  }

  /** Marks the ticket as a duplicate of another (already checked to be within reach) and closes it. */
  async markDuplicate(actor: Actor, ticket: TicketRecord, original: TicketRecord): Promise<void> {
    if (original.ref === ticket.ref) throw invalid('same_ticket', 'A ticket cannot duplicate itself.');
    if (original.duplicateOf === ticket.ref) throw invalid('circular_duplicate', 'That ticket is already marked as a duplicate of this one.');
    await this.store.transaction(async (tx) => {
      await tx.updateTicketWork(ticket.ref, { duplicateOf: original.ref, status: 'closed', outcome: 'duplicate' });
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'ticket.marked_duplicate', detail: { of: original.ref } });
    });
  }

  /** Adds an internal note (never shown to the reporter). */
  async addNote(actor: Actor, ticket: TicketRecord, text: string): Promise<void> {
    const body = text.trim();
    if (!body) throw invalid('empty_note', 'Write the note first.');
    if (body.length > MAX_STAFF_TEXT) throw invalid('note_too_long', `A note is at most ${MAX_STAFF_TEXT} characters.`);
    await this.store.transaction(async (tx) => {
      await tx.addNote(ticket.ref, actor.audit, body);
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'note.added', detail: { length: body.length } });
    });
  }
}
