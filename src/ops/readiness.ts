/**
 * Readiness: may this instance be sent traffic? The database answers, its schema is the one this
 * code needs, and the inbound queue and outbox dispatcher are running (not yet started, or
 * stopping at shutdown, is not ready).
 */
import type { Store } from '../store/store.ts';
import type { OpsFigures } from './ops-db.ts';

/** What {@link checkReadiness} needs to look at. */
export interface ReadinessSources {
  store: Store;
  figures: OpsFigures;
  /** The schema version this code needs (the newest migration shipped). */
  schemaVersion: number;
  /** Whether the channel runtime's queue and dispatcher are running. */
  queues: () => { inbound: boolean; outbox: boolean };
}

/** The result: `ready` only when every check says `ok`; the others say what is wrong. */
export interface Readiness {
  ready: boolean;
  checks: { database: string; migrations: string; queues: string };
}

/** Runs the checks; never throws. */
export async function checkReadiness(src: ReadinessSources): Promise<Readiness> {
  const database = await src.store
    // A primary-key lookup of a reference that cannot exist: cheap, and it goes through the store's own connection.
    .getTicket('-')
    .then(() => 'ok')
    .catch((err: Error) => `not answering: ${err.message}`);
  let migrations: string;
  try {
    const at = src.figures.schemaVersion();
    migrations = at === src.schemaVersion ? 'ok' : `schema at version ${at}, this code needs ${src.schemaVersion}`;
  } catch (err) {
    migrations = `cannot read the schema version: ${(err as Error).message}`;
  }
  const q = src.queues();
  const stopped = [...(q.inbound ? [] : ['inbound queue']), ...(q.outbox ? [] : ['outbox dispatcher'])];
  const queues = stopped.length ? `not running: ${stopped.join(', ')}` : 'ok';
  return { ready: database === 'ok' && migrations === 'ok' && queues === 'ok', checks: { database, migrations, queues } };
}
