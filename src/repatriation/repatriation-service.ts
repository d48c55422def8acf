/**
 * Returns home as tracked plans (issue 15). Staff start the plan that fits the case (from
 * `flows/repatriation.yaml`); its steps are written with their owner agency and due dates, and
 * done in order. A cross-border step needs consent_cross_border=yes to be started or done at all.
 * Each change is audited with codes only (notes and reasons live in the step's row). The reporter
 * is told, in their language, when a step they should know about is done (contact_ok=yes); the
 * text is a fixed locale string, so no detail of the crossing can reach a watched phone. When the
 * last step is done the return is complete (audited), and the go_home service is delivered.
 */
import { RequestError } from '../core/errors.ts';
import type { Directory } from '../directory/directory.ts';
import type { CareItem, StepStatus } from '../store/types/care.ts';
import type { Store, TicketRecord } from '../store/store.ts';
import { type Actor, isCrossBorder, MAX_STAFF_TEXT } from '../tickets/ticket-actions.ts';
import type { ReporterUpdates } from '../tickets/reporter-updates.ts';
import { ALL_AGENCIES, type Viewer } from '../access/access.ts';
import { type RepatriationPlans, planFor, stepsFor, type StepDefinition } from './plan-definitions.ts';

export const STEP_STATUSES: readonly StepStatus[] = ['pending', 'in_progress', 'done', 'not_possible'];

/** What the service needs. */
export interface RepatriationDeps {
  store: Store;
  directory: Directory;
  plans: RepatriationPlans;
  clock: () => Date;
  updates?: ReporterUpdates;
}

/** A change staff make to a step. */
export interface StepChange {
  status?: string;
  /** A planned date, YYYY-MM-DD (or empty to clear). */
  plannedAt?: string;
  note?: string;
  reason?: string;
}

const invalid = (code: string, message: string) => new RequestError(400, code, message);
const noConsent = () =>
  new RequestError(409, 'no_cross_border_consent', 'The reporter did not agree to share details across borders; this step goes to another country\'s authorities.');

/** Return plans on tickets. */
export class RepatriationService {
  private readonly deps: RepatriationDeps;

  constructor(deps: RepatriationDeps) {
    this.deps = deps;
  }

  /** The ticket's return steps, in order (empty when no plan was started). */
  async steps(ref: string): Promise<CareItem[]> {
    return (await this.deps.store.careItems(ref)).filter((i) => i.plan === 'return').sort((a, b) => a.seq - b.seq);
  }

  /** The plan that would fit the ticket, if any. */
  planFor(ticket: TicketRecord) {
    return planFor(this.deps.plans, ticket.answers);
  }

  /** A step's definition (for its cross-border mark and reporter update). */
  private definition(item: CareItem): StepDefinition | undefined {
    return this.deps.plans.plans.find((p) => p.id === item.template)?.steps.find((s) => s.id === item.id);
  }

  /** Whether a step needs consent to cross borders: marked so, or owned by an agency abroad. */
  crossesBorder(item: CareItem): boolean {
    return Boolean(this.definition(item)?.crossBorder) || isCrossBorder(this.deps.directory, item.agency);
  }

