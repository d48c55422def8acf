/**
 * The ticket page's care actions (issue 15): a service's status, starting a return plan, changing a
 * return step. Mounted through the ticket page's own action helper, so a refusal re-renders the
 * page with the reason and the form as sent, like every other action there.
 */
import type { FastifyRequest } from 'fastify';
import { ALL_AGENCIES } from '../access/access.ts';
import { RequestError } from '../core/errors.ts';
import { actorOf, type Dashboard, requirePermission, staffOf } from '../dashboard/dashboard-context.ts';
import { html, type SafeHtml } from '../dashboard/html.ts';
import type { ViewContext } from '../dashboard/views/layout.ts';
import type { TicketRecord } from '../store/store.ts';
import { careCard } from './care-view.ts';
import { matchingCard } from '../matching/matching-view.ts';
import { can } from '../access/access.ts';

type Act = (name: string, run: (req: FastifyRequest<{ Params: { ref: string } }>, ticket: TicketRecord, form: Record<string, string>) => Promise<void>) => void;

/** Refuses a change to a service or step of another agency (someone who sees every agency may). */
function requireOwner(req: FastifyRequest, agency: string | undefined): void {
  const mine = staffOf(req).user.agency;
  if (agency === undefined) throw new RequestError(400, 'no_step', 'No such service or step on this ticket.');
  if (mine !== ALL_AGENCIES && mine !== agency) throw new RequestError(403, 'forbidden', 'Only the agency that owns it can change this.');
}

/** Mounts the care actions with the ticket page's `act`. */
export function registerCareActions(act: Act, d: Dashboard): void {
  const { care, repatriation, matching } = d.services;

  // Matching (src/matching/): confirm or reject a likely match; tell the family.
  act('match', async (req, ticket, form) => {
    requirePermission(req, 'work');
    const decision = form.decision === 'rejected' ? 'rejected' : form.decision === 'confirmed' ? 'confirmed' : undefined;
    if (!decision) throw new RequestError(400, 'invalid_decision', 'Confirm or reject.');
    await matching.decide(actorOf(req), staffOf(req).user, ticket, String(form.other ?? '').slice(0, 20), decision, String(form.reason ?? '').slice(0, 4001));
  });

  act('match-tell', async (req, ticket, form) => {
    requirePermission(req, 'decide_referral');
    await matching.tellFamily(actorOf(req), staffOf(req).user, ticket, String(form.other ?? '').slice(0, 20), form.consent === 'yes');
  });

  act('service', async (req, ticket, form) => {
    requirePermission(req, 'work');
    const kind = String(form.kind ?? '');
    requireOwner(req, (await care.services(ticket.ref)).find((s) => s.id === kind)?.agency);
    await care.setStatus(actorOf(req), ticket, kind, String(form.status ?? ''), String(form.reason ?? '').slice(0, 4001));
  });

  act('return-start', async (req, ticket) => {
    requirePermission(req, 'decide_referral');
    await repatriation.start(actorOf(req), ticket);
  });

  act('return-step', async (req, ticket, form) => {
    requirePermission(req, 'work');
    const step = String(form.step ?? '');
    requireOwner(req, (await repatriation.steps(ticket.ref)).find((s) => s.id === step)?.agency);
    await repatriation.change(actorOf(req), ticket, step, {
      status: String(form.status ?? ''),
      ...(form.planned !== undefined ? { plannedAt: String(form.planned) } : {}),
      note: String(form.note ?? '').slice(0, 4001),
      reason: String(form.reason ?? form.note ?? '').slice(0, 4001),
    });
  });
}

/** The care and matching cards for a ticket page, as the staff member may see them. */
export async function careParts(d: Dashboard, ctx: ViewContext, ticket: TicketRecord, showPersonal = true): Promise<{ care: SafeHtml }> {
  const { care, repatriation, matching, clock } = d.services;
  const viewer = ctx.staff!.user;
  const [services, allSteps, matches] = await Promise.all([care.services(ticket.ref), repatriation.steps(ticket.ref), matching.matches(viewer, ticket)]);
  const steps = repatriation.visibleSteps(viewer, allSteps);
  const plan = !allSteps.length && (viewer.role === 'supervisor' || viewer.role === 'admin') ? repatriation.planFor(ticket) : undefined;
  return {
    care: html`${matchingCard(ctx, ticket, matches, can(viewer.role, 'decide_referral'), showPersonal)}${careCard(ctx, {
      ticket,
      services,
      steps,
      ...(plan ? { startable: plan.id } : {}),
      crossBorder: new Set(steps.filter((s) => repatriation.crossesBorder(s)).map((s) => s.id)),
      now: clock(),
    })}`,
  };
}
