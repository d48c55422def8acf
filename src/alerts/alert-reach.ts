/**
 * Who can be told at all: agencies whose alerts have somewhere to go, and whether the deployment
 * has a fallback for escalations. An alert to nowhere is silent, so start-up and the admin page say
 * which agencies would hear nothing (issue 10, item 11).
 */
import type { Config } from '../config/env.ts';
import type { AgencyAlertConfig } from '../store/store.ts';

/** The configuration that says which alert channels are on. */
export type ReachConfig = Pick<
  Config,
  'TELEGRAM_BOT_TOKEN' | 'LINE_CHANNEL_SECRET' | 'LINE_CHANNEL_ACCESS_TOKEN' | 'ESCALATION_TELEGRAM_CHAT' | 'ESCALATION_LINE_GROUP' | 'ESCALATION_WEBHOOK_URL' | 'ESCALATION_WEBHOOK_SECRET'
>;

const telegramOn = (c: ReachConfig) => Boolean(c.TELEGRAM_BOT_TOKEN);
const lineOn = (c: ReachConfig) => Boolean(c.LINE_CHANNEL_SECRET && c.LINE_CHANNEL_ACCESS_TOKEN);

/** Whether an agency's alert configuration reaches anyone with the channels that are on. */
export function reachesSomeone(config: ReachConfig, a: AgencyAlertConfig | undefined): boolean {
  if (!a) return false;
  return Boolean((a.telegramChat && telegramOn(config)) || (a.lineGroup && lineOn(config)) || (a.webhookUrl && a.webhookSecret));
}

/** The agencies (of `agencyIds`, in that order) whose alerts would reach nobody. */
export function agenciesWithoutAlerts(config: ReachConfig, configs: readonly AgencyAlertConfig[], agencyIds: readonly string[]): string[] {
  const byAgency = new Map(configs.map((c) => [c.agency, c]));
  return agencyIds.filter((id) => !reachesSomeone(config, byAgency.get(id)));
}

/** Whether an escalation has a deployment-wide fallback that can be reached. */
export function hasEscalationFallback(config: ReachConfig): boolean {
  return Boolean((config.ESCALATION_TELEGRAM_CHAT && telegramOn(config)) || (config.ESCALATION_LINE_GROUP && lineOn(config)) || (config.ESCALATION_WEBHOOK_URL && config.ESCALATION_WEBHOOK_SECRET));
}
