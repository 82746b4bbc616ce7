/**
 * Broadcasts sent on a joined channel (realtime.md §3.1–3.2): text `broadcast` pushes and kind-3
 * binary pushes. Private channels need broadcast-write, decided on the first send and cached
 * for the token; a denied send is dropped without a reply, even with ack.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { BroadcastOrigin, BroadcastPayload } from '../contracts.ts';
import type { PhoenixMessage, UserBroadcastPush } from '../wire/message.ts';
import type { Channel } from './channel.ts';
import { withDeadline } from './deadline.ts';
import { isJsonObject } from './payload.ts';

interface Request {
  readonly joinRef: string | null;
  readonly ref: string | null;
}

export function handleTextBroadcast(channel: Channel, message: PhoenixMessage): void | Promise<void> {
  const body = isJsonObject(message.payload) ? message.payload : {};
  const event = typeof body.event === 'string' ? body.event : '';
  return send(channel, message, event, { kind: 'json', value: body.payload }, 'push-text');
}

export function handleBroadcastPush(channel: Channel, push: UserBroadcastPush): void | Promise<void> {
  if (push.encoding === 'binary') {
    return send(channel, push, push.event, { kind: 'binary', bytes: push.payload }, 'push-binary');
  }
  let value: unknown;
  try {
    value = JSON.parse(push.payload.toString('utf8'));
  } catch {
    // Relaying it would make every realtime-js recipient throw on JSON.parse.
    channel.transport.log('error', `InvalidBroadcastPayload: payload of \`${push.event}\` is not JSON`);
    if (channel.ack) channel.replyTo(push, 'error', 'invalid_payload');
    return;
  }
  return send(channel, push, push.event, { kind: 'json', value, encoded: push.payload }, 'push-binary');
}

function send(
  channel: Channel,
  request: Request,
  event: string,
  payload: BroadcastPayload,
  origin: BroadcastOrigin,
): void | Promise<void> {
  if (channel.private) {
    const allowed = channel.auth.broadcastWrite;
    if (allowed === undefined) {
      return authorizeWrite(channel).then((ok) => {
        if (ok) publish(channel, request, event, payload, origin);
      });
    }
    if (!allowed) return;
  }
  publish(channel, request, event, payload, origin);
}

function publish(
  channel: Channel,
  request: Request,
  event: string,
  payload: BroadcastPayload,
  origin: BroadcastOrigin,
): void {
  if (channel.closed) return;
  const result = channel.ctx.hub.publish(
    { topic: channel.subTopic, private: channel.private, event, payload, origin },
    { excludeChannel: channel.self ? undefined : channel },
  );
  if (!channel.ack) return;
  if (result === 'too_large') channel.replyTo(request, 'error', 'payload_size_exceeded');
  else channel.replyTo(request, 'ok');
}

async function authorizeWrite(channel: Channel): Promise<boolean> {
  try {
    const { policies, config } = channel.ctx;
    const allowed = await withDeadline(
      policies.canWrite(channel.policyContext(), 'broadcast'),
      config.databaseTimeoutMs,
      'the write policy check',
    );
    channel.auth.broadcastWrite = allowed;
    return allowed;
  } catch (error) {
    // Not cached: the next send asks again.
    channel.transport.log('error', `UnableToSetPolicies: ${errorMessage(error)}`);
    return false;
  }
}
