/**
 * The privacy actions of the ticket page (issue 14): legal hold (supervisors, administrators),
 * erasure with a reason and the access-request ZIP (administrators). Like every ticket route, a
 * ticket outside the staff member's agency is 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from '../core/errors.ts';
import { exportReporterData } from '../privacy/access-export.ts';
import type { TicketRecord } from '../store/store.ts';
import { actorOf, type Dashboard, formOf, requirePermission, staffOf } from './dashboard-context.ts';
import { contentDisposition } from './ticket-page-routes.ts';

type RefParams = { Params: { ref: string } };

/** Mounts POST /staff/tickets/:ref/legal-hold, /erase and /access-request. */
export function registerPrivacyRoutes(app: FastifyInstance, d: Dashboard): void {
  const { services, access } = d;
  const { store, files, definitions, clock, privacy } = services;

  const ticketOr404 = async (req: FastifyRequest<RefParams>): Promise<TicketRecord> => {
    const ticket = await access.ticket(staffOf(req).user, req.params.ref);
    if (!ticket) throw new RequestError(404, 'not_found', 'No such ticket.');
    return ticket;
  };

  app.post<RefParams>('/tickets/:ref/legal-hold', async (req, reply) => {
    const ticket = await ticketOr404(req);
    requirePermission(req, 'legal_hold');
    await privacy.setLegalHold(actorOf(req), ticket, formOf(req).hold === 'on');
    return reply.redirect(`/staff/tickets/${ticket.ref}?done=legal_hold`, 303);
  });

  app.post<RefParams>('/tickets/:ref/erase', async (req, reply) => {
    const ticket = await ticketOr404(req);
    requirePermission(req, 'privacy_requests');
    const form = formOf(req);
    // Typing the reference is the confirmation: an erasure cannot be undone.
    if (String(form.confirm ?? '').trim().toUpperCase() !== ticket.ref) throw new RequestError(400, 'erase_confirm', 'Type the reference to confirm.');
    await privacy.erase(actorOf(req), ticket, String(form.reason ?? ''));
    return reply.redirect(`/staff/tickets/${ticket.ref}?done=erase`, 303);
  });

  app.post<RefParams>('/tickets/:ref/access-request', async (req, reply) => {
    const ticket = await ticketOr404(req);
    requirePermission(req, 'privacy_requests');
    if (ticket.erasedAt) throw new RequestError(409, 'ticket_erased', 'This ticket was erased.');
    const pkg = await exportReporterData({ store, files, translations: definitions.translations, dictionary: definitions.flows.dictionary, clock }, actorOf(req), ticket);
    return reply.type('application/zip').header('content-disposition', contentDisposition('attachment', pkg.fileName)).send(Buffer.from(pkg.zip));
  });
}
