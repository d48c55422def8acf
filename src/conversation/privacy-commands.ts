/**
 * `/privacy` and `/delete` in the chat (issue 14). `/privacy` says what is kept, for how long, who
 * sees it and how to ask for deletion. `/delete` without a case erases the chat at once, as the
 * quick exit does; with a case it sends the request to the case's staff (the ticket may be
 * evidence, so an administrator decides) and says so.
 */
import type { SessionState } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import type { Tx } from '../store/store.ts';
import { DELETE_CHOICE } from './delete-choice.ts';
import { type ExitOutcome, quickExit } from './quick-exit.ts';
import type { InboundMessage, Reply } from './reply.ts';

/** The periods `/privacy` names, in days. */
export interface PrivacyFacts {
  unticketedDays: number;
  closedDays: number;
}

/** The defaults of src/privacy/retention-env.ts. */
export const DEFAULT_PRIVACY_FACTS: PrivacyFacts = { unticketedDays: 30, closedDays: 365 };

/** Whether an input is the tap on the quick exit's "ask to delete" choice. */
export function isDeleteChoice(content: InboundMessage['content']): boolean {
  return content.type === 'choice' && content.ids.length === 1 && content.ids[0] === DELETE_CHOICE;
}

/** The `/privacy` text. */
export function privacyReply(translations: Translations, lang: string | undefined, facts: PrivacyFacts): Reply {
  const t = translations.t(lang);
  const period = (days: number) => (days > 0 ? t('privacy.days', { days }) : t('privacy.forever'));
  return { text: t('privacy.text', { unticketed: period(facts.unticketedDays), closed: period(facts.closedDays) }) };
}

/** `/delete`: the chat erased (no case), or the request sent to the case's staff. */
export async function deleteRequest(
  translations: Translations,
  tx: Tx,
  msg: InboundMessage,
  sessionId: string,
  state: SessionState | undefined,
  filesToDelete: string[],
  synchronous: boolean,
): Promise<{ outcome: ExitOutcome; erased: boolean }> {
  const tickets = (await tx.ticketsOfUser(msg.channel, msg.userId)).filter((t) => !t.erasedAt);
  if (tickets.length === 0) return { outcome: await quickExit(translations, tx, msg, sessionId, state, filesToDelete, synchronous), erased: true };
  for (const ticket of tickets) {
    if (!ticket.erasureRequestedAt) {
      await tx.setPrivacyFlags(ticket.ref, { erasureRequested: true });
      await tx.audit({ ticketRef: ticket.ref, actor: 'reporter', action: 'erasure.requested' });
    }
    // Staff see it on the queue and the ticket page, like a message from the reporter.
    await tx.setReporterUpdate(ticket.ref, true);
  }
  const t = translations.t(state?.lang);
  return { outcome: { ...(state ? { state } : {}), replies: [{ text: t('privacy.delete_requested', { refs: tickets.map((x) => x.ref).join(', ') }) }] }, erased: false };
}
