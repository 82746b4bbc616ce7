/**
 * One WebSocket connection (realtime.md §1.4–1.6, §2.1): heartbeats, joins and routing of
 * every other message to its channel. Messages for a topic whose join is still being decided
 * wait for it, so a channel sees its messages in the order they were sent.
 */
import type { WebSocket } from 'ws';
import { errorMessage } from '../lib/errors.ts';
import type { Channel } from './channel/channel.ts';
import { type JoiningSocket, type JoinOutcome, joinChannel } from './channel/join.ts';
import type { RealtimeContext } from './context.ts';
import {
  type Frame,
  HEARTBEAT,
  type Inbound,
  PHOENIX_TOPIC,
  PHX_JOIN,
  PHX_LEAVE,
  PHX_REPLY,
  type PhoenixMessage,
  reply,
  TOPIC_PREFIX,
} from './wire/message.ts';
import type { Serializer } from './wire/serializer.ts';

export type LogLevel = 'info' | 'warning' | 'error';

const LOG_ORDER: Record<LogLevel, number> = { info: 0, warning: 1, error: 2 };

export interface SessionOptions {
  readonly serializer: Serializer;
  readonly connectionToken: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The client's `log_level`: which of this socket's events the server logs. */
  readonly logLevel: LogLevel;
}

/** Messages held for a topic while its join is decided; beyond this a flood is dropped. */
const MAX_PENDING = 1_000;

export class Session {
  readonly serializer: Serializer;
  readonly connectionToken: string;
  readonly headers: Readonly<Record<string, string>>;
  private readonly logLevel: LogLevel;
  private readonly channels = new Map<string, Channel>();
  private readonly pending = new Map<string, Inbound[]>();
  /** Last time anything arrived, for the idle cut-off. */
  lastSeen: number;
  private counted = false;
  private readonly closeListeners: (() => void)[] = [];
  closed = false;

  constructor(
    private readonly ctx: RealtimeContext,
    private readonly ws: WebSocket,
    options: SessionOptions,
  ) {
    this.serializer = options.serializer;
    this.connectionToken = options.connectionToken;
    this.headers = options.headers;
    this.logLevel = options.logLevel;
    this.lastSeen = ctx.now();
  }

  // ----- inbound ----------------------------------------------------------------------------

  receive(data: Buffer, isBinary: boolean): void {
    this.lastSeen = this.ctx.now();
    const inbound = this.serializer.decode(data, isBinary);
    if (inbound.kind === 'invalid') {
      this.log('error', `MalformedMessage: ${inbound.reason}`);
    } else if (inbound.kind === 'user-broadcast') {
      this.route(inbound.push.topic, inbound);
    } else if (inbound.message.topic !== PHOENIX_TOPIC) {
      this.route(inbound.message.topic, inbound);
    } else if (inbound.message.event === HEARTBEAT) {
      this.replyTo(inbound.message, 'ok');
    } else {
      this.replyTo({ ...inbound.message, joinRef: null }, 'error', { reason: 'unmatched topic' });
    }
  }

  private route(topic: string, inbound: Inbound): void {
    const queue = this.pending.get(topic);
    if (queue) {
      if (queue.length < MAX_PENDING) queue.push(inbound);
      return;
    }
    this.dispatch(topic, inbound);
  }

  private dispatch(topic: string, inbound: Inbound): void {
    if (inbound.kind === 'message' && inbound.message.event === PHX_JOIN) {
      return void this.join(inbound.message);
    }
    const request =
      inbound.kind === 'message'
        ? inbound.message
        : inbound.kind === 'user-broadcast'
          ? inbound.push
          : undefined;
    if (!request) return;
    const channel = this.channels.get(topic);
    if (!channel) {
      const event = inbound.kind === 'message' ? inbound.message.event : undefined;
      if (event === PHX_LEAVE) this.replyTo({ ...request, topic }, 'ok');
      else this.replyTo({ ...request, topic, joinRef: null }, 'error', { reason: 'unmatched topic' });
      return;
    }
    // Phoenix 1.8 drops messages meant for an earlier join of this topic.
    if (request.joinRef !== null && request.joinRef !== channel.joinRef) return;
    channel.receive(inbound);
  }

