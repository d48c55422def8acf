/**
 * Escalation of referrals nobody accepted in time. Past its priority's response target a referral
 * alerts its agency again (level 1); past twice the target it escalates to the agency's
 * supervisors and the deployment's fallback (level 2). A timer in main calls {@link tick} every
 * minute; tests call it with a controllable time.
 *
 * Idempotent: each level is claimed with a compare-and-set on the referral's escalation_level in
 * the same transaction as its alert rows, so a tick run twice, or two processes, send each level once.
 */
import type { Targets } from '../tickets/targets.ts';
import type { Store } from '../store/store.ts';
import type { AgencyAlerts } from './agency-alerts.ts';

/** Escalation levels of a referral. */
export const REMINDED = 1;
export const ESCALATED = 2;

/** What the service needs. */
export interface EscalationDeps {
  store: Store;
  alerts: AgencyAlerts;
  targets: Targets;
  /** Other overdue work checked in the same tick (services and return steps, issue 15). */
  also?: { tick(now: Date): Promise<TickResult> }[];
}

/** What one tick did: levels sent, and of those how many reached nobody (no destination set). */
export interface TickResult {
  sent: number;
  nobody: number;
}

/** Sends reminders and escalations that are due. */
export class EscalationService {
  private readonly deps: EscalationDeps;

  constructor(deps: EscalationDeps) {
    this.deps = deps;
  }

  /** The target of a priority; one without its own takes the loosest (as the queue does). */
  private targetOf(priority: string): number {
    return this.deps.targets[priority] ?? Math.max(...Object.values(this.deps.targets));
  }

  /** Sends what is due at `now`; returns how many levels were sent, and how many reached nobody. */
  async tick(now: Date): Promise<TickResult> {
    const { store, alerts } = this.deps;
    let sent = 0;
    let nobody = 0;
    for (const p of await store.pendingReferrals()) {
      const targetMs = this.targetOf(p.priority);
      const waitedMs = now.getTime() - Date.parse(p.createdAt);
      const due = waitedMs >= 2 * targetMs ? ESCALATED : waitedMs >= targetMs ? REMINDED : 0;
      // After a long stop both levels may be due: the reminder first, then the escalation.
      for (let level = p.escalationLevel + 1; level <= due; level++) {
        const done = await store.transaction(async (tx) => {
          if (!(await tx.advanceEscalation(p.ref, p.agency, level - 1, level))) return false;
          const ticket = await tx.getTicket(p.ref);
          // Accepted or closed since the list was read: nothing to chase.
          if (!ticket || ticket.status === 'closed' || ticket.referrals.find((r) => r.agency === p.agency)?.status !== 'pending') return false;
          const overdue = { waitedMs, targetMs };
          if (level === REMINDED) {
            const to = await alerts.reminder(tx, ticket, p.agency, overdue);
            await tx.audit({ ticketRef: p.ref, actor: 'system', action: 'referral.reminded', detail: { agency: p.agency, waitedMinutes: Math.round(waitedMs / 60_000) } });
            return { told: to.length > 0 };
          }
          const supervisors = (await store.listStaff()).filter((s) => s.role === 'supervisor' && s.agency === p.agency && !s.disabled);
          return { told: (await alerts.escalated(tx, ticket, p.agency, overdue, supervisors)).length > 0 };
        });
        if (!done) continue;
        sent++;
        if (!done.told) nobody++;
      }
    }
    for (const other of this.deps.also ?? []) {
      const r = await other.tick(now);
      sent += r.sent;
      nobody += r.nobody;
    }
    return { sent, nobody };
  }
}
