/**
 * Overdue services and return steps (issue 15): past its due date an open item alerts the agency
 * that owns it, once, through the same agency alerts as referrals (Telegram, LINE group, webhook),
 * and the queue marks its ticket. Runs in the escalation service's minute tick.
 *
 * Idempotent: the alert is claimed by setting the item's `alerted_at` in the same transaction as
 * the alert rows, after reading the item again, so a tick run twice sends it once.
 */
import type { AgencyAlerts } from '../alerts/agency-alerts.ts';
import type { TickResult } from '../alerts/escalation-service.ts';
import type { Store } from '../store/store.ts';
import { isOpen } from './care-service.ts';

/** The overdue look-ups and the alerting tick. */
export class CareOverdue {
  private readonly store: Store;
  private readonly alerts: AgencyAlerts;

  constructor(store: Store, alerts: AgencyAlerts) {
    this.store = store;
    this.alerts = alerts;
  }

  /** Open services and steps past due at `now`, counted per ticket, of the tickets given (a queue page's). */
  async countsByTicket(refs: string[], now: Date): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (refs.length === 0) return counts;
    for (const i of await this.store.openCareItemsDue(now.toISOString(), { tickets: refs })) counts.set(i.ticketRef, (counts.get(i.ticketRef) ?? 0) + 1);
    return counts;
  }

  /** Alerts the agencies of items that fell due since the last tick. */
  async tick(now: Date): Promise<TickResult> {
    let sent = 0;
    let nobody = 0;
    for (const due of await this.store.openCareItemsDue(now.toISOString(), { notAlerted: true })) {
      const told = await this.store.transaction(async (tx) => {
        const item = (await tx.careItems(due.ticketRef)).find((i) => i.plan === due.plan && i.id === due.id);
        if (!item || item.alertedAt || !isOpen(item) || !item.dueAt) return undefined;
        const ticket = await tx.getTicket(item.ticketRef);
        await tx.saveCareItem({ ...item, alertedAt: now.toISOString() });
        if (!ticket || ticket.status === 'closed') return undefined;
        const lateMs = now.getTime() - Date.parse(item.dueAt);
        await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: `${item.plan === 'service' ? 'service' : 'return_step'}.overdue`, detail: { [item.plan === 'service' ? 'kind' : 'step']: item.id, agency: item.agency, lateMinutes: Math.round(lateMs / 60_000) } });
        const to = await this.alerts.careOverdue(tx, ticket, item.agency, { plan: item.plan, id: item.id }, { waitedMs: lateMs, targetMs: 0 });
        return { told: to.length > 0 };
      });
      if (!told) continue;
      sent++;
      if (!told.told) nobody++;
    }
    return { sent, nobody };
  }
}
