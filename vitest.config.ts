import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (beside the code; those needing Postgres start their own), `e2e`
 * (real clients against one shared stack of the generic fixture project) and `product`
 * (Watchroom's own backend in supabase/, on a stack of its own).
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
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/product/**'],
          globalSetup: ['tests/setup/global.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'product',
          include: ['tests/product/**/*.test.ts'],
          globalSetup: ['tests/setup/product.ts'],
        },
      },
    ],
  },
});
