/**
 * The ticket page: internal notes, never shown to the reporter.
 */
import { can } from '../../../access/access.ts';
import { html, type SafeHtml } from '../../html.ts';
import { actorName } from './audit-view.ts';
import type { TicketParts } from './ticket-parts.ts';

/** The notes card and its form. */
export function notesSection(p: TicketParts): SafeHtml {
  const { text, role, d, csrf, action, kept } = p;
  return html`<section aria-labelledby="notes-h" class="card">
  <h2 id="notes-h">${text.t('ticket.notes')}</h2>
  ${d.notes.length ? html`<ol class="notes">${d.notes.map((n) => html`<li><div class="who">${actorName(text, n.author, d.staff)} · <time datetime="${n.createdAt}">${text.date(n.createdAt)}</time></div><div class="text">${n.body}</div></li>`)}</ol>` : html`<p class="muted">${text.t('ticket.no_notes')}</p>`}
  ${can(role, 'work')
    ? html`<form method="post" action="${action('notes')}">${csrf}
  <p class="field"><label for="note">${text.t('action.note')}</label><textarea id="note" name="note" rows="3" required maxlength="4000">${kept('notes', 'note') ?? ''}</textarea></p>
  <button type="submit">${text.t('action.add_note')}</button></form>`
    : ''}
</section>`;
}
