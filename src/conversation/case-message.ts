/**
 * A message to an open case: after the screening ended, or in answer to a staff member, what the
 * person writes goes to their case (transcript, attachments, "updated by the reporter" for staff),
 * not into a new screening.
 */
import { randomUUID } from 'node:crypto';
import { reask } from '../flow/engine.ts';
import type { Out, SessionState } from '../flow/types.ts';
import type { TicketRecord, Tx } from '../store/store.ts';
import type { InboundContent } from './reply.ts';
import { renderFor, type TurnContext, type TurnResult } from './turn.ts';

/** The content a case takes: everything but a tap and what cannot be taken. */
export type CaseContent = Exclude<InboundContent, { type: 'choice' | 'unsupported' }>;

/**
 * The open ticket a free message belongs to, if any: the case a staff member wrote from when
 * theirs was the last thing said in the chat (the person is answering them, not the pending
 * question, and it may be an earlier report than this one), else the person's newest open case
 * once their conversation has ended.
 */
export async function caseToMessage(ctx: TurnContext, state: SessionState): Promise<TicketRecord | undefined> {
  const { tx, msg, sessionId } = ctx;
  const last = await staffSpokeLast(tx, sessionId);
  if (last) {
    const ref = last.ticketRef ?? state.ticketRef;
    const ticket = ref ? await tx.getTicket(ref) : undefined;
    if (ticket && ticket.status !== 'closed') return ticket;
  }
  if (state.ended) return (await tx.ticketsOfUser(msg.channel, msg.userId)).find((t) => t.status !== 'closed');
  return undefined;
}

/** The newest message of the chat when a staff member wrote it (the person may be answering them). */
export async function staffSpokeLast(tx: Pick<Tx, 'lastOutboundRow'>, sessionId: string): Promise<{ ticketRef: string | null } | undefined> {
  const last = await tx.lastOutboundRow(sessionId);
  const from = (last?.body as { from?: unknown } | undefined)?.from;
  return last && typeof from === 'string' && from.startsWith('staff:') ? last : undefined;
}

/**
 * Adds a message to the case's transcript (files to its attachments), marks the ticket as
 * updated by the reporter for staff, and says so. A conversation in progress then goes on with
 * its question; an ended one stays ended, and says how to start a new report.
 */
export async function toCase(ctx: TurnContext, state: SessionState, ticket: TicketRecord, content: CaseContent): Promise<TurnResult> {
  const { tx, msg, sessionId } = ctx;
  let record: unknown;
  if (content.type === 'media') {
    const id = randomUUID();
    await tx.addAttachment({ id, sessionId, conversationId: ticket.conversationId, channel: msg.channel, messageId: msg.messageId ?? null, ...content.file });
    await tx.linkAttachments(sessionId, ticket.ref, ticket.conversationId);
    record = { attachment: id, mime: content.file.mime, size: content.file.size, ...(content.transcript ? { transcript: content.transcript } : {}) };
  } else if (content.type === 'location') record = { location: { lat: content.lat, lon: content.lon, text: content.text } };
  else record = { text: content.text };
  await tx.setReporterUpdate(ticket.ref, true);
  // What they wrote stays in the transcript; the audit trail says only that they wrote.
  await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'reporter.wrote', detail: { type: content.type } });
  const out: Out[] = state.ended ? [] : reask(ctx.deps.flows, state);
  const ack = ctx.deps.translations.t(state.lang)(state.ended ? 'update.added_to_case' : 'update.added_to_case_short', { ref: ticket.ref });
  return { state, record, caseRef: ticket.ref, replies: [{ text: ack }, ...(await renderFor(ctx, state, out))] };
}
