import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (beside the code; those needing Postgres start their own) and `e2e`
 * (real clients against one shared stack started by the global setup).
 */
export default defineConfig({
  test: {
    // Two cores: more parallel Postgres-backed files only queue up and time out.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['stack/src/**/*.test.ts', 'clients/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/**/*.test.ts'], globalSetup: ['tests/setup/global.ts'] },
      },
    ],
  },
});
