import type { ApiKeys } from '../gateway/api-keys.ts';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import type { RealtimeConfig } from './config.ts';
import type { BroadcastHub, ChannelPolicies } from './contracts.ts';

export interface BroadcastApiDeps {
  readonly hub: BroadcastHub;
  readonly policies: ChannelPolicies;
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
}

// PLACEHOLDER — replaced by the REST broadcast endpoints.
export function createBroadcastApi(_deps: BroadcastApiDeps): { fetch(request: Request): Promise<Response> } {
  return { fetch: async () => new Response(null, { status: 501 }) };
}
