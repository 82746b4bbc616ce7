import type { TestProject } from 'vitest/node';
import { createStack, type Stack, stackInfo } from '../../stack/src/index.ts';

/**
 * Watchroom's own backend (this repository's supabase/: migrations, seed, functions) on a
 * throwaway stack for the product suites. Realtime's project-wide rates are lifted as for the
 * generic suite, so the whole run cannot trip them.
 */
export default async function setup(project: TestProject) {
  const stack: Stack = await createStack({
    ephemeral: true,
    projectDir: new URL('../../', import.meta.url).pathname,
    realtime: {
      maxEventsPerSecond: 1_000_000,
      maxPresenceEventsPerSecond: 1_000_000,
      maxJoinsPerSecond: 100_000,
      maxConcurrentUsers: 100_000,
    },
  });
  project.provide('productStack', stackInfo(stack));
  return () => stack.stop();
}