  private async join(message: PhoenixMessage): Promise<void> {
    const topic = message.topic;
    if (!topic.startsWith(TOPIC_PREFIX)) {
      return this.replyTo({ ...message, joinRef: null }, 'error', { reason: 'unmatched topic' });
    }
    // One channel per topic and socket: a new join replaces the old one.
    this.channels.get(topic)?.close('replaced');
    this.pending.set(topic, []);
    try {
      const outcome: JoinOutcome = await joinChannel(this.ctx, this.joiningSocket(), message).catch(
        (error: unknown) => {
          this.ctx.logger.error(`join ${topic}: ${errorMessage(error)}`);
          return { ok: false, reason: 'Unknown Error on Channel' };
        },
      );
      if (this.closed) return;
      if (!outcome.ok) {
        this.log('error', outcome.reason);
        if (this.ctx.config.joinErrorDelayMs > 0) await delay(this.ctx.config.joinErrorDelayMs);
        if (this.closed) return;
        this.replyTo(message, 'error', { reason: outcome.reason });
        if (outcome.disconnect) this.close(1008, 'Too many joins per second');
        return;
      }
      this.channels.set(topic, outcome.channel);
      if (!this.counted) {
        this.counted = true;
        this.ctx.users.count++;
      }
      outcome.channel.start(message, outcome.replayed);
    } finally {
      const queued = this.pending.get(topic) ?? [];
      this.pending.delete(topic);
      for (const inbound of queued) this.route(topic, inbound);
    }
  }

  private joiningSocket(): JoiningSocket {
    return {
      serializer: this.serializer,
      headers: this.headers,
      connectionToken: this.connectionToken,
      otherChannels: this.channels.size + this.pending.size - 1,
      countedAsUser: this.counted,
      push: (message) => this.push(message),
      sendFrame: (frame) => this.sendFrame(frame),
      channelClosed: (channel) => this.channelClosed(channel),
      log: (level, text) => this.log(level, text),
    };
  }

  // ----- outbound ---------------------------------------------------------------------------

  push(message: PhoenixMessage): void {
    this.sendFrame({ data: this.serializer.encode(message), binary: false });
  }

  sendFrame(frame: Frame): void {
    if (this.closed) return;
    // A client that cannot keep up would grow this buffer without bound.
    if (this.ws.bufferedAmount + this.ctx.outbox.pending(this.ws) > this.ctx.config.maxBufferedBytes) {
      this.log('error', 'SlowConsumer: output buffer exceeded, closing the socket');
      this.ws.terminate();
      return;
    }
    this.ctx.outbox.send(this.ws, frame);
  }

  private replyTo(
    message: { joinRef: string | null; ref: string | null; topic: string },
    status: 'ok' | 'error',
    response: unknown = {},
  ): void {
    this.push({
      joinRef: message.joinRef,
      ref: message.ref,
      topic: message.topic,
      event: PHX_REPLY,
      payload: reply(status, response),
    });
  }

  private channelClosed(channel: Channel): void {
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  log(level: LogLevel, message: string): void {
    if (LOG_ORDER[level] < LOG_ORDER[this.logLevel]) return;
    const logger = this.ctx.logger;
    if (level === 'info') logger.info(message);
    else if (level === 'warning') logger.warn(message);
    else logger.error(message);
  }

  // ----- end --------------------------------------------------------------------------------

  /** The socket closed: every channel ends and its presence leaves at once. */
  closedByTransport(): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of [...this.channels.values()]) channel.close('socket');
    this.channels.clear();
    if (this.counted) {
      this.counted = false;
      this.ctx.users.count--;
    }
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  onceClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Closes the socket after what is already queued for it, a join error reply say. */
  close(code: number, reason: string): void {
    this.ctx.outbox.flush(this.ws);
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
