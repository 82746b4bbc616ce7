/**
 * Topic registry and fan-out. Channels subscribe to a topic in its namespace (public and
 * private channels of the same name never share messages); a message is encoded once per
 * serializer and the same frame goes to every recipient.
 */
import type { Broadcast, BroadcastHub, PublishResult } from './contracts.ts';
import type { ProjectRates } from './limits/rate-counter.ts';
import { type PresenceDiff, PresenceTopic } from './presence/tracker.ts';
import { broadcastFrame, payloadBytes } from './wire/broadcast-frames.ts';
import { type Frame, PRESENCE_DIFF, TOPIC_PREFIX } from './wire/message.ts';
import { SERIALIZERS, type Vsn } from './wire/serializer.ts';

/** What the hub needs of a joined channel. */
export interface Subscriber {
  readonly vsn: Vsn;
  readonly canReadBroadcast: boolean;
  readonly canReadPresence: boolean;
  /** Ids of messages this channel already got by replay, never delivered twice. */
  alreadyReplayed(id: string): boolean;
  send(frame: Frame): void;
  /** The project event rate is tripped: the channel is shut down, as the reference does. */
  eventRateExceeded(): void;
}

export const topicKey = (subTopic: string, isPrivate: boolean) =>
  `${isPrivate ? 'private' : 'public'}:${subTopic}`;

const EXTERNAL_ORIGINS = new Set<Broadcast['origin']>(['rest-batch', 'rest-single', 'database']);

/** Frames per serializer, built on first use during one fan-out. */
class FrameCache {
  private v1: Frame | null | undefined;
  private v2: Frame | null | undefined;

  constructor(private readonly build: (vsn: Vsn) => Frame | undefined) {}

  get(vsn: Vsn): Frame | undefined {
    if (vsn === '2.0.0') {
      if (this.v2 === undefined) this.v2 = this.build(vsn) ?? null;
      return this.v2 ?? undefined;
    }
    if (this.v1 === undefined) this.v1 = this.build(vsn) ?? null;
    return this.v1 ?? undefined;
  }
}

export class Hub implements BroadcastHub {
  private readonly topics = new Map<string, Set<Subscriber>>();
  private readonly presences = new Map<string, PresenceTopic<Subscriber>>();

  constructor(
    private readonly rates: ProjectRates,
    private readonly maxPayloadBytes: number,
  ) {}

  subscribe(key: string, subscriber: Subscriber): void {
    let set = this.topics.get(key);
    if (!set) {
      set = new Set();
      this.topics.set(key, set);
    }
    set.add(subscriber);
  }

  unsubscribe(key: string, subscriber: Subscriber): void {
    const set = this.topics.get(key);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) this.topics.delete(key);
  }

  publish(message: Broadcast, options: { readonly excludeChannel?: unknown } = {}): PublishResult {
    if (payloadBytes(message) > this.maxPayloadBytes) return 'too_large';
    const events = this.rates.events;
    if (EXTERNAL_ORIGINS.has(message.origin) && events.tripped) return 'rate_limited';
    events.add();
    const subscribers = this.topics.get(topicKey(message.topic, message.private));
    if (!subscribers) return 'ok';
    const topic = TOPIC_PREFIX + message.topic;
    const frames = new FrameCache((vsn) => broadcastFrame(message, topic, vsn));
    const id = message.meta?.id;
    for (const subscriber of subscribers) {
      if (subscriber === options.excludeChannel || !subscriber.canReadBroadcast) continue;
      if (id !== undefined && subscriber.alreadyReplayed(id)) continue;
      const frame = frames.get(subscriber.vsn);
      if (!frame) continue;
      events.add();
      subscriber.send(frame);
      if (events.tripped) subscriber.eventRateExceeded();
    }
    return 'ok';
  }

  /** The presence state of a topic, created on first use. */
  presence(key: string): PresenceTopic<Subscriber> {
    let presence = this.presences.get(key);
    if (!presence) {
      presence = new PresenceTopic();
      this.presences.set(key, presence);
    }
    return presence;
  }

  /** Drops a topic's presence state once nobody is tracked in it. */
  releasePresence(key: string): void {
    if (this.presences.get(key)?.size === 0) this.presences.delete(key);
  }

  /**
   * Sends a diff to every subscriber of the topic that may read presence, the cause included.
   * An update (a key both joining and leaving) goes out as its leave, then its join: realtime-js
   * up to 2.11x strips `phx_ref` from the metas it hands to join callbacks, so the leave half of
   * a combined diff no longer finds the old meta and a ghost stays in `presenceState()`
   * (supabase-js#2565). Two diffs end in the same state for every client version.
   */
  publishPresenceDiff(key: string, subTopic: string, diff: PresenceDiff): void {
    const hasJoins = Object.keys(diff.joins).length > 0;
    const hasLeaves = Object.keys(diff.leaves).length > 0;
    if (hasJoins && hasLeaves) {
      this.fanOutPresenceDiff(key, subTopic, { joins: {}, leaves: diff.leaves });
      this.fanOutPresenceDiff(key, subTopic, { joins: diff.joins, leaves: {} });
    } else {
      this.fanOutPresenceDiff(key, subTopic, diff);
    }
  }

  private fanOutPresenceDiff(key: string, subTopic: string, diff: PresenceDiff): void {
    const subscribers = this.topics.get(key);
    if (!subscribers) return;
    const topic = TOPIC_PREFIX + subTopic;
    const frames = new FrameCache((vsn) => ({
      data: Buffer.from(
        SERIALIZERS[vsn].encode({ joinRef: null, ref: null, topic, event: PRESENCE_DIFF, payload: diff }),
      ),
      binary: false,
    }));
    let delivered = 0;
    for (const subscriber of subscribers) {
      if (!subscriber.canReadPresence) continue;
      subscriber.send(frames.get(subscriber.vsn) as Frame);
      delivered++;
    }
    this.rates.presence.add(delivered);
  }
}
