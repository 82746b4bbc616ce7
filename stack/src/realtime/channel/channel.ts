/**
 * One joined channel: a topic on one socket, with its identity, permissions, presence and
 * postgres_changes subscription. Created by `joinChannel` once every join check passed.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { RealtimeContext } from '../context.ts';
import type {
  Broadcast,
  ChangeData,
  ChangesHandle,
  ChannelIdentity,
  PolicyContext,
  PostgresBinding,
} from '../contracts.ts';
import { type Subscriber, topicKey } from '../hub.ts';
import { WindowLimit } from '../limits/rate-counter.ts';
import { broadcastFrame } from '../wire/broadcast-frames.ts';
import {
  ACCESS_TOKEN,
  BROADCAST,
  type Frame,
  type Inbound,
  PHX_CLOSE,
  PHX_LEAVE,
  PHX_REPLY,
  type PhoenixMessage,
  POSTGRES_CHANGES,
  PRESENCE,
  PRESENCE_STATE,
  reply,
  SYSTEM,
} from '../wire/message.ts';
import type { Serializer } from '../wire/serializer.ts';
import { handleBroadcastPush, handleTextBroadcast } from './broadcast-handler.ts';
import { handlePresence } from './presence-handler.ts';
import { SerialQueue } from './serial-queue.ts';
import { refreshToken, scheduleExpiry } from './token-refresh.ts';

/** What a channel needs of the socket it lives on. */
export interface ChannelTransport {
  readonly serializer: Serializer;
  /** The upgrade request's `x-*` headers, lower-cased, for policies (realtime.md §6.1). */
  readonly headers: Readonly<Record<string, string>>;
  push(message: PhoenixMessage): void;
  sendFrame(frame: Frame): void;
  /** The channel ended; the socket forgets it. */
  channelClosed(channel: Channel): void;
  log(level: 'info' | 'warning' | 'error', message: string): void;
}

/** Permissions of a private channel, each decided once per token (undefined: not yet asked). */
export interface ChannelAuth {
  broadcastRead?: boolean;
  presenceRead?: boolean;
  broadcastWrite?: boolean;
  presenceWrite?: boolean;
}

export interface ChannelInit {
  readonly topic: string;
  readonly subTopic: string;
  readonly joinRef: string;
  readonly private: boolean;
  readonly ack: boolean;
  readonly self: boolean;
  readonly presenceEnabled: boolean;
  readonly presenceKey: string;
  readonly replicationReady: boolean;
  readonly identity: ChannelIdentity;
  readonly auth: ChannelAuth;
  readonly bindings: readonly { readonly binding: PostgresBinding; readonly id: number }[];
  readonly replayedIds: ReadonlySet<string>;
}

/** `data` is shared by every subscriber of a change; its JSON is encoded once. */
const changeJson = new WeakMap<ChangeData, string>();

export class Channel implements Subscriber {
  readonly topic: string;
  readonly subTopic: string;
  readonly joinRef: string;
  readonly private: boolean;
  readonly key: string;
  readonly ack: boolean;
  readonly self: boolean;
  readonly presenceKey: string;
  presenceEnabled: boolean;
  identity: ChannelIdentity;
  auth: ChannelAuth;
  /** The last payload this channel tracked, to make repeating it a no-op. */
  trackedPayload: Readonly<Record<string, unknown>> | undefined;
  readonly presenceWindow: WindowLimit;
  expiryTimer: NodeJS.Timeout | undefined;
  private readonly bindings: ChannelInit['bindings'];
  private readonly replayedIds: ReadonlySet<string>;
  private readonly replicationReady: boolean;
  private changesHandle: ChangesHandle | undefined;
  private changesIdentity: ChannelIdentity | undefined;
  private readonly queue: SerialQueue;
  closed = false;

  constructor(
    readonly ctx: RealtimeContext,
    readonly transport: ChannelTransport,
    init: ChannelInit,
  ) {
    this.topic = init.topic;
    this.subTopic = init.subTopic;
    this.joinRef = init.joinRef;
    this.private = init.private;
    this.key = topicKey(init.subTopic, init.private);
    this.ack = init.ack;
    this.self = init.self;
    this.presenceKey = init.presenceKey;
    this.presenceEnabled = init.presenceEnabled;
    this.replicationReady = init.replicationReady;
    this.identity = init.identity;
    this.auth = init.auth;
    this.bindings = init.bindings;
    this.replayedIds = init.replayedIds;
    this.presenceWindow = new WindowLimit(
      ctx.config.maxClientPresenceEventsPerWindow,
      ctx.config.clientPresenceWindowMs,
    );
    this.queue = new SerialQueue((error) => this.fail(error));
  }

