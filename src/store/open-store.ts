/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set (several
 * instances), else the SQLite file in DATA_DIR. The server and every CLI command open it here.
 */
import path from 'node:path';
import type { Config } from '../config/env.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { isPostgresUrl, openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** The SQLite file inside the data folder. */
export function databasePath(config: Pick<Config, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'tangrod.db');
}

/** The store of this configuration. PostgreSQL's migrations run in the background: see {@link storeReady}. */
export function openStore(config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'DATABASE_LEASE_MS'>, clock: Clock = systemClock): Store {
  if (isPostgresUrl(config.DATABASE_URL)) return openPostgresStore(config.DATABASE_URL, { clock, poolSize: config.DATABASE_POOL_SIZE, leaseMs: config.DATABASE_LEASE_MS });
  return openSqliteStore(databasePath(config), clock);
}

/** Resolves when the store can be used (PostgreSQL: connected and migrated); rejects with why not. */
export async function storeReady(store: Store): Promise<void> {
  const ready = (store as { ready?: Promise<void> }).ready;
  if (ready) await ready;
}

/** Opens the store, waits until it is ready, runs `work`, and closes it (CLI commands). */
export async function withStore<T>(config: Parameters<typeof openStore>[0], work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config);
  try {
    await storeReady(store);
    return await work(store);
  } finally {
    await store.close();
  }
}
