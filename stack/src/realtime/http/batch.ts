import type { Broadcast } from '../contracts.ts';
import { isJson, mediaTypeOf, parseJson, readBody } from './body.ts';
import type { ApiContext, Caller } from './context.ts';
import { batchTooLarge, rateLimited } from './errors.ts';
import { mayBroadcast } from './permissions.ts';
import { type BatchMessage, validateBatch } from './validate.ts';

/**
 * `POST /api/broadcast` (realtime.md §3.5): validate every message, check the event rate,
 * check broadcast-write once per private topic, then publish; nothing is published unless all
 * of that passed. Private messages to a topic the caller may not write are skipped silently.
 */
export async function broadcastBatch(request: Request, ctx: ApiContext, caller: Caller): Promise<void> {
  const body = await readBody(request, ctx.maxBodyBytes);
  const media = mediaTypeOf(request.headers.get('content-type'));
  // Plug parses only JSON bodies; with any other type the params stay empty and the batch has
  // no messages. A body without a content type is read as JSON (friendlier; Plug ignores it).
  const value = media === null || (media !== 'invalid' && isJson(media)) ? parseJson(body) : {};
  const messages = validateBatch(value, ctx.maxPayloadBytes);

  const average = ctx.eventsPerSecond();
  if (average > ctx.maxEventsPerSecond) throw rateLimited();
  if (messages.length + average > ctx.maxEventsPerSecond) throw batchTooLarge();

  const writable = await writableTopics(ctx, caller, messages);
  let first = true;
  for (const message of messages) {
    if (message.private && !writable.has(message.topic)) continue;
    const result = ctx.hub.publish(toBroadcast(message));
    // Only a rate tripped before anything went out can still be reported; later drops are the
    // hub's, as they are for the reference once a batch is under way.
    if (first && result === 'rate_limited') throw rateLimited();
    first = false;
  }
}

async function writableTopics(ctx: ApiContext, caller: Caller, messages: readonly BatchMessage[]) {
  const topics = [...new Set(messages.filter((m) => m.private).map((m) => m.topic))];
  const allowed = await Promise.all(topics.map((topic) => mayBroadcast(ctx, caller, topic)));
  return new Set(topics.filter((_, i) => allowed[i]));
}

function toBroadcast(message: BatchMessage): Broadcast {
  return {
    topic: message.topic,
    private: message.private,
    event: message.event,
    payload: { kind: 'json', value: message.payload },
    origin: 'rest-batch',
    ...(message.id === undefined ? {} : { meta: { id: message.id } }),
  };
}
