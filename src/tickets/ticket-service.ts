/**
 * Creating and enriching tickets from a conversation's answers, inside the caller's transaction.
 * The policy decides priority, case type and agencies; referrals are only ever added, never removed,
 * so an agency that was told of a case keeps it when later answers change the routing.
 */
import type { AgencyAlerts } from '../alerts/agency-alerts.ts';
import type { Answers } from '../flow/types.ts';
import { assess, type Policy } from '../policy/policy.ts';
import type { TicketAssessment, TicketRecord, Tx } from '../store/store.ts';
import { newReference } from './reference.ts';

/** What else follows from a ticket's answers: its services from needs (src/care/, issue 15). */
export interface TicketFollowUp {
  sync(tx: Tx, ticket: TicketRecord): Promise<TicketRecord>;
}

/** Who is behind a conversation's ticket. */
export interface TicketOwner {
  sessionId: string;
  channel: string;
  userId: string;
  /** The conversation (one report of the chat) the ticket comes from. */
  conversationId?: string;
}

/** Derives the stored assessment of a ticket from answers. */
export function assessmentOf(policy: Policy, answers: Answers): TicketAssessment & { agencies: string[]; routes: string[]; priorityBecause: string } {
  const a = assess(policy, answers);
  return {
    language: typeof answers.lang === 'string' ? answers.lang : null,
    role: typeof answers.role === 'string' ? answers.role : null,
    answers,
    indicators: a.indicators,
    caseType: a.caseType,
    priority: a.priority,
    // Without consent a ticket exists only because a life may be in danger (PDPA s.24(2), s.26(1)).
    basis: answers.consent_share === 'yes' ? 'consent' : 'vital_interest',
    agencies: a.agencies,
    routes: a.routes,
    priorityBecause: a.priorityBecause,
  };
}

/** Creates a ticket with one referral per routed agency, its audit rows and the agencies' alerts. */
export async function createTicket(tx: Tx, policy: Policy, owner: TicketOwner, answers: Answers, alerts?: AgencyAlerts, care?: TicketFollowUp): Promise<TicketRecord> {
  let ref = newReference();
  while (await tx.getTicket(ref)) ref = newReference();
  const { agencies, routes, priorityBecause, ...assessment } = assessmentOf(policy, answers);
  await tx.insertTicket({ ref, ...owner, ...assessment });
  await tx.audit({
    ticketRef: ref,
    actor: 'bot',
    action: 'ticket.created',
    detail: { priority: assessment.priority, because: priorityBecause, caseType: assessment.caseType, basis: assessment.basis, routes },
  });
  for (const agency of agencies) {
    await tx.addReferral(ref, agency);
    await tx.audit({ ticketRef: ref, actor: 'bot', action: 'referral.created', detail: { agency } });
  }
  await tx.linkAttachments(owner.sessionId, ref, owner.conversationId);
  const ticket = (await tx.getTicket(ref))!;
  // In this transaction: the referral and its alert commit together or not at all.
  await alerts?.referred(tx, ticket, agencies);
  return care ? care.sync(tx, ticket) : ticket;
}

/**
 * Once the nationality becomes known, the bot takes back its own referrals that were made while it
 * was unknown and no longer apply (IOM for someone who turns out to be Thai), if nobody acted on
 * them yet; each is audited. Referrals that staff made, or that an agency answered, stay.
 */
async function withdrawStale(tx: Tx, policy: Policy, ticket: TicketRecord, answers: Answers, routed: string[]): Promise<void> {
  if (ticket.answers.nationality !== undefined || answers.nationality === undefined) return;
  const before = assessmentOf(policy, ticket.answers).agencies;
  for (const r of ticket.referrals) {
    if (r.status !== 'pending' || !before.includes(r.agency) || routed.includes(r.agency)) continue;
    await tx.setReferralStatus(ticket.ref, r.agency, 'withdrawn', null);
    await tx.audit({ ticketRef: ticket.ref, actor: 'bot', action: 'referral.withdrawn', detail: { agency: r.agency, because: 'nationality_known' } });
  }
}

/**
 * Closes a ticket that rests on the vital-interest basis alone when the person said they are not in
 * danger now and did not consent: nothing justifies keeping the case open. Audited; a ticket with
 * consent, or whose person is in danger, is left as it is.
 */
export async function withdrawTicket(tx: Tx, ticket: TicketRecord, answers: Answers): Promise<boolean> {
  if (ticket.status === 'closed' || answers.in_danger_now === 'yes' || answers.consent_share === 'yes' || ticket.basis !== 'vital_interest') return false;
  await tx.updateTicketWork(ticket.ref, { status: 'closed', outcome: 'other' });
  await tx.audit({ ticketRef: ticket.ref, actor: 'bot', action: 'ticket.withdrawn', detail: { because: 'not in danger, no consent' } });
  return true;
}

/** Brings a ticket up to date with new answers; audits what changed and alerts newly referred agencies. */
export async function enrichTicket(tx: Tx, policy: Policy, ticket: TicketRecord, answers: Answers, alerts?: AgencyAlerts, care?: TicketFollowUp): Promise<TicketRecord> {
  if (JSON.stringify(ticket.answers) === JSON.stringify(answers)) {
    await tx.linkAttachments(ticket.sessionId, ticket.ref, ticket.conversationId);
    return ticket;
  }
  const { agencies, routes, priorityBecause, ...assessment } = assessmentOf(policy, answers);
  await tx.updateAssessment(ticket.ref, assessment);
  await withdrawStale(tx, policy, ticket, answers, agencies);
  const changed: Record<string, unknown> = {};
  if (assessment.priority !== ticket.priority) changed.priority = { from: ticket.priority, to: assessment.priority, because: priorityBecause };
  if (assessment.caseType !== ticket.caseType) changed.caseType = { from: ticket.caseType, to: assessment.caseType };
  if (Object.keys(changed).length) await tx.audit({ ticketRef: ticket.ref, actor: 'bot', action: 'ticket.reassessed', detail: { ...changed, routes } });
  const added: string[] = [];
  for (const agency of agencies) {
    if (await tx.addReferral(ticket.ref, agency)) {
      added.push(agency);
      await tx.audit({ ticketRef: ticket.ref, actor: 'bot', action: 'referral.created', detail: { agency } });
    }
  }
  await tx.linkAttachments(ticket.sessionId, ticket.ref, ticket.conversationId);
  const updated = (await tx.getTicket(ticket.ref))!;
  if (added.length) await alerts?.referred(tx, updated, added);
  return care ? care.sync(tx, updated) : updated;
}
