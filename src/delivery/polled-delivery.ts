/**
 * Delivery to a channel that fetches its messages rather than being sent them: the simulator's
 * poll collects what staff wrote through the bot since its last request.
 */
import type { OutboxMessage, Store } from '../store/store.ts';

/** The outbox of a polling channel. */
export class PolledDelivery {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Takes one recipient's pending messages, in order, and marks them sent. */
  take(channel: string, recipient: string): Promise<OutboxMessage[]> {
    return this.store.takeOutbox(channel, recipient);
  }
}
