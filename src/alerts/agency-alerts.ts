/**
 * Agency alerts: when a ticket is referred to an agency, its Telegram group, LINE group and/or
 * case-management webhook are told, through the outbox (kind `notify`), in the same transaction as
 * the referral. So an alert is never lost (the referral and its alert commit together) and never
 * sent for a referral that rolled back; the dispatcher retries until delivered or gives up with an
 * `outbox.failed` audit row.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import type { StaffLanguages } from '../staff/staff-languages.ts';
import { TRAINING_HOLD } from '../training/workspace.ts';
import { DashboardText } from '../staff/staff-text.ts';
import { ESCALATION_RECIPIENT, WEBHOOK_CHANNEL, type WebhookPayload } from '../delivery/webhook-sender.ts';
import type { Dictionary } from '../flow/types.ts';
import type { Translations } from '../i18n/locales.ts';
import type { StaffUser, TicketRecord, Tx } from '../store/store.ts';
import { type AlertEvent, type AlertPayload, alertText, type CareAlertItem, type Overdue, ticketUrl, webhookBody } from './alert-message.ts';

/** The outbox channel names alerts use (the same as the channels' own). */
const TELEGRAM = 'telegram';
const LINE = 'line';
/** The simulator's channel (as in sim-routes): its tickets are tests, not reports. */
const SIMULATOR = 'sim';

/** What the alerts need from the configuration. */
export type AlertsConfig = Pick<
  Config,
  | 'PUBLIC_BASE_URL'
  | 'TELEGRAM_BOT_TOKEN'
  | 'LINE_CHANNEL_SECRET'
  | 'LINE_CHANNEL_ACCESS_TOKEN'
  | 'ESCALATION_TELEGRAM_CHAT'
  | 'ESCALATION_LINE_GROUP'
  | 'ESCALATION_WEBHOOK_URL'
  | 'ESCALATION_WEBHOOK_SECRET'
  | 'SIMULATOR_ALERTS'
  | 'TRAINING'
>;

/** Options of {@link AgencyAlerts}. */
export interface AgencyAlertsDeps {
  config: AlertsConfig;
  translations: Translations;
  dictionary: Dictionary;
  /** The languages alerts can be written in (an agency's `lang`, a supervisor's own). */
  staffLanguages: StaffLanguages;
  clock: Clock;
}

/** Writes alert rows; every method runs inside the caller's transaction. */
export class AgencyAlerts {
  private readonly texts = new Map<string, DashboardText>();

  private readonly deps: AgencyAlertsDeps;

  constructor(deps: AgencyAlertsDeps) {
    this.deps = deps;
  }

  private get telegramOn(): boolean {
    return Boolean(this.deps.config.TELEGRAM_BOT_TOKEN);
  }

  private get lineOn(): boolean {
    return Boolean(this.deps.config.LINE_CHANNEL_SECRET && this.deps.config.LINE_CHANNEL_ACCESS_TOKEN);
  }

  private text(lang: string | undefined): DashboardText {
    const l = this.deps.staffLanguages.pick(lang);
    let t = this.texts.get(l);
    if (!t) this.texts.set(l, (t = new DashboardText(this.deps.translations, l, this.deps.dictionary, this.deps.staffLanguages)));
    return t;
  }

