/**
 * Read-only figures for readiness and metrics, through a connection of their own.
 *
 * A scrape or a probe must never wait behind the store's queued write transactions, nor hold
 * one: SQLite in WAL mode lets a second, read-only connection read a consistent snapshot while the
 * store writes. Only counts and timestamps are read here, never a row's content.
 */
import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyKey } from '../store/sqlite/cipher.ts';
import { limitPageCache } from '../store/sqlite/page-cache.ts';

const MIGRATIONS_DIR = new URL('../store/migrations/', import.meta.url);

/** The highest `NNN-name.sql` migration shipped with this code: the schema version it needs. */
export function latestMigration(): number {
  return Math.max(0, ...readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}-.+\.sql$/.test(f)).map((f) => Number(f.slice(0, 3))));
}

/** How many items wait in one queue of one channel, and since when. */
export interface QueueFigure {
  queue: 'inbound' | 'outbox';
  channel: string;
  depth: number;
  /** ISO time of the oldest waiting item. */
  oldest: string;
}

/** Counts read from the database for metrics and readiness. */
export interface OpsFigures {
  /** The database's `user_version` (the last migration applied). */
  schemaVersion(): number;
  /** Platform events not handled yet, and outbox messages not sent yet, per channel. */
  queues(): QueueFigure[];
  /** Tickets by priority and status. */
  tickets(): { priority: string; status: string; count: number }[];
  /** Reminders and escalations ever sent, from the audit trail (it is never pruned). */
  escalations(): { action: string; count: number }[];
  close(): void;
}

/** Opens the figures on the database file lazily (the store creates it first) and keeps the connection. */
export function openOpsFigures(file: string, key?: string): OpsFigures {
  let db: Database.Database | undefined;
  const open = () => {
    const d = new Database(file, { readonly: true, fileMustExist: true });
    if (key) applyKey(d, key);
    limitPageCache(d);
    return d;
  };
  const conn = () => (db ??= open());
  return {
    schemaVersion: () => conn().pragma('user_version', { simple: true }) as number,
    queues: () =>
      conn()
        .prepare(
          `SELECT 'inbound' AS queue, channel, COUNT(*) AS depth, MIN(received_at) AS oldest FROM inbox GROUP BY channel
           UNION ALL
           SELECT 'outbox' AS queue, channel, COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending' GROUP BY channel`,
        )
        .all() as QueueFigure[],
    tickets: () => conn().prepare('SELECT priority, status, COUNT(*) AS count FROM tickets GROUP BY priority, status').all() as { priority: string; status: string; count: number }[],
    escalations: () =>
      conn().prepare(`SELECT action, COUNT(*) AS count FROM audit WHERE action IN ('referral.reminded', 'referral.escalated', 'referral.escalated_nobody') GROUP BY action`).all() as {
        action: string;
        count: number;
      }[],
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}
