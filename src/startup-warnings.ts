/**
 * What start-up warns about: settings that are allowed but dangerous or useless in a real
 * deployment. main logs each line at `warn`; tests read the same lines.
 */
import { agenciesWithoutAlerts, hasEscalationFallback } from './alerts/alert-reach.ts';
import type { Config } from './config/env.ts';
import type { Store } from './store/store.ts';

/** The warnings for a configuration and the alert destinations in the store. */
export async function startupWarnings(config: Config, store: Store, agencyIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  if (!config.DATABASE_KEY && config.NODE_ENV === 'production') {
    out.push(
      '!!! DATABASE_KEY IS NOT SET: the database, its WAL, stored photos and webhook secrets are PLAINTEXT on disk. Anyone who copies the disk or a backup reads what victims wrote. Set DATABASE_KEY (openssl rand -hex 32) and run `npm run cli -- db encrypt` with the server stopped (README, "Privacy and data protection").',
    );
  }
  if (config.SIMULATOR && config.NODE_ENV === 'production') {
    out.push('The simulator is ON in production (SIMULATOR=on): anyone who reaches this server can file tickets through /api/sim/messages. Set SIMULATOR=off unless you mean it.');
  }
  if (config.SIMULATOR && config.SIMULATOR_ALERTS) {
    out.push('SIMULATOR_ALERTS=on: tickets from the simulator alert agencies (marked as tests). Turn it off once the alert set-up is checked.');
  }
  const silent = agenciesWithoutAlerts(config, await store.listAgencyAlerts(), agencyIds);
  const fallback = hasEscalationFallback(config);
  if (silent.length === agencyIds.length && !fallback) {
    out.push('No agency has an alert destination and no ESCALATION_* fallback is set: new referrals, reminders and escalations reach nobody outside the dashboard. See `npm run cli -- alerts set` and ESCALATION_* in .env.example.');
  } else if (silent.length) {
    out.push(`These agencies have no alert destination; their referrals are seen only in the dashboard${fallback ? '' : ' and their escalations reach nobody (no ESCALATION_* fallback)'}: ${silent.join(', ')}.`);
  }
  return out;
}
