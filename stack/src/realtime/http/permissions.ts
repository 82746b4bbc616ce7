import { isDatabaseUnavailable } from '../policies/errors.ts';
import type { ApiContext, Caller } from './context.ts';
import { databaseUnavailable } from './errors.ts';

/**
 * Whether the caller may broadcast to a private topic: one broadcast-write check (an INSERT
 * under their role; service_role passes without one). An unreachable database is the
 * reference's 422 `Tenant database unavailable`, logged as `UnableToConnectToProject`.
 */
export async function mayBroadcast(ctx: ApiContext, caller: Caller, topic: string): Promise<boolean> {
  try {
    return await ctx.policies.canWrite(
      { topic, identity: caller.identity, headers: caller.headers },
      'broadcast',
    );
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      ctx.logger.error(`UnableToConnectToProject: ${error.message}`);
      throw databaseUnavailable();
    }
    throw error;
  }
}
