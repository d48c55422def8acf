/**
 * Quick exit: the person typed EXIT (or /stop) because someone may look at their phone. What is
 * not yet delivered to the chat is cancelled, the channel is asked to delete the chat's messages
 * where it can, and a chat with no ticket is erased. A chat with a ticket keeps the case for staff,
 * but nothing more is sent to it (staff messages, case updates) until the person writes again.
 */
import type { SessionState } from '../flow/types.ts';
import { deleteChoice } from './delete-choice.ts';
import type { Reply } from './reply.ts';
import type { TurnContext } from './turn.ts';

/**
 * Channels whose platform does not let a bot delete messages from the person's phone (LINE): the
 * goodbye says so, and how to delete the chat in the app, instead of claiming it was erased.
 */
const CANNOT_DELETE_FROM_PHONE = new Set(['line']);

/** What the exit leaves: the closed state (none when erased) and the goodbye. */
export interface ExitOutcome {
  state?: SessionState;
  replies: Reply[];
  /** Everything of the chat was erased: the goodbye itself leaves no trace either. */
  erased?: true;
}

/** Runs the quick exit in the turn's transaction; the turn's `filesToDelete` receives files to delete after commit. */
export async function quickExit(ctx: TurnContext): Promise<ExitOutcome> {
  const { tx, msg, sessionId, state, filesToDelete, synchronous } = ctx;
  const translations = ctx.deps.translations;
  const tickets = await tx.ticketsOfUser(msg.channel, msg.userId);
  const t = translations.t(state?.lang);
  const phoneKeeps = CANNOT_DELETE_FROM_PHONE.has(msg.channel);
  // Nothing queued before the exit (a late reply, a case update, a staff message) goes out after it.
  await tx.cancelPending(msg.channel, msg.userId);
  if (!synchronous) {
    const userMessageIds = [...(await tx.inboundMessageIds(sessionId)), ...(msg.messageId ? [msg.messageId] : [])];
    await tx.enqueue({ channel: msg.channel, recipient: msg.userId, kind: 'erase', payload: { userMessageIds } });
  }
  if (tickets.length === 0) {
    filesToDelete.push(...(await tx.eraseSession(sessionId, msg.channel, msg.userId)));
    return { erased: true, replies: [{ text: t(phoneKeeps ? 'exit_line.erased' : 'exit.erased') }] };
  }
  // The case stays with staff, who are told the person left: they must not write until the person does.
  await tx.setReporterLeft(msg.channel, msg.userId, true);
  for (const ticket of tickets) if (ticket.status !== 'closed') await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'reporter.left' });
  const next = state ? { ...state, ended: true, choosingLanguage: false } : undefined;
  // On LINE the goodbye stays on the screen: it never repeats the reference.
  const text = phoneKeeps ? t('exit_line.closed') : t('exit.closed', { ref: tickets[0]!.ref });
  // The case stays: the goodbye offers to ask for its deletion (issue 14).
  return { ...(next ? { state: next } : {}), replies: [{ text, choices: [deleteChoice(translations, state?.lang)] }] };
}
