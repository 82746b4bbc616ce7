import postgres from 'postgres';
import type { Logger } from '../../lib/logger.ts';
import type { ChannelPolicies } from '../contracts.ts';
import { checkRead, checkWrite } from './checks.ts';
import { replayMessages } from './replay.ts';

export {
  ChannelPoliciesError,
  type ChannelPoliciesErrorCode,
  isDatabaseUnavailable,
} from './errors.ts';
export { REPLAY_HARD_LIMIT } from './replay.ts';

export interface ChannelPoliciesService extends ChannelPolicies {
  /** Ends the pool; idempotent. */
  close(): Promise<void>;
}

export interface ChannelPoliciesDeps {
  /**
   * URL as `supabase_realtime_admin`: owner of `realtime.messages` (so probe rows and replay
   * are not subject to RLS), member of anon/authenticated/service_role (so checks can switch
   * to the caller's role), NOBYPASSRLS (so they are subject to it once switched).
   */
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** Connections in the pool. Each check holds one for a single round trip. Default 3. */
  readonly poolSize?: number;
}

/**
 * RLS checks for private channels and broadcast replay, on `realtime.messages`
 * (realtime.md §6, §3.6). Denials are answers, not errors; only an unreachable database (and
 * bad replay input) throws a `ChannelPoliciesError`, whose `joinReason` is the reference's
 * wording. Results are not cached here: caching is the caller's (per channel and token).
 *
 * @example
 * const policies = createChannelPolicies({ databaseUrl, logger });
 * const { broadcast } = await policies.canRead({ topic: 'room-1', identity, headers: {} }, ['broadcast']);
 * await policies.close();
 */
export function createChannelPolicies(deps: ChannelPoliciesDeps): ChannelPoliciesService {
  const sql = postgres(deps.databaseUrl, {
    max: deps.poolSize ?? 3,
    // Policies may RAISE NOTICE; nothing of that belongs on our stdout.
    onnotice: () => undefined,
    connection: { application_name: 'watchroom-realtime' },
    // A join waits on these checks and the client gives up after 10 s.
    connect_timeout: 5,
    idle_timeout: 60,
    // fetch_types stays on although only built-in types are read: with it off, postgres.js
    // 3.4's reserve() never resolves on a freshly opened connection.
  });
  let closing: Promise<void> | undefined;
  return {
    canRead: (context, extensions) => checkRead(sql, deps.logger, context, extensions),
    canWrite: (context, extension) => checkWrite(sql, deps.logger, context, extension),
    replay: (topic, sinceMs, limit) => replayMessages(sql, topic, sinceMs, limit),
    close() {
      // Checks last one round trip, so a second is plenty for in-flight ones; postgres.js
      // waits out the whole timeout when connections had failed (database down).
      closing ??= sql.end({ timeout: 1 });
      return closing;
    },
  };
}
