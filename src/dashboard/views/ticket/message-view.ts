/**
 * The ticket page: writing to the reporter through the bot, when that is allowed.
 */
import { can } from '../../../access/access.ts';
import { html, type SafeHtml } from '../../html.ts';
import type { TicketParts } from './ticket-parts.ts';

/** The "write to the reporter" card. */
export function messageSection(p: TicketParts): SafeHtml {
  const { text, role, t, d, csrf, action, kept } = p;
  return html`<section aria-labelledby="msg-h" class="card">
  <h2 id="msg-h">${text.t('ticket.write')}</h2>
  ${d.mayWrite && can(role, 'work')
    ? html`<form method="post" action="${action('message')}">${csrf}
  <p class="field"><label for="message">${text.t('action.message', { language: t.language ? text.answer('lang', t.language) : '—' })}</label>
  <textarea id="message" name="message" rows="3" required maxlength="2000">${kept('message', 'message') ?? ''}</textarea></p>
  <p class="hint">${text.t('action.message_hint')}</p>
  <button type="submit" class="primary">${text.t('action.send')}</button></form>${d.compose ?? ''}`
    : d.reporterLeftAt
      ? html`<p class="notice reporter-left" role="status">${text.t('reporter_left.notice', { date: text.date(d.reporterLeftAt) })}</p>`
      : html`<p class="hint">${text.t('action.message_not_allowed')}</p>`}
</section>`;
}
