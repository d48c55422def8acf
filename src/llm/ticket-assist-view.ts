/**
 * The ticket page's assist cards: the machine-written summary, the reporter's words beside their
 * machine translation, and the "translate first" step of a staff message. Everything the model
 * wrote is marked as such.
 */
import { html, type SafeHtml } from '../dashboard/html.ts';
import { csrfField, page, type ViewContext } from '../dashboard/views/layout.ts';
import type { TicketRecord } from '../store/store.ts';
import type { CaseSummary, Draft, TranslatedText } from './ticket-assist.ts';

/** What the ticket page's assist shows. */
export interface AssistData {
  summary?: CaseSummary | undefined;
  /** Set when the summary feature is on (an absent summary then says the model did not answer). */
  summaryOn: boolean;
  texts: TranslatedText[];
  translateOn: boolean;
}

/** The summary and translation cards, placed after the answers. */
export function assistCards(ctx: ViewContext, d: AssistData): SafeHtml {
  const { text } = ctx;
  const summary = d.summaryOn
    ? html`<section aria-labelledby="ai-sum-h" class="card machine">
  <h2 id="ai-sum-h">${text.t('assist.summary_title')} <span class="badge machine">${text.t('assist.machine_written')}</span></h2>
  ${d.summary
    ? html`<p class="machine-text">${d.summary.summary}</p>
  <p>${text.t('assist.relies_on')} ${d.summary.indicators.length ? html`<span class="tags">${d.summary.indicators.map((i) => html`<span class="tag">${text.t(`indicator.${i}`, { defaultValue: text.question(i) })}</span> `)}</span>` : html`<span class="muted">${text.t('assist.no_indicators')}</span>`}</p>
  <p class="hint">${text.t('assist.summary_hint')}</p>`
    : html`<p class="muted">${text.t('assist.unavailable')}</p>`}
</section>`
    : '';
  const translated = d.translateOn && d.texts.some((t) => t.translation !== undefined);
  const translations =
    d.translateOn && d.texts.length
      ? html`<section aria-labelledby="ai-tr-h" class="card machine">
  <h2 id="ai-tr-h">${text.t('assist.translation_title')} <span class="badge machine">${text.t('assist.machine_translation')}</span></h2>
  ${translated ? '' : html`<p class="muted">${text.t('assist.unavailable')}</p>`}
  <table class="translations"><thead><tr><th scope="col">${text.t('assist.original')}</th><th scope="col">${text.t('assist.translation')}</th></tr></thead>
  <tbody>${d.texts.map(
    (t) =>
      html`<tr><td lang="" class="original">${t.source === 'message' ? '' : html`<span class="muted">${text.question(t.source)}:</span> `}${t.original}</td><td class="machine-text">${t.translation ?? html`<span class="muted">—</span>`}</td></tr>`,
  )}</tbody></table>
</section>`
      : '';
  return html`${summary}${translations}`;
}

/** The "translate first" form under the message box. */
export function draftForm(ctx: ViewContext, ticket: TicketRecord): SafeHtml {
  return html`<form method="post" action="/staff/tickets/${ticket.ref}/assist/draft" class="assist-draft">${csrfField(ctx)}
  <p class="field"><label for="assist-message">${ctx.text.t('assist.draft_label')}</label>
  <textarea id="assist-message" name="message" rows="3" required maxlength="2000"></textarea></p>
  <p class="hint">${ctx.text.t('assist.draft_hint')}</p>
  <button type="submit">${ctx.text.t('assist.draft_button')}</button></form>`;
}

/** The check page: the message, its translation, the back-translation, and send. */
export function draftPage(ctx: ViewContext, ticket: TicketRecord, draft: Draft | undefined, original: string): SafeHtml {
  const { text } = ctx;
  const body = draft
    ? html`<section class="card machine" aria-labelledby="draft-h">
  <h2 id="draft-h">${text.t('assist.draft_title')}</h2>
  <dl class="draft">
    <div><dt>${text.t('assist.your_message')}</dt><dd>${draft.original}</dd></div>
    <div><dt>${text.t('assist.they_receive')} <span class="badge machine">${text.t('assist.machine_translation')}</span></dt><dd class="machine-text" lang="${ticket.language ?? ''}">${draft.translation}</dd></div>
    <div><dt>${text.t('assist.back_translation')}</dt><dd class="machine-text">${draft.backTranslation}</dd></div>
  </dl>
  <p class="hint">${text.t('assist.check_hint')}</p>
  <form method="post" action="/staff/tickets/${ticket.ref}/message">${csrfField(ctx)}
  <input type="hidden" name="message" value="${draft.translation}">
  <button type="submit" class="primary">${text.t('assist.send_translation')}</button></form>
</section>`
    : html`<section class="card"><p class="notice error">${text.t('assist.draft_failed')}</p>
  <form method="post" action="/staff/tickets/${ticket.ref}/message">${csrfField(ctx)}
  <input type="hidden" name="message" value="${original}">
  <button type="submit">${text.t('assist.send_untranslated')}</button></form></section>`;
  return page(ctx, ticket.ref, html`<p><a href="/staff/tickets/${ticket.ref}">← ${text.t('assist.back_to_ticket', { ref: ticket.ref })}</a></p>${body}`);
}
