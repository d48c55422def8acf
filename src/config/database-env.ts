/**
 * The variables of the database and the shared files (issue 16), merged into the schema of
 * `src/config/env.ts`. Unset: SQLite and files under DATA_DIR, as for one instance.
 */
import { z } from 'zod';

/** The DATABASE_* and FILES_* variables (and the bucket's AWS_* keys). */
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
  /** An S3-compatible bucket (MinIO, Ceph, a cloud bucket) for the stored files instead of a folder. */
  FILES_S3_BUCKET: z.string().min(3).max(63).optional(),
  /** The object store's http(s) origin, e.g. http://minio:9000; unset: AWS S3 itself. */
  FILES_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// origin, e.g. http://minio:9000' }).optional(),
  /** The bucket's region (MinIO and Ceph take any name). */
  FILES_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Bucket in the path (`host/bucket/key`), which MinIO and most self-hosted servers need. */
  FILES_S3_FORCE_PATH_STYLE: z
    .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
    .default('off')
    .transform((v) => ['on', 'true', '1', 'yes'].includes(v)),
  /** The bucket's keys; unset, the AWS SDK's usual chain (a profile, an instance or pod role). */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
};
