/**
 * The variables of the database and the shared files (issue 16), merged into the schema of
 * `src/config/env.ts`. Unset: SQLite and files under DATA_DIR, as for one instance.
 */
import { z } from 'zod';

/** The DATABASE_* and FILES_* variables. */
export const databaseEnv = {
  /** postgres://user:password@host:5432/db: the PostgreSQL store, for several instances. Unset: SQLite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL (leave it unset for SQLite in DATA_DIR)')
    .optional(),
  /** Connections per instance. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /** How long an instance's leases (events, deliveries) outlive it: the wait before another takes over its chats. */
  DATABASE_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /**
   * Where stored files (photos, documents) live: a folder every instance mounts (a shared volume).
   * Unset: DATA_DIR, which is right for one instance only.
   */
  FILES_DIR: z.string().min(1).optional(),
};
