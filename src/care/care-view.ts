/**
 * The ticket page's care card (issue 15): the services with their agency, status and due date, and
 * the return plan's steps, each with a form for the staff member's own agency (or for someone who
 * sees every agency). Overdue items are marked as overdue tickets are.
 */
import { ALL_AGENCIES } from '../access/access.ts';
import { careItemLabel } from '../alerts/alert-message.ts';
import { html, type SafeHtml } from '../dashboard/html.ts';
import { csrfField, type ViewContext } from '../dashboard/views/layout.ts';
import type { CareItem } from '../store/types/care.ts';
import type { TicketRecord } from '../store/store.ts';
import { isOpen, SERVICE_STATUSES } from './care-service.ts';
import { STEP_STATUSES } from '../repatriation/repatriation-service.ts';

/** What the card shows. */
export interface CareCardData {
  ticket: TicketRecord;
  services: CareItem[];
  steps: CareItem[];
  /** The plan that would fit, when none runs yet and the staff member may start it. */
  startable?: string;
  /** Steps that need consent_cross_border=yes. */
  crossBorder: Set<string>;
  now: Date;
}

function due(ctx: ViewContext, item: CareItem, now: Date): SafeHtml {
  const { text } = ctx;
  if (!item.dueAt) return html``;
  const late = isOpen(item) && Date.parse(item.dueAt) < now.getTime();
  return late
    ? html`<span class="badge overdue">⚠ ${text.t('care.overdue', { time: text.duration(now.getTime() - Date.parse(item.dueAt)) })}</span> <time datetime="${item.dueAt}">${text.date(item.dueAt)}</time>`
    : html`<time datetime="${item.dueAt}">${text.date(item.dueAt)}</time>`;
}

/** The care card of a ticket page. */
export function careCard(ctx: ViewContext, d: CareCardData): SafeHtml {
  const { text } = ctx;
  const staff = ctx.staff!;
  const csrf = csrfField(ctx);
  const mayChange = (item: CareItem) => staff.user.agency === ALL_AGENCIES || staff.user.agency === item.agency;
  const action = (name: string) => `/staff/tickets/${d.ticket.ref}/${name}`;

  const serviceRows = d.services.map(
    (s) => html`<tr class="${isOpen(s) && s.dueAt && Date.parse(s.dueAt) < d.now.getTime() ? 'is-overdue' : ''}" data-service="${s.id}">
  <th scope="row">${careItemLabel(text, { plan: 'service', id: s.id })}</th><td>${text.agency(s.agency)}</td>
  <td>${text.t(`care.service_status.${s.status}`)}${s.reason ? html`<div class="hint">${s.reason}</div>` : ''}</td><td>${due(ctx, s, d.now)}</td>
  <td>${mayChange(s)
    ? html`<form method="post" action="${action('service')}" class="inline">${csrf}<input type="hidden" name="kind" value="${s.id}">
  <label class="visually-hidden" for="svc-${s.id}">${text.t('care.new_status')}</label><select id="svc-${s.id}" name="status">${SERVICE_STATUSES.map((st) => html`<option value="${st}"${st === s.status ? html` selected` : ''}>${text.t(`care.service_status.${st}`)}</option>`)}</select>
  <label class="visually-hidden" for="svc-reason-${s.id}">${text.t('care.reason')}</label><input id="svc-reason-${s.id}" name="reason" maxlength="4000" placeholder="${text.t('care.reason_hint')}">
  <button type="submit">${text.t('care.save')}</button></form>`
    : ''}</td></tr>`,
  );

  const stepRows = d.steps.map((s) => {
    const cross = d.crossBorder.has(s.id);
    const blocked = cross && d.ticket.answers.consent_cross_border !== 'yes';
    return html`<tr class="${isOpen(s) && s.dueAt && Date.parse(s.dueAt) < d.now.getTime() ? 'is-overdue' : ''}" data-step="${s.id}">
  <th scope="row">${text.t(`care.step.${s.id}`, { defaultValue: s.id })}${cross ? html` <span class="badge">${text.t(blocked ? 'action.cross_border_no_consent' : 'action.cross_border')}</span>` : ''}</th>
  <td>${text.agency(s.agency)}</td><td>${text.t(`care.step_status.${s.status}`)}${s.reason ? html`<div class="hint">${s.reason}</div>` : ''}</td>
  <td>${due(ctx, s, d.now)}${s.plannedAt ? html`<div>${text.t('care.planned')}: ${s.plannedAt}</div>` : ''}${s.doneAt ? html`<div>${text.t('care.done_at')}: ${text.date(s.doneAt)}</div>` : ''}${s.note ? html`<div class="hint">${s.note}</div>` : ''}</td>
  <td>${mayChange(s) && !blocked
    ? html`<form method="post" action="${action('return-step')}" class="inline">${csrf}<input type="hidden" name="step" value="${s.id}">
  <label class="visually-hidden" for="st-${s.id}">${text.t('care.new_status')}</label><select id="st-${s.id}" name="status">${STEP_STATUSES.map((st) => html`<option value="${st}"${st === s.status ? html` selected` : ''}>${text.t(`care.step_status.${st}`)}</option>`)}</select>
  <label for="st-date-${s.id}">${text.t('care.planned')}</label><input type="date" id="st-date-${s.id}" name="planned" value="${s.plannedAt ?? ''}">
  <label class="visually-hidden" for="st-note-${s.id}">${text.t('care.note')}</label><input id="st-note-${s.id}" name="note" maxlength="4000" placeholder="${text.t('care.note_hint')}">
  <button type="submit">${text.t('care.save')}</button></form>`
    : blocked
      ? html`<span class="hint">${text.t('care.needs_consent')}</span>`
      : ''}</td></tr>`;
  });

  return html`<section aria-labelledby="care-h" class="card care">
  <h2 id="care-h">${text.t('care.title')}</h2>
  ${d.services.length
    ? html`<table class="care-services"><caption>${text.t('care.services')}</caption><thead><tr><th scope="col">${text.t('care.service')}</th><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('field.status')}</th><th scope="col">${text.t('care.due')}</th><th scope="col">${text.t('ticket.actions')}</th></tr></thead><tbody>${serviceRows}</tbody></table>`
    : html`<p class="muted">${text.t('care.no_services')}</p>`}
  <h3>${text.t('care.return')}</h3>
  ${d.steps.length
    ? html`<p class="hint">${text.t(`care.plan.${d.steps[0]!.template}`, { defaultValue: d.steps[0]!.template ?? '' })}</p><table class="care-steps"><caption>${text.t('care.return')}</caption><thead><tr><th scope="col">${text.t('care.step_col')}</th><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('field.status')}</th><th scope="col">${text.t('care.due')}</th><th scope="col">${text.t('ticket.actions')}</th></tr></thead><tbody>${stepRows}</tbody></table>`
    : d.startable
      ? html`<form method="post" action="${action('return-start')}">${csrf}<p class="hint">${text.t(`care.plan.${d.startable}`, { defaultValue: d.startable })}</p><button type="submit">${text.t('care.start_return')}</button></form>`
      : html`<p class="muted">${text.t('care.no_return')}</p>`}
</section>`;
}
