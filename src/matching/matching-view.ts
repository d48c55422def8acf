/**
 * The ticket page's matching card (issue 15): likely reports of the same person, each with its
 * reasons and score, and the forms to confirm, reject (with why) or, once confirmed, tell the family.
 */
import { html, type SafeHtml } from '../dashboard/html.ts';
import { csrfField, type ViewContext } from '../dashboard/views/layout.ts';
import type { TicketRecord } from '../store/store.ts';
import { personName } from './match-score.ts';
import type { MatchView } from './matching-service.ts';

/** The matching card; nothing when there is no match to show. */
/** `showPersonal`: the page shows personal details (issue 14); otherwise the other report's name is left out. */
export function matchingCard(ctx: ViewContext, ticket: TicketRecord, matches: MatchView[], mayTell: boolean, showPersonal = true): SafeHtml {
  if (!matches.length) return html``;
  const { text } = ctx;
  const csrf = csrfField(ctx);
  const action = (name: string) => `/staff/tickets/${ticket.ref}/${name}`;
  const items = matches.map((m) => {
    const o = m.other;
    const tellable = m.status === 'confirmed' && mayTell && [ticket, o].some((t) => t.role === 'family') && [ticket, o].some((t) => t.role === 'self');
    return html`<li class="match match-${m.status}" data-match="${o.ref}">
  <p><a href="/staff/tickets/${o.ref}">${o.ref}</a> · ${text.t(`matching.role.${o.role ?? 'self'}`, { defaultValue: o.role ?? '' })} ${showPersonal && personName(o.answers) ? html` · ${personName(o.answers)!}` : ''} · ${text.date(o.createdAt)} · <strong>${text.t(`matching.status.${m.status}`)}</strong> · ${text.t('matching.score', { score: Math.round(m.score * 100) })}</p>
  <ul class="tags reasons">${m.reasons.map((r) => html`<li class="${r.weight < 0 ? 'against' : 'for'}">${r.weight < 0 ? '−' : '+'} ${text.t(`matching.reason.${r.code}`)}</li>`)}</ul>
  ${m.status === 'rejected' && m.reason ? html`<p class="hint">${text.t('matching.rejected_because', { reason: m.reason })}</p>` : ''}
  ${m.status !== 'confirmed'
    ? html`<form method="post" action="${action('match')}" class="action">${csrf}<input type="hidden" name="other" value="${o.ref}">
  <p class="field"><input type="radio" id="m-yes-${o.ref}" name="decision" value="confirmed" checked><label for="m-yes-${o.ref}">${text.t('matching.confirm')}</label>
  <input type="radio" id="m-no-${o.ref}" name="decision" value="rejected"><label for="m-no-${o.ref}">${text.t('matching.reject')}</label></p>
  <p class="field"><label for="m-why-${o.ref}">${text.t('matching.why')}</label><input id="m-why-${o.ref}" name="reason" maxlength="4000"></p>
  <button type="submit">${text.t('matching.save')}</button></form>`
    : html`<p class="notice ok">${text.t('matching.linked')}</p>`}
  ${tellable
    ? html`<form method="post" action="${action('match-tell')}" class="action">${csrf}<input type="hidden" name="other" value="${o.ref}">
  <p class="field check"><input type="checkbox" id="m-consent-${o.ref}" name="consent" value="yes"><label for="m-consent-${o.ref}">${text.t('matching.person_consented')}</label></p>
  <button type="submit">${text.t('matching.tell_family')}</button></form>`
    : ''}
</li>`;
  });
  return html`<section aria-labelledby="match-h" class="card matching">
  <h2 id="match-h">${text.t('matching.title')}</h2>
  <p class="hint">${text.t('matching.hint')}</p>
  <ul class="matches">${items}</ul>
</section>`;
}
