import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,electron,renderer,scripts,bench}/**/*.test.ts'],
    environment: 'node',
    // Real DuckDB imports of the real datasets take a few seconds each on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A folder for the workspaces several files read (real datasets, the demo), built once.
    globalSetup: ['electron/engine/testing/global-setup.ts'],
    // Vitest's default is one worker fewer than the cores: a single one on these 2 cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker runs one file after another with the modules already loaded (DuckDB, the engine,
    // zod, arrow): loading them again for every file was a fifth of the run. Files therefore
    // restore what they change in the process (environment, euid, timers).
    isolate: false,
    env: {
      // Imports read their files in the test's process, not in a reader child (forked through
      // tsx, ~1.5 s each). reader-crash.test.ts reads in the child, as the app always does.
      WORKBENCH_READER: 'inline',
      // One DuckDB thread per workspace: the tests' tables are a few hundred rows, where a second
      // thread only adds synchronisation, and two workers already keep both cores busy (-16% CPU
      // measured). ties.test.ts asks for two, the parallel sort being what it is about.
      WORKBENCH_DUCKDB_THREADS: '1',
    },
  },
});
