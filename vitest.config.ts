import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A PostgreSQL server for the run (the store contract on both databases, several instances).
    globalSetup: ['test/global-postgres.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
