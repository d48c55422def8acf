/**
 * What an alert says. Alerts land in group chats that many people read, on phones that may be
 * lost, so they carry only what staff need to decide to open the ticket: priority, case type,
 * country, language and a link. Never a name, a phone number, anything the reporter typed, or a
 * place more exact than the country.
 */
import type { DashboardText } from '../staff/staff-text.ts';
import type { TicketRecord } from '../store/store.ts';

/** Why an alert is sent. */
export type AlertEvent = 'referral.created' | 'referral.reminder' | 'referral.escalated' | 'care.overdue';

/** A service or return step an alert is about (issue 15): its plan and id, codes only. */
export interface CareAlertItem {
  plan: 'service' | 'return';
  id: string;
}

/** A service's or step's name in the staff language. */
export function careItemLabel(text: DashboardText, item: CareAlertItem): string {
  return item.plan === 'service' ? text.answer('needs', [item.id]) : text.t(`care.step.${item.id}`, { defaultValue: item.id });
}

/** The outbox payload of a chat alert (kind `notify`, channel telegram or line). */
export interface AlertPayload {
  text: string;
  /** The ticket the alert is about: the audit row of a failed delivery goes to it. */
  ticketRef: string;
  /** When set, Telegram shows a "claim" button for this ticket (labelled {@link claimLabel}). */
  claim?: string;
  claimLabel?: string;
}

/** The link to the ticket page; a path alone when PUBLIC_BASE_URL is not set. */
export function ticketUrl(publicBaseUrl: string | undefined, ref: string): string {
  const path = `staff/tickets/${encodeURIComponent(ref)}`;
  return publicBaseUrl ? new URL(path, publicBaseUrl.replace(/\/?$/, '/')).toString() : `/${path}`;
}

/** How long a referral has waited and its target, for reminders and escalations. */
export interface Overdue {
  waitedMs: number;
  targetMs: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The alert text for one agency, in the staff language of `text`. */
export function alertText(text: DashboardText, event: AlertEvent, ticket: TicketRecord, agency: string, url: string, overdue?: Overdue, item?: CareAlertItem): string {
  const country = str(ticket.answers.current_country);
  const head = {
    'referral.created': () => text.t('alert.new', { ref: ticket.ref, agency: text.agency(agency) }),
    'referral.reminder': () => text.t('alert.reminder', { ref: ticket.ref, agency: text.agency(agency), waited: text.duration(overdue?.waitedMs ?? 0), target: text.duration(overdue?.targetMs ?? 0) }),
    'referral.escalated': () => text.t('alert.escalated', { ref: ticket.ref, agency: text.agency(agency), waited: text.duration(overdue?.waitedMs ?? 0), target: text.duration(overdue?.targetMs ?? 0) }),
    'care.overdue': () => text.t('care.alert_overdue', { ref: ticket.ref, agency: text.agency(agency), what: item ? careItemLabel(text, item) : '', late: text.duration(overdue?.waitedMs ?? 0) }),
  }[event]();
  return [
    head,
    text.t('alert.priority', { priority: `${ticket.priority} · ${text.t(`priority.${ticket.priority}`, { defaultValue: ticket.priority })}` }),
    text.t('alert.case_type', { caseType: text.t(`case_type.${ticket.caseType}`, { defaultValue: ticket.caseType }) }),
    text.t('alert.place', { place: country ? text.answer('current_country', country) : text.t('flag.unknown') }),
    text.t('alert.language', { language: ticket.language ? text.answer('lang', ticket.language) : text.t('flag.unknown') }),
    text.t('alert.open', { url }),
  ].join('\n');
}

/**
 * The JSON body sent to a case-management system: codes, not words, and no personal details
 * either. The system fetches the full ticket with its own agency-scoped API token
 * (`GET /api/tickets/:ref`), so the reporter's answers travel only to those allowed to read them.
 */
export function webhookBody(event: AlertEvent, ticket: TicketRecord, agency: string, url: string, deliveryId: string, at: Date, overdue?: Overdue, item?: CareAlertItem): Record<string, unknown> {
  return {
    event,
    id: deliveryId,
    occurredAt: at.toISOString(),
    agency,
    ticket: {
      ref: ticket.ref,
      url,
      priority: ticket.priority,
      caseType: ticket.caseType,
      status: ticket.status,
      language: ticket.language,
      channel: ticket.channel,
      role: ticket.role,
      country: str(ticket.answers.current_country) ?? null,
      indicators: ticket.indicators,
      referrals: ticket.referrals.map((r) => ({ agency: r.agency, status: r.status })),
      createdAt: ticket.createdAt,
    },
    ...(item ? { item: { plan: item.plan, id: item.id } } : {}),
    ...(overdue ? { waitedMinutes: Math.round(overdue.waitedMs / 60_000), targetMinutes: Math.round(overdue.targetMs / 60_000) } : {}),
  };
}