  /** Starts the plan that fits the ticket. Refused when one runs already or none fits. */
  async start(actor: Actor, ticket: TicketRecord): Promise<void> {
    const plan = this.planFor(ticket);
    if (!plan) throw new RequestError(409, 'no_return_plan', 'No return plan fits this case (see flows/repatriation.yaml): the nationality and the country must be known.');
    const steps = stepsFor(plan, ticket.answers);
    const start = this.deps.clock();
    await this.deps.store.transaction(async (tx) => {
      if ((await tx.careItems(ticket.ref)).some((i) => i.plan === 'return')) throw new RequestError(409, 'return_started', 'A return plan is already running for this ticket.');
      for (const [seq, s] of steps.entries()) {
        const dueAt = new Date(start.getTime() + s.dueMs).toISOString();
        await tx.saveCareItem({ ticketRef: ticket.ref, plan: 'return', id: s.id, template: plan.id, seq, agency: s.agencyId, status: 'pending', reason: null, note: null, dueAt, plannedAt: null, doneAt: null, alertedAt: null });
      }
      await tx.updateTicketWork(ticket.ref, {});
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'return.started', detail: { plan: plan.id, steps: steps.map((s) => s.id) } });
    });
  }

  /**
   * Changes a step: status, planned date, note. Refused for a cross-border step without consent,
   * for "done" before the steps before it are done (or not possible), and for "not possible"
   * without a reason.
   */
  async change(actor: Actor, ticket: TicketRecord, stepId: string, change: StepChange): Promise<void> {
    const status = change.status || undefined;
    if (status !== undefined && !STEP_STATUSES.includes(status as StepStatus)) throw invalid('invalid_step_status', 'Pick a status from the list.');
    const note = change.note?.trim();
    const reason = change.reason?.trim() ?? '';
    if ((note?.length ?? 0) > MAX_STAFF_TEXT || reason.length > MAX_STAFF_TEXT) throw invalid('note_too_long', `A note is at most ${MAX_STAFF_TEXT} characters.`);
    if (status === 'not_possible' && !reason) throw invalid('step_reason_required', 'Say why the step is not possible.');
    const planned = change.plannedAt?.trim();
    if (planned && !/^\d{4}-\d{2}-\d{2}$/.test(planned)) throw invalid('invalid_date', 'Give the date as YYYY-MM-DD.');
    await this.deps.store.transaction(async (tx) => {
      const steps = (await tx.careItems(ticket.ref)).filter((i) => i.plan === 'return').sort((a, b) => a.seq - b.seq);
      const item = steps.find((s) => s.id === stepId);
      if (!item) throw invalid('no_step', 'This ticket has no such return step.');
      if (this.crossesBorder(item) && ticket.answers.consent_cross_border !== 'yes') throw noConsent();
      if (status === 'done' && steps.some((s) => s.seq < item.seq && s.status !== 'done' && s.status !== 'not_possible')) {
        throw new RequestError(409, 'earlier_step_open', 'Finish the steps before this one first (done, or not possible with a reason).');
      }
      const now = this.deps.clock().toISOString();
      const next: CareItem = {
        ...item,
        ...(status ? { status: status as StepStatus, doneAt: status === 'done' ? now : null, reason: status === 'not_possible' ? reason : null } : {}),
        ...(planned !== undefined ? { plannedAt: planned || null } : {}),
        ...(note !== undefined && note !== '' ? { note } : {}),
      };
      await tx.saveCareItem(next);
      await tx.updateTicketWork(ticket.ref, {});
      const changed = [...(status && status !== item.status ? ['status'] : []), ...(planned !== undefined && (planned || null) !== item.plannedAt ? ['planned_at'] : []), ...(note ? ['note'] : [])];
      if (!changed.length) return;
      await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'return.step_changed', detail: { step: item.id, agency: item.agency, ...(status && status !== item.status ? { from: item.status, to: status } : {}), changed } });
      if (status === 'done' && item.status !== 'done') {
        const tell = this.definition(item)?.tellReporter;
        if (tell && (await this.deps.updates?.say(tx, ticket, tell, { step: item.id }))) await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: 'return.reporter_told', detail: { step: item.id } });
      }
      const after = steps.map((s) => (s.id === item.id ? next : s));
      const closes = status === 'done' || status === 'not_possible';
      if (closes && status !== item.status && after.every((s) => s.status === 'done' || s.status === 'not_possible')) {
        await this.complete(tx, actor, ticket, after);
      }
    });
  }

  /** The return is complete: audited, and the go_home service (if any) delivered. */
  private async complete(tx: Parameters<Parameters<Store['transaction']>[0]>[0], actor: Actor, ticket: TicketRecord, steps: CareItem[]): Promise<void> {
    const arrived = steps.at(-1)?.status === 'done';
    await tx.audit({ ticketRef: ticket.ref, actor: actor.audit, action: 'return.completed', detail: { plan: steps[0]?.template ?? null, arrived } });
    const goHome = (await tx.careItems(ticket.ref)).find((i) => i.plan === 'service' && i.id === 'go_home');
    if (goHome && arrived && goHome.status !== 'delivered') {
      await tx.saveCareItem({ ...goHome, status: 'delivered', doneAt: this.deps.clock().toISOString(), reason: null });
      await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: 'service.status_changed', detail: { kind: 'go_home', agency: goHome.agency, from: goHome.status, to: 'delivered', because: 'return_completed' } });
    }
  }

  /**
   * The steps a viewer sees: an agency abroad (or a foreign authority) only the steps it owns; a
   * Thai agency, or someone who sees every agency, the whole plan.
   */
  visibleSteps(viewer: Viewer, steps: CareItem[]): CareItem[] {
    if (viewer.agency === ALL_AGENCIES || !isCrossBorder(this.deps.directory, viewer.agency)) return steps;
    return steps.filter((s) => s.agency === viewer.agency);
  }
}
