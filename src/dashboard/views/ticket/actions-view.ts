/**
 * The ticket page: the staff actions the role allows, and the evidence export.
 */
import type { Agency } from '../../../directory/directory.ts';
import { ALL_AGENCIES, can } from '../../../access/access.ts';
import { isCrossBorder, OUTCOMES, STATUSES } from '../../../tickets/ticket-actions.ts';
import { html, type SafeHtml } from '../../html.ts';
import type { TicketParts } from './ticket-parts.ts';

/** The action forms, by role: each a plain POST form with the CSRF token. */
export function actionForms(p: TicketParts): SafeHtml[] {
  const { text, role, viewer, t, a, d, csrf, action, mine, myReferral, kept } = p;
  const actions: SafeHtml[] = [];
  if (can(role, 'work') && t.assignee !== viewer.id) {
    actions.push(html`<form method="post" action="${action('claim')}" class="action">${csrf}<button type="submit" class="primary">${text.t('action.claim')}</button></form>`);
  }
  if (can(role, 'assign_others')) {
    actions.push(html`<form method="post" action="${action('assign')}" class="action">${csrf}
  <p class="field"><label for="assignee">${text.t('action.assign_to')}</label>
  <select id="assignee" name="assignee"><option value="">${text.t('field.unassigned')}</option>${d.assignable.map((u) => html`<option value="${u.id}"${u.id === (kept('assign', 'assignee') ?? t.assignee) ? html` selected` : ''}>${u.name}</option>`)}</select></p>
  <button type="submit">${text.t('action.assign')}</button></form>`);
  }
  if (can(role, 'work')) {
    actions.push(html`<form method="post" action="${action('status')}" class="action">${csrf}
  <p class="field"><label for="status">${text.t('action.new_status')}</label>
  <select id="status" name="status">${STATUSES.map((s) => html`<option value="${s}"${s === (kept('status', 'status') ?? t.status) ? html` selected` : ''}>${text.t(`status.${s}`)}</option>`)}</select></p>
  <p class="field"><label for="outcome">${text.t('action.outcome')}</label>
  <select id="outcome" name="outcome"><option value="">${text.t('action.outcome_none')}</option>${OUTCOMES.map((o) => html`<option value="${o}"${o === (kept('status', 'outcome') ?? t.outcome) ? html` selected` : ''}>${text.t(`outcome.${o}`)}</option>`)}</select></p>
  <p class="hint">${text.t('action.outcome_hint')}</p>
  <button type="submit">${text.t('action.change_status')}</button></form>`);
  }
  if (can(role, 'decide_referral') && (myReferral || mine === ALL_AGENCIES)) {
    const choices = mine === ALL_AGENCIES ? t.referrals.map((r) => r.agency) : [myReferral!.agency];
    actions.push(html`<form method="post" action="${action('referral')}" class="action">${csrf}
  <fieldset><legend>${text.t('action.decide_referral')}</legend>
  ${choices.length > 1 || mine === ALL_AGENCIES
    ? html`<p class="field"><label for="ref-agency">${text.t('field.agency')}</label><select id="ref-agency" name="agency">${choices.map((c) => html`<option value="${c}"${c === kept('referral', 'agency') ? html` selected` : ''}>${text.agency(c)}</option>`)}</select></p>`
    : html`<input type="hidden" name="agency" value="${choices[0] ?? ''}">`}
  <p class="field"><input type="radio" id="dec-accept" name="decision" value="accepted"${kept('referral', 'decision') !== 'declined' ? html` checked` : ''}><label for="dec-accept">${text.t('action.accept')}</label>
  <input type="radio" id="dec-decline" name="decision" value="declined"${kept('referral', 'decision') === 'declined' ? html` checked` : ''}><label for="dec-decline">${text.t('action.decline')}</label></p>
  <p class="field"><label for="reason">${text.t('action.reason')}</label><textarea id="reason" name="reason" rows="2" maxlength="4000">${kept('referral', 'reason') ?? ''}</textarea></p>
  <p class="hint">${text.t('action.reason_hint')}</p>
  <button type="submit">${text.t('action.save_decision')}</button></fieldset></form>`);
  }
  if (can(role, 'refer')) {
    const consent = a.consent_cross_border === 'yes';
    const targets = d.directory.agencies.filter((ag: Agency) => !t.referrals.some((r) => r.agency === ag.id));
    const transferFrom = mine === ALL_AGENCIES ? t.referrals.map((r) => r.agency) : myReferral ? [myReferral.agency] : [];
    actions.push(html`<form method="post" action="${action('refer')}" class="action">${csrf}
  <fieldset><legend>${text.t('action.refer_title')}</legend>
  <p class="field"><label for="to-agency">${text.t('action.to_agency')}</label>
  <select id="to-agency" name="agency">${targets.map((ag) => {
    const abroad = isCrossBorder(d.directory, ag.id);
    return html`<option value="${ag.id}"${abroad && !consent ? html` disabled` : ''}${ag.id === kept('refer', 'agency') ? html` selected` : ''}>${text.agency(ag.id)}${abroad ? ` (${text.t(consent ? 'action.cross_border' : 'action.cross_border_no_consent')})` : ''}</option>`;
  })}</select></p>
  ${!consent ? html`<p class="hint">${text.t('action.cross_border_hint')}</p>` : ''}
  <p class="field"><input type="radio" id="mode-refer" name="mode" value="refer"${kept('refer', 'mode') !== 'transfer' ? html` checked` : ''}><label for="mode-refer">${text.t('action.mode_refer')}</label>
  ${transferFrom.length ? html`<input type="radio" id="mode-transfer" name="mode" value="transfer"${kept('refer', 'mode') === 'transfer' ? html` checked` : ''}><label for="mode-transfer">${text.t('action.mode_transfer')}</label>` : ''}</p>
  ${transferFrom.length > 1 ? html`<p class="field"><label for="from-agency">${text.t('action.transfer_from')}</label><select id="from-agency" name="from">${transferFrom.map((c) => html`<option value="${c}"${c === kept('refer', 'from') ? html` selected` : ''}>${text.agency(c)}</option>`)}</select></p>` : transferFrom.length === 1 ? html`<input type="hidden" name="from" value="${transferFrom[0]!}">` : ''}
  <button type="submit">${text.t('action.refer')}</button></fieldset></form>`);
  }
  if (can(role, 'work')) {
    actions.push(html`<form method="post" action="${action('duplicate')}" class="action">${csrf}
  <p class="field"><label for="original">${text.t('action.duplicate_of')}</label><input id="original" name="original" placeholder="TR-XXXX-XXXX" maxlength="20" autocomplete="off" value="${kept('duplicate', 'original') ?? ''}"></p>
  <button type="submit">${text.t('action.mark_duplicate')}</button></form>`);
  }
  return actions;
}

