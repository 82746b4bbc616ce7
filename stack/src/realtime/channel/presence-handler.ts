/**
 * `presence` pushes: track and untrack (realtime.md §4). Each channel may make a few presence
 * calls per window; a private channel needs presence-write, decided on its first track.
 */
import { errorMessage } from '../../lib/errors.ts';
import { maxPayloadBytes } from '../config.ts';
import { jsonEqual } from '../presence/tracker.ts';
import type { PhoenixMessage } from '../wire/message.ts';
import type { Channel } from './channel.ts';
import { withDeadline } from './deadline.ts';
import { isJsonObject, type JsonObject } from './payload.ts';

export function handlePresence(channel: Channel, message: PhoenixMessage): void | Promise<void> {
  const body = isJsonObject(message.payload) ? message.payload : {};
  // A presence message without an event is accepted and ignored, as the reference does.
  if (!Object.hasOwn(body, 'event')) return channel.replyTo(message, 'ok');
  if (!channel.presenceWindow.take(channel.ctx.now())) {
    return channel.shutdown('Client presence rate limit exceeded');
  }
  const event = typeof body.event === 'string' ? body.event.toLowerCase() : '';
  if (event === 'track') return track(channel, message, body);
  if (event === 'untrack') {
    channel.untrackPresence();
    return channel.replyTo(message, 'ok');
  }
  channel.transport.log('error', `UnknownPresenceEvent: ${String(body.event)}`);
  channel.replyTo(message, 'error');
}

function track(channel: Channel, message: PhoenixMessage, body: JsonObject): void | Promise<void> {
  if (channel.private && channel.auth.presenceWrite === undefined) {
    return authorize(channel).then(
      () => track(channel, message, body),
      (error: unknown) => {
        channel.transport.log('error', `UnableToSetPolicies: ${errorMessage(error)}`);
        channel.replyTo(message, 'error');
      },
    );
  }
  if (channel.private && !channel.auth.presenceWrite) return channel.replyTo(message, 'error');

  const meta = Object.hasOwn(body, 'payload') ? body.payload : {};
  if (!isJsonObject(meta)) {
    return channel.replyTo(message, 'error', { reason: 'Presence track payload must be a map' });
  }
  if (channel.trackedPayload && jsonEqual(channel.trackedPayload, meta))
    return channel.replyTo(message, 'ok');
  const { config, rates, hub } = channel.ctx;
  if (Buffer.byteLength(JSON.stringify(meta)) > maxPayloadBytes(config)) {
    return channel.shutdown('Track message size exceeded');
  }
  if (rates.presence.average > config.maxPresenceEventsPerSecond) {
    return channel.shutdown('Too many presence messages per second');
  }
  rates.presence.add();
  const diff = hub.presence(channel.key).track(channel, channel.presenceKey, meta);
  channel.trackedPayload = meta;
  channel.presenceEnabled = true;
  if (diff) hub.publishPresenceDiff(channel.key, channel.subTopic, diff);
  channel.replyTo(message, 'ok');
}

/**
 * Presence was off at join, so its read permission was never asked: ask it now, so diffs can be
 * gated, then presence-write.
 */
async function authorize(channel: Channel): Promise<void> {
  const { policies, config } = channel.ctx;
  const ms = config.databaseTimeoutMs;
  if (channel.auth.presenceRead === undefined) {
    const read = await withDeadline(
      policies.canRead(channel.policyContext(), ['presence']),
      ms,
      'the read policy check',
    );
    channel.auth.presenceRead = read.presence === true;
  }
  channel.auth.presenceWrite = await withDeadline(
    policies.canWrite(channel.policyContext(), 'presence'),
    ms,
    'the write policy check',
  );
}
