/**
 * The ticket page: the audit trail of the ticket, in words.
 */
import type { AuditEntry, StaffUser } from '../../../store/store.ts';
import type { DashboardText } from '../../../staff/staff-text.ts';
import { html, type SafeHtml } from '../../html.ts';
import type { TicketParts } from './ticket-parts.ts';

/** `staff:<id>` and other audit actors in words. */
export function actorName(text: DashboardText, actor: string, staff: Map<string, StaffUser>): string {
  if (actor.startsWith('staff:')) return staff.get(actor.slice(6))?.name ?? text.t('actor.former_staff');
  if (actor.startsWith('token:')) return text.t('actor.token');
  return text.t(`actor.${actor}`, { defaultValue: actor });
}


function auditDetail(text: DashboardText, e: AuditEntry, staff: Map<string, StaffUser>): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (typeof d.agency === 'string') parts.push(text.agency(d.agency));
  if (typeof d.from === 'string' && typeof d.to === 'string' && e.action === 'ticket.transferred') parts.push(`${text.agency(d.from)} → ${text.agency(d.to)}`);
  else if (typeof d.from === 'string' && typeof d.to === 'string') parts.push(`${text.t(`status.${d.from}`, { defaultValue: d.from })} → ${text.t(`status.${d.to}`, { defaultValue: d.to })}`);
  if (typeof d.outcome === 'string') parts.push(text.t(`outcome.${d.outcome}`, { defaultValue: d.outcome }));
  if (e.action === 'ticket.assigned') parts.push(typeof d.to === 'string' ? actorName(text, d.to, staff) : text.t('field.unassigned'));
  if (typeof d.of === 'string') parts.push(d.of);
  if (typeof d.priority === 'string') parts.push(d.priority);
  return parts.join(' · ');
}


/** The audit trail table. */
export function auditSection(p: TicketParts): SafeHtml {
  const { text, d } = p;
  return html`<section aria-labelledby="audit-h" class="card">
  <h2 id="audit-h">${text.t('ticket.audit')}</h2>
  <table class="audit"><thead><tr><th scope="col">${text.t('audit.when')}</th><th scope="col">${text.t('audit.who')}</th><th scope="col">${text.t('audit.what')}</th><th scope="col">${text.t('audit.detail')}</th></tr></thead>
  <tbody>${d.audit.map((e) => html`<tr><td><time datetime="${e.at}">${text.date(e.at)}</time></td><td>${actorName(text, e.actor, d.staff)}</td><td>${text.t(`audit.action.${e.action.replace('.', '_')}`, { defaultValue: e.action })}</td><td>${auditDetail(text, e, d.staff)}</td></tr>`)}</tbody></table>
</section>`;
}
