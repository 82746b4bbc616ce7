import type { StackInfo } from '../../stack/src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    productStack: StackInfo;
  }
}
