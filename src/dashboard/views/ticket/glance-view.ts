/**
 * The ticket page: the case at a glance (priority and its reason, status, indicators, where, who, consent).
 */
import type { AnswerValue } from '../../../flow/types.ts';
import type { DashboardText } from '../../../staff/staff-text.ts';
import { html, type SafeHtml } from '../../html.ts';
import { priorityBadge } from '../layout.ts';
import { timingBadge } from '../queue-view.ts';
import { priorityReasonView } from '../ticket-reason-view.ts';
import type { TicketParts } from './ticket-parts.ts';

const str = (v: AnswerValue | undefined) => (typeof v === 'string' ? v : undefined);

/** A yes/no flag shown with a symbol and a word. */
function flag(text: DashboardText, value: AnswerValue | undefined): SafeHtml {
  if (value === 'yes') return html`<span class="flag yes">✓ ${text.t('flag.yes')}</span>`;
  if (value === 'no') return html`<span class="flag no">✗ ${text.t('flag.no')}</span>`;
  return html`<span class="flag unknown">? ${text.t('flag.unknown')}</span>`;
}

/** Where the reporter is: the answer, with a map link for a shared location. */
export function locationCell(text: DashboardText, value: AnswerValue | undefined): SafeHtml {
  if (value === undefined) return html`<span class="muted">${text.t('flag.unknown')}</span>`;
  if (typeof value === 'object' && !Array.isArray(value) && typeof value.lat === 'number' && typeof value.lon === 'number') {
    const url = `https://www.openstreetmap.org/?mlat=${value.lat.toFixed(5)}&mlon=${value.lon.toFixed(5)}#map=16/${value.lat.toFixed(5)}/${value.lon.toFixed(5)}`;
    return html`${text.answer('location', value)} · <a href="${url}" target="_blank" rel="noopener noreferrer">${text.t('ticket.map')}</a>`;
  }
  return html`${text.answer('location', value)}`;
}

/** The "at a glance" card. */
export function glanceSection(p: TicketParts): SafeHtml {
  const { text, t, a, d } = p;
  const needs = Array.isArray(a.needs) ? text.answer('needs', a.needs) : undefined;
  const assignee = t.assignee ? (d.staff.get(t.assignee)?.name ?? t.assignee) : undefined;
  return html`<section aria-labelledby="glance-h" class="card glance">
  <h2 id="glance-h">${text.t('ticket.glance')}</h2>
  <dl>
    <div><dt>${text.t('field.priority')}</dt><dd>${priorityBadge(text, t.priority)} ${timingBadge(text, d.timing)}${d.priorityReason ? priorityReasonView(text, d.priorityReason, a) : ''}</dd></div>
    <div><dt>${text.t('field.case_type')}</dt><dd>${text.t(`case_type.${t.caseType}`, { defaultValue: t.caseType })}</dd></div>
    <div><dt>${text.t('field.status')}</dt><dd>${text.t(`status.${t.status}`)}${t.outcome ? html` · ${text.t(`outcome.${t.outcome}`, { defaultValue: t.outcome })}` : ''}</dd></div>
    <div><dt>${text.t('field.indicators')}</dt><dd>${t.indicators.length ? html`<ul class="tags">${t.indicators.map((i) => html`<li>${text.t(`indicator.${i}`, { defaultValue: i })}</li>`)}</ul>` : html`<span class="muted">${text.t('ticket.no_indicators')}</span>`}</dd></div>
    <div><dt>${text.question('location')}</dt><dd>${locationCell(text, a.location)}</dd></div>
    <div><dt>${text.question('current_country')}</dt><dd>${str(a.current_country) ? text.answer('current_country', a.current_country!) : html`<span class="muted">${text.t('flag.unknown')}</span>`}</dd></div>
    <div><dt>${text.question('nationality')}</dt><dd>${str(a.nationality) ? text.answer('nationality', a.nationality!) : html`<span class="muted">${text.t('flag.unknown')}</span>`}</dd></div>
    <div><dt>${text.question('needs')}</dt><dd>${needs ?? html`<span class="muted">${text.t('flag.unknown')}</span>`}</dd></div>
    <div><dt>${text.question('consent_share')}</dt><dd>${flag(text, a.consent_share)}</dd></div>
    <div><dt>${text.question('consent_cross_border')}</dt><dd>${flag(text, a.consent_cross_border)}</dd></div>
    <div><dt>${text.question('contact_ok')}</dt><dd>${flag(text, a.contact_ok)}</dd></div>
    <div><dt>${text.t('field.basis')}</dt><dd>${text.t(`basis.${t.basis}`)}</dd></div>
    <div><dt>${text.t('field.language')} · ${text.t('field.channel')}</dt><dd>${t.language ? text.answer('lang', t.language) : '—'} · ${text.t(`channel.${t.channel}`, { defaultValue: t.channel })}</dd></div>
    <div><dt>${text.t('field.created')}</dt><dd>${text.date(t.createdAt)}</dd></div>
    <div><dt>${text.t('field.assignee')}</dt><dd>${assignee ?? html`<span class="muted">${text.t('field.unassigned')}</span>`}</dd></div>
    ${t.duplicateOf ? html`<div><dt>${text.t('field.duplicate_of')}</dt><dd><a href="/staff/tickets/${t.duplicateOf}">${t.duplicateOf}</a></dd></div>` : ''}
  </dl>
</section>`;
}
