import type { ApiKeys } from '../../gateway/api-keys.ts';
import type { JwtService } from '../../lib/jwt.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RealtimeConfig } from '../config.ts';
import type { BroadcastHub, ChannelIdentity, ChannelPolicies } from '../contracts.ts';

export interface BroadcastApiDeps {
  readonly hub: BroadcastHub;
  readonly policies: ChannelPolicies;
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
  /**
   * The project's current broadcast events per second (the moving average the hub keeps). The
   * reference checks it before a REST broadcast: at the limit → 429 `You have exceeded your
   * rate limit`, and a batch that would push it over → 429 `Too many messages to broadcast`.
   * Without it the average is taken as 0 (a batch may then hold `maxEventsPerSecond` messages)
   * and a tripped rate shows only as `hub.publish` answering `rate_limited`.
   */
  readonly eventsPerSecond?: () => number;
  /** Largest request body read; default 8 000 000 bytes, Plug's default in the reference. */
  readonly maxBodyBytes?: number;
  /** Clock for token expiry and the request-rate window; tests move it. Default `Date.now`. */
  readonly now?: () => number;
}

/** What the handlers need, with defaults applied. */
export interface ApiContext {
  readonly hub: BroadcastHub;
  readonly policies: ChannelPolicies;
  readonly logger: Logger;
  readonly maxPayloadBytes: number;
  readonly maxEventsPerSecond: number;
  readonly maxBodyBytes: number;
  eventsPerSecond(): number;
}

/** Who is broadcasting, as the policies see them. */
export interface Caller {
  readonly identity: ChannelIdentity;
  /** Every request header, lower-cased (realtime.md §6.1). */
  readonly headers: Readonly<Record<string, string>>;
}
