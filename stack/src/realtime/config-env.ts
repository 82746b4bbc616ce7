/**
 * Realtime limits from the environment, for the CLI: every RealtimeConfig field as
 * `WATCHROOM_REALTIME_<FIELD_IN_SCREAMING_SNAKE_CASE>`, e.g. `WATCHROOM_REALTIME_MAX_EVENTS_PER_SECOND=500`.
 */
import { z } from 'zod';
import { ConfigError } from '../project-config.ts';
import { DEFAULT_REALTIME_CONFIG, type RealtimeConfig } from './config.ts';

const envName = (field: string) =>
  `WATCHROOM_REALTIME_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

const numberValue = z.coerce.number().finite().nonnegative();
const booleanValue = z.enum(['true', 'false']).transform((value) => value === 'true');

/** The fields set in `env`; throws ConfigError naming the variable when one is invalid. */
export function realtimeConfigFromEnv(env: NodeJS.ProcessEnv): Partial<RealtimeConfig> {
  const overrides: Record<string, number | boolean> = {};
  for (const [field, fallback] of Object.entries(DEFAULT_REALTIME_CONFIG)) {
    const name = envName(field);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const parsed = (typeof fallback === 'boolean' ? booleanValue : numberValue).safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(
        `environment: ${name}: expected ${typeof fallback === 'boolean' ? 'true or false' : 'a number'}`,
      );
    }
    overrides[field] = parsed.data;
  }
  return overrides as Partial<RealtimeConfig>;
}

/** The variable names, for documentation and `--help`. */
export const REALTIME_ENV_NAMES: readonly string[] = Object.keys(DEFAULT_REALTIME_CONFIG).map(envName);
