/**
 * The "claim" button of a Telegram alert. The tap is authorised like a dashboard request: the
 * Telegram user must be linked to an enabled staff account whose role may work tickets and whose
 * agency the ticket is referred to; then the same {@link TicketActions.claim} runs, with its audit row.
 */
import { can, canSee } from '../access/access.ts';
import type { StaffLanguages } from '../staff/staff-languages.ts';
import { DashboardText } from '../staff/staff-text.ts';
import type { Dictionary } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import type { Store } from '../store/store.ts';
import type { TicketActions } from '../tickets/ticket-actions.ts';

/** Callback data of a claim button: `claim:<ref>` (well within Telegram's 64 bytes). */
export const CLAIM_PREFIX = 'claim:';

/** The ticket reference a claim button carries, or undefined. */
export function parseClaim(data: string | undefined): string | undefined {
  if (!data?.startsWith(CLAIM_PREFIX)) return undefined;
  const ref = data.slice(CLAIM_PREFIX.length).trim().toUpperCase();
  return /^TR-[A-Z0-9-]{4,20}$/.test(ref) ? ref : undefined;
}

/** What a claim needs. */
export interface ClaimDeps {
  store: Store;
  actions: TicketActions;
  translations: Translations;
  dictionary: Dictionary;
  staffLanguages: StaffLanguages;
}

/**
 * Claims `ref` for the staff member linked to `telegramUserId`. Returns the short text to show
 * on the button's answer (answerCallbackQuery), in the staff member's language; an unlinked user
 * gets it in the language of their Telegram app when it is a staff language, otherwise in English.
 */
export async function claimFromAlert(deps: ClaimDeps, telegramUserId: string, ref: string, languageCode?: string): Promise<string> {
  const staff = await deps.store.findStaffByTelegram(telegramUserId);
  const text = new DashboardText(deps.translations, staff?.lang ?? deps.staffLanguages.fromHeader(languageCode, 'en'), deps.dictionary, deps.staffLanguages);
  if (!staff || staff.disabled) return text.t('alert.claim_unlinked');
  const ticket = await deps.store.getTicket(ref);
  // Out of reach and non-existent answer the same, as on the dashboard.
  if (!ticket || !canSee(staff, ticket)) return text.t('alert.claim_not_found');
  if (!can(staff.role, 'work')) return text.t('alert.claim_forbidden');
  if (ticket.assignee === staff.id) return text.t('alert.claim_already_yours', { ref });
  // Two people tapping the same group alert: the first keeps it; taking it over is a dashboard decision.
  if (ticket.assignee) return text.t('alert.claim_taken', { ref });
  await deps.actions.claim({ id: staff.id, audit: `staff:${staff.id}` }, ticket);
  return text.t('alert.claimed', { ref });
}