  /**
   * A simulator ticket is a test: it alerts nobody unless the deployer set SIMULATOR_ALERTS=on
   * (to try the alert set-up). The audit trail says so, once per event and agency.
   */
  private async simulatorHeld(tx: Tx, ticket: TicketRecord, agency: string, event: AlertEvent): Promise<boolean> {
    // In the training workspace nothing reaches an agency, whatever the ticket's channel.
    const reason = this.deps.config.TRAINING ? TRAINING_HOLD : ticket.channel === SIMULATOR && !this.deps.config.SIMULATOR_ALERTS ? 'simulator' : undefined;
    if (!reason) return false;
    await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: 'alert.not_sent', detail: { agency, event, reason } });
    return true;
  }

  /** Alerts each agency of new referrals of `ticket` (the ticket as committed with them). */
  async referred(tx: Tx, ticket: TicketRecord, agencies: readonly string[]): Promise<void> {
    for (const agency of agencies) {
      if (await this.simulatorHeld(tx, ticket, agency, 'referral.created')) continue;
      await this.toAgency(tx, ticket, agency, 'referral.created');
    }
  }

  /**
   * Alerts the agency again: its referral waited past the response target. Returns where the
   * reminder went; empty when nobody could be told (the audit trail then says so).
   */
  async reminder(tx: Tx, ticket: TicketRecord, agency: string, overdue: Overdue): Promise<string[]> {
    if (await this.simulatorHeld(tx, ticket, agency, 'referral.reminder')) return [];
    const to = await this.toAgency(tx, ticket, agency, 'referral.reminder', overdue);
    if (!to.length) await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: 'alert.nobody', detail: { agency, event: 'referral.reminder' } });
    return to;
  }

  /**
   * Alerts the agency that a service or return step it owns is past its due date (issue 15; sent
   * once, see src/care/care-overdue.ts). `overdue.waitedMs` is how long past due. Returns where it went.
   */
  async careOverdue(tx: Tx, ticket: TicketRecord, agency: string, item: CareAlertItem, overdue: Overdue): Promise<string[]> {
    if (await this.simulatorHeld(tx, ticket, agency, 'care.overdue')) return [];
    const to = await this.toAgency(tx, ticket, agency, 'care.overdue', overdue, item);
    if (!to.length) await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: 'alert.nobody', detail: { agency, event: 'care.overdue' } });
    return to;
  }

  /**
   * Escalates: the agency once more, its supervisors (their linked Telegram accounts, in a private
   * chat with the bot) and the deployment's fallback (ESCALATION_* variables).
   */
  async escalated(tx: Tx, ticket: TicketRecord, agency: string, overdue: Overdue, supervisors: readonly StaffUser[]): Promise<string[]> {
    const event: AlertEvent = 'referral.escalated';
    if (await this.simulatorHeld(tx, ticket, agency, event)) return [];
    const sent = await this.toAgency(tx, ticket, agency, event, overdue);
    const url = ticketUrl(this.deps.config.PUBLIC_BASE_URL, ticket.ref);
    const to: string[] = [];
    const skipped: string[] = [];
    for (const s of supervisors) {
      if (!s.telegramUserId) continue;
      if (!this.telegramOn) {
        skipped.push(`staff:${s.id}`);
        continue;
      }
      await this.chat(tx, TELEGRAM, s.telegramUserId, ticket, alertText(this.text(s.lang), event, ticket, agency, url, overdue), s.lang);
      to.push(`staff:${s.id}`);
    }
    const c = this.deps.config;
    // The fallback is the deployer's own duty officer: Thai, like the deployment.
    const fallbackText = alertText(this.text('th'), event, ticket, agency, url, overdue);
    const sent2 = await this.targets(tx, ticket, fallbackText, 'th', { telegram: c.ESCALATION_TELEGRAM_CHAT, line: c.ESCALATION_LINE_GROUP });
    to.push(...sent2.to.map((x) => `fallback:${x}`));
    skipped.push(...sent2.skipped.map((x) => `fallback:${x}`));
    if (c.ESCALATION_WEBHOOK_URL && c.ESCALATION_WEBHOOK_SECRET) {
      await this.webhook(tx, ESCALATION_RECIPIENT, event, ticket, agency, url, overdue);
      to.push('fallback:webhook');
    }
    const all = [...sent, ...to];
    // "Escalated" only when someone was told; otherwise the trail says plainly that nobody was.
    await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: all.length ? 'referral.escalated' : 'referral.escalated_nobody', detail: { agency, to: all, ...(skipped.length ? { skipped } : {}) } });
    return all;
  }

  /** One agency's own targets; returns where alerts were queued (for the audit row of an escalation). */
  private async toAgency(tx: Tx, ticket: TicketRecord, agency: string, event: AlertEvent, overdue?: Overdue, item?: CareAlertItem): Promise<string[]> {
    const cfg = await tx.agencyAlerts(agency);
    if (!cfg) return [];
    const url = ticketUrl(this.deps.config.PUBLIC_BASE_URL, ticket.ref);
    const text = alertText(this.text(cfg.lang), event, ticket, agency, url, overdue, item);
    const { to, skipped } = await this.targets(tx, ticket, text, cfg.lang, { telegram: cfg.telegramChat, line: cfg.lineGroup });
    if (cfg.webhookUrl && cfg.webhookSecret) {
      await this.webhook(tx, agency, event, ticket, agency, url, overdue, item);
      to.push('webhook');
    }
    if (event !== 'referral.escalated' && (to.length || skipped.length)) {
      await tx.audit({ ticketRef: ticket.ref, actor: 'system', action: 'alert.queued', detail: { agency, event, to, ...(skipped.length ? { skipped } : {}) } });
    }
    return to.map((x) => `${agency}:${x}`);
  }

  /**
   * Queues a chat alert to a Telegram chat and/or LINE group. A channel that is off has no sender:
   * a row for it would wait, then go out days late, so it is skipped (and the audit row says so).
   */
  private async targets(tx: Tx, ticket: TicketRecord, text: string, lang: string, where: { telegram?: string | null; line?: string | null }) {
    const to: string[] = [];
    const skipped: string[] = [];
    for (const [name, channel, recipient, on] of [
      ['telegram', TELEGRAM, where.telegram, this.telegramOn],
      ['line', LINE, where.line, this.lineOn],
    ] as const) {
      if (!recipient) continue;
      if (!on) {
        skipped.push(name);
        continue;
      }
      await this.chat(tx, channel, recipient, ticket, text, lang);
      to.push(name);
    }
    return { to, skipped };
  }

  private async chat(tx: Tx, channel: string, recipient: string, ticket: TicketRecord, text: string, lang: string): Promise<void> {
    // Reached only with SIMULATOR_ALERTS=on: the group must see at once that this is a test.
    const shown = ticket.channel === SIMULATOR ? `${this.text(lang).t('staff_access.sim_alert')}\n${text}` : text;
    const payload: AlertPayload = { text: shown, ticketRef: ticket.ref };
    // LINE has no buttons that call back into a group for us; Telegram's claim works for linked staff.
    if (channel === TELEGRAM) Object.assign(payload, { claim: ticket.ref, claimLabel: this.text(lang).t('alert.claim') });
    await tx.enqueue({ channel, recipient, kind: 'notify', payload });
  }

  private async webhook(tx: Tx, recipient: string, event: AlertEvent, ticket: TicketRecord, agency: string, url: string, overdue?: Overdue, item?: CareAlertItem): Promise<void> {
    const payload: WebhookPayload = { ticketRef: ticket.ref, body: webhookBody(event, ticket, agency, url, randomUUID(), this.deps.clock(), overdue, item) };
    await tx.enqueue({ channel: WEBHOOK_CHANNEL, recipient, kind: 'notify', payload });
  }
}