  // ----- Subscriber (hub) -------------------------------------------------------------------

  get vsn() {
    return this.transport.serializer.vsn;
  }

  get canReadBroadcast(): boolean {
    return !this.private || this.auth.broadcastRead === true;
  }

  get canReadPresence(): boolean {
    return !this.private || this.auth.presenceRead === true;
  }

  alreadyReplayed(id: string): boolean {
    return this.replayedIds.has(id);
  }

  send(frame: Frame): void {
    if (!this.closed) this.transport.sendFrame(frame);
  }

  eventRateExceeded(): void {
    this.shutdown('Too many messages per second');
  }

  // ----- lifecycle --------------------------------------------------------------------------

  /** The join succeeded: reply, then replays, changes, replication notice and presence state. */
  start(joinMessage: PhoenixMessage, replayed: readonly Broadcast[]): void {
    this.ctx.hub.subscribe(this.key, this);
    this.transport.push({
      joinRef: joinMessage.joinRef,
      ref: joinMessage.ref,
      topic: this.topic,
      event: PHX_REPLY,
      payload: reply('ok', {
        postgres_changes: this.bindings.map(({ binding, id }) => ({ ...binding, id })),
      }),
    });
    for (const message of replayed) {
      const frame = broadcastFrame(message, this.topic, this.vsn, this.joinRef);
      if (frame) this.send(frame);
    }
    if (this.bindings.length > 0) void this.subscribeChanges();
    if (this.replicationReady) this.notifyReplicationReady();
    if (this.presenceEnabled && this.canReadPresence) this.pushPresenceState();
    scheduleExpiry(this);
  }

  /** Runs `task` after everything already queued for this channel. */
  enqueue(task: () => void | Promise<void>): void {
    this.queue.run(task);
  }

  /** Inbound messages for this channel, in order. */
  receive(inbound: Inbound): void {
    this.queue.run(() => {
      if (this.closed) return;
      if (inbound.kind === 'user-broadcast') return handleBroadcastPush(this, inbound.push);
      if (inbound.kind !== 'message') return;
      const message = inbound.message;
      switch (message.event) {
        case BROADCAST:
          return handleTextBroadcast(this, message);
        case PRESENCE:
          return handlePresence(this, message);
        case ACCESS_TOKEN:
          return refreshToken(this, message.payload);
        case PHX_LEAVE:
          this.replyTo(message, 'ok');
          return this.close('leave');
        default:
          // As the reference: counted, logged for log_level=info sockets, never answered.
          this.ctx.rates.events.add();
          this.transport.log('info', `Unexpected message from client of type \`${message.event}\``);
      }
    });
  }

  replyTo(
    message: { joinRef: string | null; ref: string | null },
    status: 'ok' | 'error',
    response: unknown = {},
  ) {
    if (message.ref === null) return;
    this.transport.push({
      joinRef: message.joinRef,
      ref: message.ref,
      topic: this.topic,
      event: PHX_REPLY,
      payload: reply(status, response),
    });
  }

  system(extension: 'system' | 'postgres_changes', status: 'ok' | 'error', message: string): void {
    if (this.closed) return;
    this.transport.push({
      joinRef: this.joinRef,
      ref: null,
      topic: this.topic,
      event: SYSTEM,
      payload: { extension, status, message, channel: this.subTopic },
    });
  }

  /** Ends the channel with a reason the client sees (`system` error, then `phx_close`). */
  shutdown(message: string): void {
    if (this.closed) return;
    this.transport.log('warning', `ChannelShutdown: ${message}`);
    this.system('system', 'error', message);
    this.close('shutdown');
  }

  /**
   * Stops the channel: unsubscribes, untracks presence (others get the leave at once) and drops
   * the postgres_changes subscription. `socket`: the connection is gone, nothing is sent.
   */
  close(reason: 'leave' | 'replaced' | 'shutdown' | 'socket'): void {
    if (this.closed) return;
    if (reason !== 'socket') {
      this.transport.push({
        joinRef: this.joinRef,
        ref: this.joinRef,
        topic: this.topic,
        event: PHX_CLOSE,
        payload: {},
      });
    }
    this.closed = true;
    clearTimeout(this.expiryTimer);
    this.ctx.hub.unsubscribe(this.key, this);
    this.untrackPresence();
    this.changesHandle?.remove();
    this.changesHandle = undefined;
    this.transport.channelClosed(this);
  }

