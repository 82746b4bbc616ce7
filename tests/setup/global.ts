import type { TestProject } from 'vitest/node';
import { createStack, type Stack, stackInfo } from '../../stack/src/index.ts';

/**
 * One stack for the whole run, on free ports with a throwaway database; suites share it and
 * isolate themselves with unique emails, topics and ids.
 */
export default async function setup(project: TestProject) {
  const stack: Stack = await createStack({
    ephemeral: true,
    projectDir: new URL('../fixtures/project/', import.meta.url).pathname,
  });
  project.provide('stack', stackInfo(stack));
  return () => stack.stop();
}
