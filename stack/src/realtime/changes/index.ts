import type { Logger } from '../../lib/logger.ts';
import type { RealtimeConfig } from '../config.ts';
import type { Broadcast, ChangesEngine, PublishResult } from '../contracts.ts';

export interface ChangesEngineDeps {
  /** As `supabase_realtime_admin`, which has REPLICATION. */
  readonly databaseUrl: string;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
  /** Database broadcasts (`realtime.messages` inserts) go out through this. */
  readonly publish: (message: Broadcast) => PublishResult;
}

// PLACEHOLDER — replaced by the changes engine.
export async function createChangesEngine(_deps: ChangesEngineDeps): Promise<ChangesEngine> {
  return {
    subscribe: async () => ({ ok: false, message: 'Postgres Changes are not available yet' }),
    bindingId: () => 0,
    whenLive: async () => undefined,
    close: async () => undefined,
  };
}
