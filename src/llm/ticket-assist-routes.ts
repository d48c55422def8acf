/**
 * The ticket page's assist: the data its cards show, and `POST /staff/tickets/:ref/assist/draft`,
 * which translates a staff message for checking. Sending stays the ticket page's own `message`
 * action, so the rules about writing to a reporter (consent, the 24-hour window) apply unchanged.
 */
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../core/errors.ts';
import { type Dashboard, formOf, requirePermission, sendPage, staffOf, viewOf } from '../dashboard/dashboard-context.ts';
import type { SafeHtml } from '../dashboard/html.ts';
import type { ViewContext } from '../dashboard/views/layout.ts';
import type { TicketRecord } from '../store/store.ts';
import { assistCards, draftForm, draftPage } from './ticket-assist-view.ts';

type TranscriptEntry = { direction: 'in' | 'out'; body: unknown; createdAt: string };

/** The assist's parts of a ticket page; empty when translate and summary are off (no request then). */
export async function ticketAssistParts(d: Dashboard, ctx: ViewContext, ticket: TicketRecord, transcript: TranscriptEntry[]): Promise<{ cards?: SafeHtml; compose?: SafeHtml }> {
  const assist = d.services.assist;
  if (!assist.translates && !assist.summarizes) return {};
  const lang = ctx.text.lang;
  // Both in parallel: the page waits at most one timeout.
  const [texts, summary] = await Promise.all([assist.translatedTexts(ticket, transcript, lang), assist.summary(ticket, transcript, lang)]);
  return {
    // A conversation in the staff member's own language has nothing to translate: no card.
    cards: assistCards(ctx, { texts, summary, summaryOn: assist.summarizes, translateOn: assist.translates && ticket.language !== lang }),
    ...(assist.translates && ticket.language && ticket.language !== lang ? { compose: draftForm(ctx, ticket) } : {}),
  };
}

/** Mounts the draft route. */
export function registerTicketAssistRoutes(app: FastifyInstance, d: Dashboard): void {
  app.post<{ Params: { ref: string } }>('/tickets/:ref/assist/draft', async (req, reply) => {
    const ticket = await d.access.ticket(staffOf(req).user, req.params.ref);
    if (!ticket) throw new RequestError(404, 'not_found', 'No such ticket.');
    requirePermission(req, 'work');
    const message = String(formOf(req).message ?? '').trim().slice(0, d.services.config.MAX_TEXT_LENGTH);
    if (!message) return reply.redirect(`/staff/tickets/${ticket.ref}`, 303);
    const ctx = viewOf(d, req);
    const draft = await d.services.assist.draft(ticket, message, ctx.text.lang);
    return sendPage(reply, draftPage(ctx, ticket, draft, message));
  });
}