  /** Something unexpected: `phx_error`, so the client rejoins (realtime.md §2.6). */
  fail(error: unknown): void {
    this.ctx.logger.error(`channel ${this.topic}: ${errorMessage(error)}`);
    if (this.closed) return;
    this.transport.push({
      joinRef: this.joinRef,
      ref: this.joinRef,
      topic: this.topic,
      event: 'phx_error',
      payload: {},
    });
    this.close('socket');
  }

  policyContext(): PolicyContext {
    return { topic: this.subTopic, identity: this.identity, headers: this.transport.headers };
  }

  // ----- presence ---------------------------------------------------------------------------

  pushPresenceState(): void {
    const presence = this.ctx.rates.presence;
    if (presence.tripped) {
      this.shutdown('Too many presence messages per second');
      return;
    }
    presence.add();
    this.transport.push({
      joinRef: this.joinRef,
      ref: null,
      topic: this.topic,
      event: PRESENCE_STATE,
      payload: this.ctx.hub.presence(this.key).state(),
    });
  }

  untrackPresence(): void {
    const presence = this.ctx.hub.presence(this.key);
    const diff = presence.untrack(this);
    this.trackedPayload = undefined;
    if (diff) this.ctx.hub.publishPresenceDiff(this.key, this.subTopic, diff);
    this.ctx.hub.releasePresence(this.key);
  }

  // ----- postgres_changes -------------------------------------------------------------------

  private async subscribeChanges(): Promise<void> {
    const identity = this.identity;
    try {
      const result = await this.ctx.changes.subscribe({
        bindings: this.bindings,
        identity,
        deliver: (ids, data) => this.deliverChange(ids, data),
        status: (status, message) => this.system('postgres_changes', status, message),
      });
      if (!result.ok) return this.system('postgres_changes', 'error', result.message);
      if (this.closed) return result.handle.remove();
      this.changesHandle = result.handle;
      this.changesIdentity = identity;
      this.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
      // A refreshed token arrived while subscribing: from now on, RLS as the new claims.
      if (this.identity !== identity) await this.resubscribeChanges();
    } catch (error) {
      this.ctx.logger.error(`postgres_changes subscribe on ${this.topic}: ${errorMessage(error)}`);
      this.system('postgres_changes', 'error', 'Realtime was unable to connect to the project database');
    }
  }

  /** After a token refresh: the subscription's RLS identity becomes the new claims. */
  async resubscribeChanges(): Promise<void> {
    const handle = this.changesHandle;
    if (!handle || this.changesIdentity === this.identity) return;
    const identity = this.identity;
    const result = await handle.update(identity);
    this.changesIdentity = identity;
    if (this.closed) return;
    if (result.ok) this.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
    else this.system('postgres_changes', 'error', result.message);
  }

  private deliverChange(ids: readonly number[], data: ChangeData): void {
    if (this.closed) return;
    // While the project rate is tripped, changes are consumed and dropped, not queued.
    const rate = this.ctx.rates.dbEvents;
    if (rate.tripped) return;
    rate.add();
    let json = changeJson.get(data);
    if (json === undefined) {
      json = JSON.stringify(data);
      changeJson.set(data, json);
    }
    const payload = `{"ids":${JSON.stringify(ids)},"data":${json}}`;
    const topic = JSON.stringify(this.topic);
    const data_ =
      this.vsn === '2.0.0'
        ? `[null,null,${topic},"${POSTGRES_CHANGES}",${payload}]`
        : `{"topic":${topic},"event":"${POSTGRES_CHANGES}","payload":${payload},"ref":null}`;
    this.transport.sendFrame({ data: data_, binary: false });
  }

  // ----- replication_ready ------------------------------------------------------------------

  private notifyReplicationReady(): void {
    const timeoutMs = this.ctx.config.replicationReadyTimeoutMs;
    this.ctx.changes.whenLive(timeoutMs).then(
      () => this.system('system', 'ok', 'Replication connection established'),
      () => this.shutdown('Replication connection was not established in time'),
    );
  }
}
