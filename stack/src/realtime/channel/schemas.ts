/**
 * The `phx_join` payload (realtime.md §2.2). As on the reference server, an invalid field is
 * reported and replaced by its default; it never fails the join. Replay parameters are the
 * exception: the join step that uses them rejects invalid ones with its own error.
 */
import { z } from 'zod';
import type { PostgresBinding } from '../contracts.ts';

/** Booleans, or the strings "true"/"false" in any case. */
const flexibleBoolean = z.union([
  z.boolean(),
  z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['true', 'false']))
    .transform((value) => value === 'true'),
]);

const object = z.record(z.string(), z.unknown());
// The reference reads the raw parameters: `since` is required, `limit` defaults to 25.
const replaySchema = z.object({
  since: z.number().int().min(0),
  limit: z.number().int().optional(),
});

export interface JoinConfig {
  readonly ack: boolean;
  readonly self: boolean;
  readonly replicationReady: boolean;
  /**
   * Present when the client asked for replay: its parameters, `invalid` when they are not, or
   * `ignored` when `replay` is not an object (the reference then replays nothing on private
   * channels, but still refuses it on public ones).
   */
  readonly replay:
    | { readonly since: number; readonly limit: number | undefined }
    | 'invalid'
    | 'ignored'
    | undefined;
  readonly presenceEnabled: boolean;
  /** The presence key as a string; '' means the server generates one. */
  readonly presenceKey: string;
  readonly postgresChanges: readonly PostgresBinding[];
  readonly private: boolean;
  /** `user_token`, else `access_token`, when a string. */
  readonly accessToken: string | undefined;
  /** Paths of the fields that were invalid and defaulted, for the log. */
  readonly invalid: readonly string[];
}

export function parseJoinPayload(payload: unknown): JoinConfig {
  const invalid: string[] = [];
  const field = <T>(schema: z.ZodType<T>, value: unknown, fallback: T, path: string): T => {
    if (value === undefined || value === null) return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    invalid.push(path);
    return fallback;
  };
  const root = field(object, payload, {}, 'payload');
  const config = field(object, root.config, {}, 'config');
  const broadcast = field(object, config.broadcast, {}, 'config.broadcast');
  const presence = field(object, config.presence, {}, 'config.presence');

  let replay: JoinConfig['replay'];
  if (broadcast.replay !== undefined) {
    if (!object.safeParse(broadcast.replay).success) replay = 'ignored';
    else {
      const parsed = replaySchema.safeParse(broadcast.replay);
      replay = parsed.success ? { since: parsed.data.since, limit: parsed.data.limit } : 'invalid';
    }
  }

  const changes = field(z.array(z.unknown()), config.postgres_changes, [], 'config.postgres_changes');
  const postgresChanges: PostgresBinding[] = [];
  for (const binding of changes) {
    if (binding === null || binding === undefined) continue;
    if (typeof binding === 'object' && !Array.isArray(binding))
      postgresChanges.push(binding as PostgresBinding);
    else invalid.push('config.postgres_changes');
  }

  const tokenOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    ack: field(flexibleBoolean, broadcast.ack, false, 'config.broadcast.ack'),
    self: field(flexibleBoolean, broadcast.self, false, 'config.broadcast.self'),
    replicationReady: field(
      flexibleBoolean,
      broadcast.replication_ready,
      false,
      'config.broadcast.replication_ready',
    ),
    replay,
    presenceEnabled: field(flexibleBoolean, presence.enabled, false, 'config.presence.enabled'),
    presenceKey: presenceKeyOf(presence.key),
    postgresChanges,
    private: field(flexibleBoolean, config.private, false, 'config.private'),
    accessToken: tokenOf(root.user_token) ?? tokenOf(root.access_token),
    invalid,
  };
}

/** Keys are strings in all output: numbers and other JSON are stringified. */
function presenceKeyOf(key: unknown): string {
  if (key === undefined || key === null) return '';
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  return JSON.stringify(key);
}

/** A presence `track` payload must be an object when present (realtime.md §4.1). */
export const trackPayloadSchema = object;
