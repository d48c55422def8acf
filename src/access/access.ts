/**
 * Who may see and do what: the one place the agency rule lives. The dashboard pages, the CSV export
 * and the JSON API all ask here, so a ticket outside someone's agency is "not found" everywhere
 * (404, never 403), and references cannot be probed.
 */
import { ALL_AGENCIES } from '../api/tokens.ts';
import type { Attachment, StaffRole, Store, TicketFilter, TicketRecord } from '../store/store.ts';

export { ALL_AGENCIES };

/** Anyone asking: a staff member or an API token. Only the agency scope matters for seeing. */
export interface Viewer {
  /** An agency id, or {@link ALL_AGENCIES}. */
  agency: string;
}

/** What a role may do beyond seeing its agency's tickets. */
export type Permission =
  | 'work'
  | 'assign_others'
  | 'decide_referral'
  | 'refer'
  | 'export_evidence'
  // The monitoring report (issue 15).
  | 'monitoring'
  | 'manage_staff'
  | 'create_tokens'
  | 'all_agencies'
  // Privacy (issue 14): a legal hold on a ticket; erasure and access requests.
  | 'legal_hold'
  | 'privacy_requests';

const PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  // Agents work their agency's tickets: claim, status, notes, writing to the reporter, duplicates.
  agent: ['work'],
  // Supervisors also hand tickets to colleagues, decide where a case goes, forward its evidence,
  // put a ticket on legal hold when a criminal case is open, and read the monitoring report (issue 15).
  supervisor: ['work', 'assign_others', 'decide_referral', 'refer', 'export_evidence', 'monitoring', 'legal_hold'],
  // Administrators also carry out erasure and access requests (issue 14).
  admin: ['work', 'assign_others', 'decide_referral', 'refer', 'export_evidence', 'monitoring', 'manage_staff', 'create_tokens', 'all_agencies', 'legal_hold', 'privacy_requests'],
};

/** Whether a role has a permission. */
export function can(role: StaffRole, permission: Permission): boolean {
  return PERMISSIONS[role].includes(permission);
}

/** Whether a viewer may see a ticket: it is referred to the viewer's agency, or the viewer sees all. */
export function canSee(viewer: Viewer, ticket: TicketRecord): boolean {
  return viewer.agency === ALL_AGENCIES || ticket.referrals.some((r) => r.agency === viewer.agency);
}

/**
 * Until when a viewer sees what arrives on a ticket (ISO time), or undefined for no limit. An agency
 * that declined its referral, or transferred the case elsewhere, keeps what it had seen then but
 * no longer sees what the reporter sends afterwards.
 */
export function visibleUntil(viewer: Viewer, ticket: TicketRecord): string | undefined {
  if (viewer.agency === ALL_AGENCIES) return undefined;
  const own = ticket.referrals.find((r) => r.agency === viewer.agency);
  return own && (own.status === 'declined' || own.status === 'done' || own.status === 'withdrawn') ? own.updatedAt : undefined;
}

/**
 * The ticket as a viewer may see it: for an agency that declined or transferred it, the reporter's
 * later messages are not there, so neither is the "new message from the reporter" mark.
 */
export function asSeenBy(viewer: Viewer, ticket: TicketRecord): TicketRecord {
  const until = visibleUntil(viewer, ticket);
  return until && ticket.updatedByReporterAt && ticket.updatedByReporterAt > until ? { ...ticket, updatedByReporterAt: null } : ticket;
}

/** Ticket look-ups filtered by the viewer's scope. */
export class AccessService {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** The ticket when it exists and the viewer may see it; otherwise undefined (answer 404). */
  async ticket(viewer: Viewer, ref: string): Promise<TicketRecord | undefined> {
    const ticket = await this.store.getTicket(ref.toUpperCase());
    return ticket && canSee(viewer, ticket) ? ticket : undefined;
  }

  /** An attachment of a ticket the viewer may see; undefined when either is out of reach. */
  async attachment(viewer: Viewer, ref: string, id: string): Promise<{ ticket: TicketRecord; attachment: Attachment } | undefined> {
    const ticket = await this.ticket(viewer, ref);
    const attachment = ticket && (await this.attachments(viewer, ticket)).find((a) => a.id === id);
    return ticket && attachment ? { ticket, attachment } : undefined;
  }

  /** The ticket's attachments the viewer may see (see {@link visibleUntil}). */
  async attachments(viewer: Viewer, ticket: TicketRecord): Promise<Attachment[]> {
    const until = visibleUntil(viewer, ticket);
    const all = await this.store.attachmentsOf(ticket.ref);
    return until ? all.filter((a) => a.createdAt <= until) : all;
  }

  /** The ticket's own transcript as far as the viewer may see it: never another report of the chat. */
  transcript(viewer: Viewer, ticket: TicketRecord) {
    return this.store.ticketTranscript(ticket, visibleUntil(viewer, ticket));
  }

  /**
   * A list filter narrowed to the viewer's agency. A viewer bound to one agency who asks for another
   * gets `undefined` (refuse); one who sees all keeps the agency asked for, if any.
   */
  scope(viewer: Viewer, filter: TicketFilter): TicketFilter | undefined {
    if (viewer.agency === ALL_AGENCIES) return filter;
    if (filter.agency && filter.agency !== viewer.agency) return undefined;
    return { ...filter, agency: viewer.agency };
  }
}
