/**
 * The ticket page: every answer with its question.
 */
import { html, type SafeHtml } from '../../html.ts';
import { locationCell } from './glance-view.ts';
import type { TicketParts } from './ticket-parts.ts';

/** Flow plumbing, not information about the case: the language is shown at a glance, "send" is a button. */
const HIDDEN_KEYS = ['lang', 'confirm_send'];

/** The answers table (flow plumbing left out). */
export function answersSection(p: TicketParts): SafeHtml {
  const { text, a, d } = p;
  return html`<section aria-labelledby="ans-h" class="card">
  <h2 id="ans-h">${text.t('ticket.answers')}</h2>
  <table class="answers"><tbody>${d.keys
    .filter((k) => a[k] !== undefined && !HIDDEN_KEYS.includes(k))
    .map((k) => html`<tr><th scope="row">${text.question(k)}</th><td>${k === 'location' ? locationCell(text, a[k]) : text.answer(k, a[k]!)}</td></tr>`)}</tbody></table>
</section>`;
}