/** Forwarding evidence: every agency but the ticket's own; abroad only with the reporter's consent. */
export function evidenceSection(p: TicketParts): SafeHtml | '' {
  const { text, role, a, d, csrf, action } = p;
  return can(role, 'export_evidence')
    ? html`<section aria-labelledby="ev-h" class="card">
  <h2 id="ev-h">${text.t('evidence.title')}</h2>
  <form method="post" action="${action('evidence')}">${csrf}
  <p class="field"><label for="ev-dest">${text.t('evidence.destination')}</label>
  <select id="ev-dest" name="destination">${d.directory.agencies.map((ag: Agency) => {
    const abroad = isCrossBorder(d.directory, ag.id);
    const consent = a.consent_cross_border === 'yes';
    return html`<option value="${ag.id}"${abroad && !consent ? html` disabled` : ''}>${text.agency(ag.id)}${abroad ? ` (${text.t(consent ? 'action.cross_border' : 'action.cross_border_no_consent')})` : ''}</option>`;
  })}</select></p>
  ${a.consent_cross_border !== 'yes' ? html`<p class="hint">${text.t('evidence.cross_border_hint')}</p>` : ''}
  <p class="hint">${text.t('evidence.hint')}</p>
  <button type="submit">${text.t('evidence.export')}</button></form>
</section>`
    : '';
}
