/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set (several
 * instances), else the SQLite file in DATA_DIR. The server and every CLI command open it here.
 */
import type { Config } from '../config/env.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { isPostgresUrl, openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** What {@link openStore} reads of the configuration. */
export type StoreConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'DATABASE_LEASE_MS' | 'DATABASE_KEY'>;

/**
 * The store of this configuration: PostgreSQL, or the SQLite file `sqliteFile` (the workspace's,
 * see `databasePath` in services.ts). PostgreSQL's migrations run in the background: see {@link storeReady}.
 */
export function openStore(config: StoreConfig, clock: Clock = systemClock, sqliteFile: string): Store {
  if (isPostgresUrl(config.DATABASE_URL)) return openPostgresStore(config.DATABASE_URL, { clock, poolSize: config.DATABASE_POOL_SIZE, leaseMs: config.DATABASE_LEASE_MS });
  // DATABASE_KEY: the SQLite file and its WAL encrypted (issue 14); PostgreSQL's at rest is the server's.
  return openSqliteStore(sqliteFile, clock, { key: config.DATABASE_KEY });
}

/** Resolves when the store can be used (PostgreSQL: connected and migrated); rejects with why not. */
export async function storeReady(store: Store): Promise<void> {
  const ready = (store as { ready?: Promise<void> }).ready;
  if (ready) await ready;
}

/** Opens the store, waits until it is ready, runs `work`, and closes it (CLI commands). */
export async function withStore<T>(config: StoreConfig, sqliteFile: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config, systemClock, sqliteFile);
  try {
    await storeReady(store);
    return await work(store);
  } finally {
    await store.close();
  }
}
