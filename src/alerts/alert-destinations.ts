/**
 * Where agencies' alerts go, as the admin page reads it: which agencies no alert would reach.
 * (They are set with `npm run cli -- alerts set`; see alerts-cli.ts.)
 */
import type { Store } from '../store/store.ts';
import { agenciesWithoutAlerts, hasEscalationFallback, type ReachConfig } from './alert-reach.ts';

/** The alert destinations, over the shared store. */
export class AlertDestinations {
  private readonly store: Store;
  private readonly config: ReachConfig;

  constructor(store: Store, config: ReachConfig) {
    this.store = store;
    this.config = config;
  }

  /** The agencies among `agencyIds` whose alerts would reach nobody. */
  async silent(agencyIds: readonly string[]): Promise<string[]> {
    return agenciesWithoutAlerts(this.config, await this.store.listAgencyAlerts(), agencyIds);
  }

  /** Whether escalations have somewhere to go when an agency's alerts reach nobody. */
  hasFallback(): boolean {
    return hasEscalationFallback(this.config);
  }
}
