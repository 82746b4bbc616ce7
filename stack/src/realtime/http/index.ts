import { maxPayloadBytes } from '../config.ts';
import { authenticate, policyHeaders } from './auth.ts';
import { broadcastBatch } from './batch.ts';
import { DEFAULT_MAX_BODY_BYTES } from './body.ts';
import type { ApiContext, BroadcastApiDeps } from './context.ts';
import { tooManyRequests } from './errors.ts';
import { createRequestRate, rateHeaders } from './rate.ts';
import { accepted, errorResponse } from './respond.ts';
import { matchRoute } from './routes.ts';
import { broadcastSingle, singleBodyKind } from './single.ts';

export type { BroadcastApiDeps } from './context.ts';
export { BroadcastApiError, type BroadcastApiErrorCode } from './errors.ts';

export interface BroadcastApi {
  fetch(request: Request): Promise<Response>;
}

/**
 * Realtime's REST broadcast endpoints (realtime.md §3.5), on the paths the app sees behind the
 * gateway: `POST /api/broadcast` (batch) and `POST /api/broadcast/{topic}/events/{event}`
 * (single, `?private=true` for a private channel). 202 with an empty body, or the reference's
 * error bodies (see `errors.ts`); every answer carries `access-control-allow-origin: *`.
 *
 * Order of checks: route (404), content type of a single (415), request rate (429), token
 * (401), body (413/400), validation (422), event rate (429), write policy (403 single /
 * skipped batch), publish. The reference parses bodies before routing; we authenticate first
 * so an anonymous caller cannot make us read 8 MB.
 *
 * @example
 * const api = createBroadcastApi({ hub, policies, jwt, keys, config, logger });
 * await api.fetch(new Request('http://realtime/api/broadcast', { method: 'POST', headers, body }));
 */
export function createBroadcastApi(deps: BroadcastApiDeps): BroadcastApi {
  const now = deps.now ?? Date.now;
  const requests = createRequestRate(now);
  const ctx: ApiContext = {
    hub: deps.hub,
    policies: deps.policies,
    logger: deps.logger,
    maxPayloadBytes: maxPayloadBytes(deps.config),
    maxEventsPerSecond: deps.config.maxEventsPerSecond,
    maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    eventsPerSecond: deps.eventsPerSecond ?? (() => 0),
  };

  async function handle(request: Request, headers: Record<string, string>): Promise<Response> {
    const route = matchRoute(request);
    const bodyKind = route.kind === 'single' ? singleBodyKind(request) : 'json';

    // The reference's limit on API requests is the project's events-per-second limit.
    requests.hit();
    const average = requests.average();
    Object.assign(headers, rateHeaders(average, ctx.maxEventsPerSecond));
    if (average >= ctx.maxEventsPerSecond) throw tooManyRequests();

    const identity = await authenticate(request.headers, deps.jwt, deps.keys, now);
    const caller = { identity, headers: policyHeaders(request.headers) };
    if (route.kind === 'batch') await broadcastBatch(request, ctx, caller);
    else await broadcastSingle(request, ctx, caller, route, bodyKind);
    return accepted(headers);
  }

  return {
    async fetch(request) {
      const headers: Record<string, string> = {};
      try {
        return await handle(request, headers);
      } catch (error) {
        return errorResponse(error, headers, deps.logger);
      }
    },
  };
}
