/**
 * vitest globalSetup: one throw-away PostgreSQL server for the whole run (each test file makes a
 * database of its own on it: test/helpers/postgres.ts), stopped after. Without PostgreSQL on the
 * machine the PostgreSQL tests are skipped, and say so; in CI (CI=true) that is a failure instead,
 * since .ci/run installs it.
 */
import type { TestProject } from 'vitest/node';
import { postgresBinDir, type PostgresServer, startPostgres } from '../scripts/postgres-server.ts';

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!process.env.TEST_DATABASE_URL && !postgresBinDir()) {
    if (process.env.CI) throw new Error('CI: PostgreSQL is not installed (.ci/run installs it from Debian)');
    console.warn('PostgreSQL is not installed: the PostgreSQL tests are skipped (apt-get install postgresql, or set TEST_DATABASE_URL).');
    project.provide('postgresUrl', '');
    return;
  }
  server = await startPostgres();
  project.provide('postgresUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's URL (its `postgres` database), or '' when there is none. */
    postgresUrl: string;
  }
}
