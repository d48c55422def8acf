/**
 * Services from needs (issue 15): each need the person names becomes a service on the ticket, with
 * the agency the policy routes it to, a due date from its kind's response target, and its own
 * status (requested, arranged, delivered, not possible with a reason). Every change is audited
 * with codes only; the reason staff wrote lives in the service's row.
 */
import type { AgencyAlerts } from '../alerts/agency-alerts.ts';
import { RequestError } from '../core/errors.ts';
import type { Directory } from '../directory/directory.ts';
import type { CareItem, ServiceStatus } from '../store/types/care.ts';
import type { Store, TicketRecord, Tx } from '../store/store.ts';
import { type Actor, isCrossBorder, MAX_STAFF_TEXT } from '../tickets/ticket-actions.ts';
import { NEEDS_KEY, type ServicePolicy, serviceAgencies } from './service-policy.ts';

/** A service's statuses, in the order they usually follow. */
export const SERVICE_STATUSES: readonly ServiceStatus[] = ['requested', 'arranged', 'delivered', 'not_possible'];

/** Whether a service or step is still to be done. */
export function isOpen(item: Pick<CareItem, 'status'>): boolean {
  return !['delivered', 'done', 'not_possible'].includes(item.status);
}

/** What the service needs. */
export interface CareDeps {
  store: Store;
  directory: Directory;
  policy: ServicePolicy;
  clock: () => Date;
  alerts?: AgencyAlerts;
}

const invalid = (code: string, message: string) => new RequestError(400, code, message);

/** The services of tickets: created from needs inside the conversation's transaction, changed by staff. */
export class CareService {
  private readonly deps: CareDeps;

  constructor(deps: CareDeps) {
    this.deps = deps;
  }

  /** The ticket's services and return steps. */
  items(ref: string): Promise<CareItem[]> {
    return this.deps.store.careItems(ref);
  }

  /** The ticket's services. */
  async services(ref: string): Promise<CareItem[]> {
    return (await this.items(ref)).filter((i) => i.plan === 'service');
  }

  /** The agency a kind of service goes to for this ticket: the first the policy names that may receive it. */
  agencyFor(ticket: Pick<TicketRecord, 'answers' | 'caseType'>, kind: string): string {
    const consent = ticket.answers.consent_cross_border === 'yes';
    const options = serviceAgencies(this.deps.policy, kind, ticket.answers, ticket.caseType);
    return options.find((a) => consent || !isCrossBorder(this.deps.directory, a)) ?? this.deps.policy.fallbackAgency;
  }

  /**
   * Adds a service for each need of the ticket that has none yet (needs are only added: a need
   * dropped from a later answer keeps its service, which staff can mark not possible). A ticket not
   * yet referred to the service's agency is referred, audited and alerted, in this transaction.
   */
  async sync(tx: Tx, ticket: TicketRecord): Promise<TicketRecord> {
    const needs = ticket.answers[NEEDS_KEY];
    if (!Array.isArray(needs) || !needs.length || ticket.answers.consent_share !== 'yes') return ticket;
    const existing = new Set((await tx.careItems(ticket.ref)).filter((i) => i.plan === 'service').map((i) => i.id));
    const now = this.deps.clock();
    const referred: string[] = [];
    for (const kind of this.deps.policy.kinds) {
      if (!needs.includes(kind) || existing.has(kind)) continue;
      const agency = this.agencyFor(ticket, kind);
      const dueAt = new Date(now.getTime() + (this.deps.policy.targetMs[kind] ?? 0)).toISOString();
      await tx.saveCareItem({ ticketRef: ticket.ref, plan: 'service', id: kind, template: null, seq: this.deps.policy.kinds.indexOf(kind), agency, status: 'requested', reason: null, note: null, dueAt, plannedAt: null, doneAt: null, alertedAt: null });
      await tx.audit({ ticketRef: ticket.ref, actor: 'bot', action: 'service.requested', detail: { kind, agency, dueAt } });
      if (!ticket.referrals.some((r) => r.agency === agency) && !referred.includes(agency) && (await tx.addReferral(ticket.ref, agency))) {
        referred.push(agency);
        await tx.audit({ ticketRef: ticket.ref, actor: 'bot', action: 'referral.created', detail: { agency, because: 'service' } });
      }
    }
    if (!referred.length) return ticket;
    const updated = (await tx.getTicket(ticket.ref))!;
    await this.deps.alerts?.referred(tx, updated, referred);
    return updated;
  }

  /** Changes a service's status; "not possible" needs a reason. Audited; counts as a staff action. */
  async setStatus(actor: Actor, ticket: TicketRecord, kind: string, status: string, reason: string): Promise<void> {
    if (!SERVICE_STATUSES.includes(status as ServiceStatus)) throw invalid('invalid_service_status', 'Pick a status from the list.');
    const why = reason.trim();
    if (status === 'not_possible' && !why) throw invalid('service_reason_required', 'Say why the service is not possible.');
    if (why.length > MAX_STAFF_TEXT) throw invalid('note_too_long', `A reason is at most ${MAX_STAFF_TEXT} characters.`);
    await this.deps.store.transaction(async (tx) => {
      const item = (await tx.careItems(ticket.ref)).find((i) => i.plan === 'service' && i.id === kind);
      if (!item) throw invalid('no_service', 'This ticket has no such service.');
      if (item.status === status) return;
      const now = this.deps.clock().toISOString();
      await tx.saveCareItem({ ...item, status: status as ServiceStatus, reason: status === 'not_possible' ? why : null, doneAt: status === 'delivered' ? now : null });
      await tx.updateTicketWork(ticket.ref, {});
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'service.status_changed', detail: { kind, agency: item.agency, from: item.status, to: status } });
    });
  }
}
