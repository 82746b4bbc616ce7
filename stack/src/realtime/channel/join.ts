/**
 * `phx_join` (realtime.md §2.2–2.4): the reference server's checks, in its order, each failing
 * with its exact reason; on success a Channel ready to start, with the messages to replay.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { RealtimeContext } from '../context.ts';
import type { Broadcast, ChannelIdentity, PolicyExtension } from '../contracts.ts';
import { RealtimeTokenError, verifyRealtimeToken } from '../identity.ts';
import { ChannelPoliciesError } from '../policies/errors.ts';
import { TOPIC_PREFIX } from '../wire/message.ts';
import { Channel, type ChannelAuth, type ChannelTransport } from './channel.ts';
import { withDeadline } from './deadline.ts';
import { parseJoinPayload } from './schemas.ts';

/** The socket's side of a join. */
export interface JoiningSocket extends ChannelTransport {
  /** The connection's credential (apikey or x-api-key), used when the join carries no token. */
  readonly connectionToken: string;
  /** Channels joined or joining on this socket, not counting this join. */
  readonly otherChannels: number;
  /** Whether this socket already counts as a connected user. */
  readonly countedAsUser: boolean;
}

export type JoinOutcome =
  | { readonly ok: true; readonly channel: Channel; readonly replayed: readonly Broadcast[] }
  /** `disconnect`: the whole socket is closed after the reply (join rate). */
  | { readonly ok: false; readonly reason: string; readonly disconnect?: true };

const MAX_REPLAY = 25;
const fail = (code: string, message: string): JoinOutcome => ({ ok: false, reason: `${code}: ${message}` });
const unauthorized = (topic: string) =>
  fail('Unauthorized', `You do not have permissions to read from this Channel topic: ${topic}`);

export async function joinChannel(
  ctx: RealtimeContext,
  socket: JoiningSocket,
  message: {
    readonly topic: string;
    readonly joinRef: string | null;
    readonly ref: string | null;
    readonly payload: unknown;
  },
): Promise<JoinOutcome> {
  const subTopic = message.topic.slice(TOPIC_PREFIX.length);
  if (subTopic === '') return fail('TopicNameRequired', 'You must provide a topic name');
  const config = parseJoinPayload(message.payload);
  if (config.invalid.length > 0) {
    socket.log(
      'error',
      `InvalidJoinPayload: ${config.invalid.join(', ')} could not be parsed and were defaulted`,
    );
  }
  const { config: limits, rates } = ctx;

  if (ctx.lifecycle.shuttingDown) return fail('RealtimeRestarting', 'Realtime is restarting, please standby');
  if (limits.privateOnly && !config.private)
    return fail('PrivateOnly', 'This project only allows private channels');
  if (!socket.countedAsUser && ctx.users.count >= limits.maxConcurrentUsers) {
    return fail('ConnectionRateLimitReached', 'Too many connected users');
  }
  if (rates.joins.tripped) {
    return { ok: false, reason: 'ClientJoinRateLimitReached: Too many joins per second', disconnect: true };
  }
  rates.joins.add();
  if (socket.otherChannels >= limits.maxChannelsPerClient)
    return fail('ChannelRateLimitReached', 'Too many channels');

  const raw = config.accessToken?.startsWith('sb_')
    ? socket.connectionToken
    : (config.accessToken ?? socket.connectionToken);
  let identity: ChannelIdentity;
  try {
    identity = await verifyRealtimeToken(ctx.jwt, ctx.keys, raw, ctx.now);
  } catch (error) {
    if (error instanceof RealtimeTokenError) return { ok: false, reason: error.joinReason };
    throw error;
  }

  const auth: ChannelAuth = {};
  if (config.private) {
    const extensions: PolicyExtension[] = config.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
    let read: Awaited<ReturnType<typeof ctx.policies.canRead>>;
    try {
      read = await withDeadline(
        ctx.policies.canRead({ topic: subTopic, identity, headers: socket.headers }, extensions),
        limits.databaseTimeoutMs,
        'the read policy check',
      );
    } catch (error) {
      ctx.logger.error(`private join ${subTopic}: ${errorMessage(error)}`);
      return fail('UnableToConnectToProject', 'Realtime was unable to connect to the project database');
    }
    auth.broadcastRead = read.broadcast === true;
    if (config.presenceEnabled) auth.presenceRead = read.presence === true;
    if (!auth.broadcastRead && !auth.presenceRead) return unauthorized(subTopic);
  }

  let replayed: readonly Broadcast[] = [];
  if (config.replay !== undefined) {
    if (config.private && auth.broadcastRead === false) return unauthorized(subTopic);
    if (!config.private) return fail('UnableToReplayMessages', 'Replay is not allowed for public channels');
    if (config.replay === 'invalid') return fail('UnableToReplayMessages', 'Replay params are not valid');
    if (config.replay !== 'ignored') {
      const limit = Math.max(1, Math.min(config.replay.limit ?? MAX_REPLAY, MAX_REPLAY));
      try {
        replayed = await withDeadline(
          ctx.policies.replay(subTopic, config.replay.since, limit),
          limits.databaseTimeoutMs,
          'the replay query',
        );
      } catch (error) {
        ctx.logger.error(`replay ${subTopic}: ${errorMessage(error)}`);
        if (error instanceof ChannelPoliciesError) return { ok: false, reason: error.joinReason };
        return fail('UnableToReplayMessages', 'Realtime was unable to replay messages');
      }
    }
  }

  // Database broadcasts committed after SUBSCRIBED must not be lost while replication starts.
  await ctx.changes.whenLive(limits.joinReplicationWaitMs).catch((error: unknown) => {
    ctx.logger.warn(`join ${subTopic}: replication not live yet: ${errorMessage(error)}`);
  });

  const channel = new Channel(ctx, socket, {
    topic: message.topic,
    subTopic,
    joinRef: message.joinRef ?? message.ref ?? '',
    private: config.private,
    ack: config.ack,
    self: config.self,
    presenceEnabled: config.presenceEnabled,
    presenceKey: config.presenceKey === '' ? crypto.randomUUID() : config.presenceKey,
    replicationReady: config.replicationReady,
    identity,
    auth,
    bindings: config.postgresChanges.map((binding) => ({ binding, id: ctx.changes.bindingId(binding) })),
    replayedIds: new Set(replayed.flatMap((m) => (m.meta ? [m.meta.id] : []))),
  });
  return { ok: true, channel, replayed };
}
