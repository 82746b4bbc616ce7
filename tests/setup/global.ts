import type { TestProject } from 'vitest/node';
import { createStack, type Stack, stackInfo } from '../../stack/src/index.ts';

/**
 * One stack for the whole run, on free ports with a throwaway database; suites share it and
 * isolate themselves with unique emails, topics and ids. Realtime's project-wide rates are
 * lifted here: the whole suite's broadcasts and joins would otherwise trip them and close
 * other tests' channels; the limits are tested on stacks of their own (tests/realtime/limits).
 */
export default async function setup(project: TestProject) {
  const stack: Stack = await createStack({
    ephemeral: true,
    projectDir: new URL('../fixtures/project/', import.meta.url).pathname,
    realtime: {
      maxEventsPerSecond: 1_000_000,
      maxPresenceEventsPerSecond: 1_000_000,
      maxJoinsPerSecond: 100_000,
      maxConcurrentUsers: 100_000,
    },
  });
  project.provide('stack', stackInfo(stack));
  return () => stack.stop();
}
