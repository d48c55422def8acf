/**
 * `/privacy` and `/delete` in the chat (issue 14). `/privacy` says what is kept, for how long, who
 * sees it and how to ask for deletion. `/delete` without a case erases the chat at once, as the
 * quick exit does; with a case it sends the request to the case's staff (the ticket may be
 * evidence, so an administrator decides) and says so. The quick exit's goodbye offers the same
 * request as a choice (delete-choice.ts).
 */
import { DELETE_CHOICE } from './delete-choice.ts';
import { quickExit } from './quick-exit.ts';
import type { InboundContent, Reply } from './reply.ts';
import { again, type ConversationDeps, renderFor, type TurnContext, type TurnResult } from './turn.ts';

/** The periods `/privacy` names, in days (0: kept until staff delete it). */
export type PrivacyFacts = NonNullable<ConversationDeps['privacy']>;

/** The defaults of src/privacy/retention-env.ts. */
export const DEFAULT_PRIVACY_FACTS: PrivacyFacts = { unticketedDays: 30, closedDays: 365 };

/** Whether an input is the tap on the quick exit's "delete my data" choice. */
export function isDeleteChoice(content: InboundContent): boolean {
  return content.type === 'choice' && content.ids.length === 1 && content.ids[0] === DELETE_CHOICE;
}

/** The `/privacy` text in a language. */
export function privacyReply(ctx: TurnContext, lang: string | undefined): Reply {
  const t = ctx.deps.translations.t(lang);
  const facts = ctx.deps.privacy ?? DEFAULT_PRIVACY_FACTS;
  const period = (days: number) => (days > 0 ? t('privacy.days', { days }) : t('privacy.forever'));
  return { text: t('privacy.text', { unticketed: period(facts.unticketedDays), closed: period(facts.closedDays) }) };
}

/** `/privacy` or `/delete` as a turn; a conversation in progress then asks its question again. */
export async function privacyTurn(ctx: TurnContext, command: 'privacy' | 'delete'): Promise<TurnResult> {
  const { tx, msg, state } = ctx;
  const more = state && !state.ended ? await renderFor(ctx, state, again(ctx, state)) : [];
  // Answers that change nothing stay off the report.
  if (command === 'privacy') return { ...(state ? { state } : {}), quiet: true, replies: [privacyReply(ctx, state?.lang), ...more] };
  const tickets = (await tx.ticketsOfUser(msg.channel, msg.userId)).filter((t) => !t.erasedAt);
  if (tickets.length === 0) return { ...(await quickExit(ctx)), exited: true };
  for (const ticket of tickets) {
    if (!ticket.erasureRequestedAt) {
      await tx.setPrivacyFlags(ticket.ref, { erasureRequested: true });
      await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'erasure.requested' });
    }
    // Staff see it on the queue and the ticket page, like a message from the reporter.
    await tx.setReporterUpdate(ticket.ref, true);
  }
  const t = ctx.deps.translations.t(state?.lang);
  return { ...(state ? { state } : {}), quiet: true, replies: [{ text: t('privacy.delete_requested', { refs: tickets.map((x) => x.ref).join(', ') }) }, ...more] };
}
