/**
 * @watchroom/stack — a Docker-free, Supabase-compatible local stack.
 *
 * @example
 * import { createStack } from '@watchroom/stack';
 * const stack = await createStack({ ephemeral: true });
 * // createClient(stack.apiUrl, stack.anonKey) ...
 * await stack.stop();
 */
export type { AuthConfig } from './auth/config.ts';
export { type StackOptions, stackOptionsFromEnv } from './config.ts';
export { isWatchroomError, WatchroomError } from './lib/errors.ts';
export { createLogger, type Logger } from './lib/logger.ts';
export {
  BootstrapError,
  DatabaseUnsupportedError,
  MigrationError,
  PostgresStartError,
} from './postgres/index.ts';
export { ConfigError } from './project-config.ts';
export { createStack, type Stack, type StackInfo, stackInfo } from './stack.ts';
