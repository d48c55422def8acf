/**
 * The privacy parts of the ticket page (issue 14): the notices (personal details hidden or shown,
 * legal hold, the reporter's erasure request, an erased case), the hidden-files placeholder, and
 * the privacy card with legal hold, erasure and the access request for the roles that have them.
 */
import { can } from '../../access/access.ts';
import type { TicketRecord } from '../../store/store.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type ViewContext } from './layout.ts';

/** Whether the page shows the personal details, and the link that shows (or hides) them. */
export interface PersonalView {
  shown: boolean;
  href: string;
}

/** The link to a ticket page with (or without) its personal details. */
export function personalHref(ref: string, shown: boolean): string {
  return `/staff/tickets/${ref}${shown ? '?personal=1' : ''}`;
}

/** Notices at the top of the ticket page. */
export function privacyNotices(ctx: ViewContext, t: TicketRecord, personal: PersonalView | undefined): SafeHtml {
  const { text } = ctx;
  const parts: SafeHtml[] = [];
  if (t.erasedAt) parts.push(html`<p class="notice erased" role="status">${text.t('privacy.erased', { date: text.date(t.erasedAt) })}</p>`);
  if (t.legalHoldAt) parts.push(html`<p class="notice legal-hold" role="status">⚖ ${text.t('privacy.legal_hold_on', { date: text.date(t.legalHoldAt) })}</p>`);
  if (t.erasureRequestedAt && !t.erasedAt) parts.push(html`<p class="notice erasure-requested" role="status">${text.t('privacy.erasure_requested', { date: text.date(t.erasureRequestedAt) })}</p>`);
  if (personal && !t.erasedAt) {
    parts.push(
      personal.shown
        ? html`<p class="notice personal-shown">${text.t('privacy.shown_notice')} <a href="${personalHref(t.ref, false)}">${text.t('privacy.hide')}</a></p>`
        : html`<p class="notice personal-hidden">${text.t('privacy.hidden_notice')} <a href="${personal.href}" class="button" id="reveal-personal">${text.t('privacy.reveal')}</a> <span class="hint">${text.t('privacy.reveal_hint')}</span></p>`,
    );
  }
  return html`${parts}`;
}

/** The attachments card while personal details are hidden: how many, and the link to show them. */
export function hiddenFiles(ctx: ViewContext, count: number, personal: PersonalView): SafeHtml {
  const { text } = ctx;
  return html`<section aria-labelledby="att-h" class="card">
  <h2 id="att-h">${text.t('ticket.attachments')}</h2>
  ${count ? html`<p class="muted">${text.t('privacy.hidden_files', { count })} <a href="${personal.href}">${text.t('privacy.reveal')}</a></p>` : html`<p class="muted">${text.t('ticket.no_attachments')}</p>`}
</section>`;
}

/** The privacy card: legal hold (supervisors, administrators), erasure and access request (administrators). */
export function privacyCard(ctx: ViewContext, t: TicketRecord): SafeHtml {
  const { text } = ctx;
  const role = ctx.staff!.user.role;
  const csrf = csrfField(ctx);
  const action = (name: string) => `/staff/tickets/${t.ref}/${name}`;
  if (!can(role, 'legal_hold') || t.erasedAt) return html``;
  return html`<section aria-labelledby="privacy-h" class="card privacy-card">
  <h2 id="privacy-h">${text.t('privacy.title')}</h2>
  <form method="post" action="${action('legal-hold')}" class="action">${csrf}<input type="hidden" name="hold" value="${t.legalHoldAt ? 'off' : 'on'}">
  <button type="submit">${text.t(t.legalHoldAt ? 'privacy.legal_hold_release' : 'privacy.legal_hold_set')}</button></form>
  ${can(role, 'privacy_requests')
    ? html`<form method="post" action="${action('access-request')}" class="action">${csrf}
  <p class="hint">${text.t('privacy.export_hint')}</p>
  <button type="submit">${text.t('privacy.export')}</button></form>
  ${t.legalHoldAt
    ? ''
    : html`<form method="post" action="${action('erase')}" class="action danger">${csrf}
  <fieldset><legend>${text.t('privacy.erase_title')}</legend>
  <p class="hint">${text.t('privacy.erase_hint')}</p>
  <p class="field"><label for="erase-reason">${text.t('privacy.erase_reason')}</label><textarea id="erase-reason" name="reason" rows="2" maxlength="500" required></textarea></p>
  <p class="field"><label for="erase-confirm">${text.t('privacy.erase_confirm')}</label><input id="erase-confirm" name="confirm" autocomplete="off" maxlength="20" required></p>
  <button type="submit" class="danger">${text.t('privacy.erase')}</button></fieldset></form>`}`
    : ''}
</section>`;
}
