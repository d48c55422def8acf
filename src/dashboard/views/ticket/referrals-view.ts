/**
 * The ticket page: the referrals of the ticket and where each stands.
 */
import { html, type SafeHtml } from '../../html.ts';
import type { TicketParts } from './ticket-parts.ts';

/** The referrals table. */
export function referralsSection(p: TicketParts): SafeHtml {
  const { text, t } = p;
  return html`<section aria-labelledby="ref-h" class="card">
  <h2 id="ref-h">${text.t('ticket.referrals')}</h2>
  <table><thead><tr><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('field.referral_status')}</th><th scope="col">${text.t('field.reason')}</th><th scope="col">${text.t('field.updated')}</th></tr></thead>
  <tbody>${t.referrals.map((r) => html`<tr><td>${text.agency(r.agency)}</td><td>${text.t(`referral.${r.status}`)}</td><td>${r.reason ?? ''}</td><td>${text.date(r.updatedAt)}</td></tr>`)}</tbody></table>
</section>`;
}
