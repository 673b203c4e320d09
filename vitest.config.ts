import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,electron,renderer,scripts,bench}/**/*.test.ts'],
    environment: 'node',
    // Real DuckDB imports of the real datasets take a few seconds each on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
