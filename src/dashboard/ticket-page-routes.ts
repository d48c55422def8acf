/**
 * The ticket page, its attachments and the staff actions. Every route first asks the access
 * service for the ticket: one outside the staff member's agency is 404, like one that does not exist.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RequestError, requestErrorOf } from '../core/errors.ts';
import type { EvidenceExport } from '../evidence/evidence-export.ts';
import { priorityReason } from '../policy/priority-reason.ts';
import type { TicketRecord, TicketStatus } from '../store/store.ts';
import { mayWriteToReporter } from '../tickets/ticket-actions.ts';
import { ALL_AGENCIES, asSeenBy, canSee, visibleUntil } from '../access/access.ts';
import { actorOf, type Dashboard, formOf, requirePermission, sendPage, staffOf, viewOf } from './dashboard-context.ts';
import { timingOf } from '../tickets/targets.ts';
import { ticketView } from './views/ticket-view.ts';
import { personalHref } from './views/privacy-view.ts';
import { hidePersonal } from '../privacy/personal-fields.ts';
import { registerTicketAssistRoutes, ticketAssistParts } from '../llm/ticket-assist-routes.ts';
import { careParts, registerCareActions } from '../care/care-routes.ts';

type RefParams = { Params: { ref: string } };

/** A file name safe for a Content-Disposition header: ASCII fallback plus the UTF-8 original. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_').slice(0, 150) || 'file';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 150))}`;
}

/** Mounts /staff/tickets/:ref and its actions. */
export function registerTicketPageRoutes(app: FastifyInstance, d: Dashboard): void {
  const { services, access, actions } = d;
  const { definitions, files, clock, config, tickets, audit: auditLog, staff, evidence } = services;

  const withReason = (t: TicketRecord) => {
    const reason = priorityReason(definitions.policy, t.answers, t.indicators, t.priority);
    return reason ? { priorityReason: reason } : {};
  };

  const ticketOr404 = async (req: FastifyRequest<RefParams>): Promise<TicketRecord> => {
    const ticket = await access.ticket(staffOf(req).user, req.params.ref);
    if (!ticket) throw new RequestError(404, 'not_found', 'No such ticket.');
    return ticket;
  };

  const showTicket = async (
    req: FastifyRequest<RefParams>,
    reply: FastifyReply,
    shownTicket: TicketRecord,
    opts: { status?: number; error?: string; done?: string; form?: { action: string; values: Record<string, string> }; personal?: boolean } = {},
  ) => {
    const ctx = viewOf(d, req);
    const viewer = staffOf(req).user;
    const [fullTranscript, attachments, notes, audit, staffList, lastIn] = await Promise.all([
      access.transcript(viewer, shownTicket),
      access.attachments(viewer, shownTicket),
      tickets.notes(shownTicket.ref),
      auditLog.ofTicket(shownTicket.ref),
      staff.list(),
      tickets.reporterActivity(shownTicket),
    ]);
    // Names, numbers, places and photos stay hidden until asked for (issue 14, src/privacy/personal-fields.ts).
    const personal = { shown: opts.personal === true, href: personalHref(shownTicket.ref, true) };
    const { ticket, transcript } = personal.shown ? { ticket: shownTicket, transcript: fullTranscript } : hidePersonal(shownTicket, fullTranscript, definitions.flows.dictionary);
    const now = clock();
    // Language-model assist (src/llm/): summary, translations, translate-before-send; nothing when off.
    const assist = await ticketAssistParts(d, ctx, ticket, transcript);
    // Services and the return plan (src/care/, issue 15).
    // Matches are found from the real answers; the card shows names only when the details are shown.
    const care = await careParts(d, ctx, shownTicket, personal.shown);
    return sendPage(
      reply,
      ticketView(ctx, {
        ticket,
        timing: timingOf(ticket, d.targets, now),
        transcript,
        attachments,
        notes,
        audit,
        staff: new Map(staffList.map((u) => [u.id, u])),
        assignable: staffList.filter((u) => !u.disabled && canSee(u, ticket)),
        directory: definitions.directory,
        // Navigation keys (the menu, the confirmation) are not answers: the summary skips them too.
        keys: Object.entries(definitions.flows.dictionary).filter(([, def]) => def.summary !== false).map(([key]) => key),
        mayWrite: mayWriteToReporter(ticket, lastIn, now),
        reporterLeftAt: ticket.reporterLeftAt,
        ...withReason(ticket),
        ...(opts.form ? { form: opts.form } : {}),
        ...assist,
        ...care,
        personal,
        ...(opts.error ? { error: opts.error } : {}),
        ...(opts.done ? { done: ctx.text.t(`done.${opts.done}`, { defaultValue: '' }) || undefined } : {}),
      }),
      opts.status,
    );
  };

  app.get<RefParams>('/tickets/:ref', async (req, reply) => {
    const ticket = await ticketOr404(req);
    const done = (req.query as Record<string, string | undefined>).done;
    const personal = (req.query as Record<string, string | undefined>).personal === '1';
    // Who looked at a case is recorded; the page shown right after one's own action adds nothing to that.
    // Opening it also marks the reporter's new messages as seen (this page still shows the mark).
    if (!done) {
      // Only someone who can see the reporter's new messages has seen them.
      await actions.recordView(actorOf(req), ticket, Boolean(asSeenBy(staffOf(req).user, ticket).updatedByReporterAt));
    }
    // Every showing of the personal details is written down, whoever asked and however often.
    if (personal) await auditLog.record({ ticketRef: ticket.ref, actor: actorOf(req).audit, action: 'personal.viewed', detail: { via: 'dashboard' } });
    return showTicket(req, reply, ticket, { ...(done && /^[a-z_]{1,30}$/.test(done) ? { done } : {}), personal });
  });

  app.get<{ Params: { ref: string; id: string } }>('/tickets/:ref/attachments/:id', async (req, reply) => {
    const found = await access.attachment(staffOf(req).user, req.params.ref, req.params.id);
    if (!found) throw new RequestError(404, 'not_found', 'No such attachment.');
    const { attachment } = found;
    const download = (req.query as Record<string, string | undefined>).download === '1';
    // Only images are shown in the browser; anything else is always saved, never rendered here.
    const inline = !download && attachment.mime.startsWith('image/');
    if (download) await auditLog.record({ ticketRef: found.ticket.ref, actor: actorOf(req).audit, action: 'attachment.downloaded', detail: { id: attachment.id } });
    const bytes = await files.read(attachment.path);
    return reply
      .type(attachment.mime)
      .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', attachment.name ?? `${attachment.id}`))
      .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .send(bytes);
  });

  // The evidence package: a download, not a redirect. A refusal (no consent to go abroad, a
  // changed file) re-renders the page with the reason, like the other actions.
  app.post<RefParams>('/tickets/:ref/evidence', async (req, reply) => {
    const ticket = await ticketOr404(req);
    requirePermission(req, 'export_evidence');
    const { user } = staffOf(req);
    let pkg: EvidenceExport;
    try {
      pkg = await evidence.export(
        { ...actorOf(req), name: user.name },
        ticket,
        String(formOf(req).destination ?? ''),
        visibleUntil(user, ticket),
      );
    } catch (thrown) {
      const err = requestErrorOf(thrown);
      if (!err || err.status === 404 || err.status === 403) throw thrown;
      const text = viewOf(d, req).text;
      return showTicket(req, reply, ticket, { status: err.status, error: text.t(`error.${err.code}`, { defaultValue: err.message }) });
    }
    return reply
      .type('application/zip')
      .header('content-disposition', contentDisposition('attachment', pkg.fileName))
      .header('x-evidence-manifest-sha256', pkg.manifestSha256)
      .send(Buffer.from(pkg.zip));
  });

  /** Runs an action; a refusal re-renders the page with the reason, success redirects (POST-redirect-GET). */
  const act = (name: string, run: (req: FastifyRequest<RefParams>, ticket: TicketRecord, form: Record<string, string>) => Promise<void>) => {
    app.post<RefParams>(`/tickets/:ref/${name}`, async (req, reply) => {
      const ticket = await ticketOr404(req);
      try {
        await run(req, ticket, formOf(req));
      } catch (thrown) {
        const err = requestErrorOf(thrown);
        if (!err || err.status === 404 || err.status === 403) throw thrown;
        const text = viewOf(d, req).text;
        const { _csrf: _, ...values } = formOf(req);
        return showTicket(req, reply, ticket, { status: err.status, error: text.t(`error.${err.code}`, { defaultValue: err.message }), form: { action: name, values } });
      }
      return reply.redirect(`/staff/tickets/${ticket.ref}?done=${name}`, 303);
    });
  };

  registerTicketAssistRoutes(app, d);
  registerCareActions(act, d);

  act('claim', async (req, ticket) => {
    requirePermission(req, 'work');
    await actions.claim(actorOf(req), ticket);
  });

  act('assign', async (req, ticket, form) => {
    requirePermission(req, 'assign_others');
    await actions.assign(actorOf(req), ticket, form.assignee || null);
  });

  act('status', async (req, ticket, form) => {
    requirePermission(req, 'work');
    await actions.setStatus(actorOf(req), ticket, form.status as TicketStatus, form.outcome || undefined);
  });

  act('referral', async (req, ticket, form) => {
    requirePermission(req, 'decide_referral');
    const mine = staffOf(req).user.agency;
    const agency = mine === ALL_AGENCIES ? String(form.agency ?? '') : mine;
    const decision = form.decision === 'declined' ? 'declined' : form.decision === 'accepted' ? 'accepted' : undefined;
    if (!decision) throw new RequestError(400, 'invalid_decision', 'Accept or decline.');
    await actions.decideReferral(actorOf(req), ticket, agency, decision, String(form.reason ?? '').slice(0, 4000));
  });

  act('refer', async (req, ticket, form) => {
    requirePermission(req, 'refer');
    const mine = staffOf(req).user.agency;
    const from = form.mode === 'transfer' ? (mine === ALL_AGENCIES ? String(form.from ?? '') : mine) : null;
    await actions.refer(actorOf(req), ticket, String(form.agency ?? ''), from);
  });

  act('message', async (req, ticket, form) => {
    requirePermission(req, 'work');
    await actions.message(actorOf(req), ticket, String(form.message ?? ''), config.MAX_TEXT_LENGTH);
  });

  act('duplicate', async (req, ticket, form) => {
    requirePermission(req, 'work');
    const original = await access.ticket(staffOf(req).user, String(form.original ?? '').trim().slice(0, 20));
    // Out of reach and non-existent look the same, so a reference elsewhere cannot be probed.
    if (!original) throw new RequestError(400, 'unknown_original', 'No such ticket in your agency.');
    await actions.markDuplicate(actorOf(req), ticket, original);
  });

  act('notes', async (req, ticket, form) => {
    requirePermission(req, 'work');
    await actions.addNote(actorOf(req), ticket, String(form.note ?? ''));
  });
}
