import type { BroadcastPayload } from '../contracts.ts';
import { mediaTypeOf, parseJson, readBody } from './body.ts';
import type { ApiContext, Caller } from './context.ts';
import { forbidden, rateLimited, unsupportedMediaType, validationFailed } from './errors.ts';
import { mayBroadcast } from './permissions.ts';
import { validateSingle } from './validate.ts';

/**
 * The body kinds `POST /api/broadcast/{topic}/events/{event}` takes (upstream
 * `ValidateBroadcastContentType`): JSON, raw bytes, or no Content-Type at all; else 415.
 * Checked before the request is counted or authenticated, as upstream's pipeline does.
 */
export function singleBodyKind(request: Request): 'json' | 'binary' {
  const media = mediaTypeOf(request.headers.get('content-type'));
  if (media === null) return 'json';
  if (media !== 'invalid' && media.type === 'application') {
    if (media.subtype === 'json') return 'json';
    if (media.subtype === 'octet-stream') return 'binary';
  }
  throw unsupportedMediaType();
}

/**
 * One message from path, query and body (realtime.md §3.5). A JSON body is relayed as the
 * payload whatever its type: the reference wraps a non-object as `{"_json": value}` (a Plug
 * quirk), we relay the value itself. An empty JSON body is `{}`. A body without Content-Type
 * is read as JSON (the reference ignores it and relays `{}`).
 */
export async function broadcastSingle(
  request: Request,
  ctx: ApiContext,
  caller: Caller,
  target: { topic: string; event: string; private: boolean },
  kind: 'json' | 'binary',
): Promise<void> {
  const body = await readBody(request, ctx.maxBodyBytes);
  const payload: BroadcastPayload =
    kind === 'binary' ? { kind: 'binary', bytes: body } : { kind: 'json', value: parseJson(body) };
  validateSingle(target, payload, ctx.maxPayloadBytes);

  if (ctx.eventsPerSecond() >= ctx.maxEventsPerSecond) throw rateLimited();
  if (target.private && !(await mayBroadcast(ctx, caller, target.topic))) throw forbidden();

  const result = ctx.hub.publish({
    topic: target.topic,
    private: target.private,
    event: target.event,
    payload,
    origin: 'rest-single',
  });
  if (result === 'rate_limited') throw rateLimited();
  if (result === 'too_large') throw validationFailed({ payload: ['Payload size exceeds tenant limit'] });
}
