/**
 * The ticket page: the case at a glance, every answer with its question, the transcript,
 * attachments, notes, the audit trail, and the actions the staff member's role allows. Each part
 * is a module of `./ticket/`; this one lays them out.
 */
import { html, type SafeHtml } from '../html.ts';
import { notice, page, type ViewContext } from './layout.ts';
import { simulatorNotice } from './ticket-reason-view.ts';
import { hiddenFiles, privacyCard, privacyNotices } from './privacy-view.ts';
import { actionForms, evidenceSection } from './ticket/actions-view.ts';
import { answersSection } from './ticket/answers-view.ts';
import { attachmentsSection } from './ticket/attachments-view.ts';
import { auditSection } from './ticket/audit-view.ts';
import { glanceSection } from './ticket/glance-view.ts';
import { messageSection } from './ticket/message-view.ts';
import { notesSection } from './ticket/notes-view.ts';
import { referralsSection } from './ticket/referrals-view.ts';
import { type TicketPageData, ticketParts } from './ticket/ticket-parts.ts';
import { transcriptSection } from './ticket/transcript-view.ts';

export type { TicketPageData } from './ticket/ticket-parts.ts';
export { actorName } from './ticket/audit-view.ts';

/** The ticket page. */
export function ticketView(ctx: ViewContext, d: TicketPageData): SafeHtml {
  const p = ticketParts(ctx, d);
  const { text, t } = p;
  return page(
    ctx,
    t.ref,
    html`<p><a href="/staff">← ${text.t('ticket.back')}</a></p>
<h1>${text.t('ticket.title', { ref: t.ref })}</h1>
${t.updatedByReporterAt ? html`<p class="notice reporter-update">✉ ${text.t('reporter_update.badge')} · <time datetime="${t.updatedByReporterAt}">${text.date(t.updatedByReporterAt)}</time></p>` : ''}
${simulatorNotice(text, t)}
${privacyNotices(ctx, t, d.personal)}
${notice('error', d.error)}
${notice('ok', d.done)}
<div class="ticket-grid">
  <div class="col-main">
    ${glanceSection(p)}
    ${d.care ?? ''}
    ${answersSection(p)}
    ${d.cards ?? ''}
    ${transcriptSection(p)}
    ${d.personal && !d.personal.shown ? hiddenFiles(ctx, d.attachments.length, d.personal) : attachmentsSection(p)}
  </div>
  <div class="col-side">
    <section aria-labelledby="act-h" class="card actions-card"><h2 id="act-h">${text.t('ticket.actions')}</h2>${actionForms(p)}</section>
    ${messageSection(p)}
    ${evidenceSection(p)}
    ${privacyCard(ctx, t)}
    ${referralsSection(p)}
    ${notesSection(p)}
  </div>
</div>
${auditSection(p)}`,
  );
}

