/**
 * Realtime limits and timings, with the reference server's defaults (realtime.md §7). Parsed
 * once by the stack and passed in; every module reads its numbers from here.
 */
export interface RealtimeConfig {
  /** Concurrent WebSocket connections per project (`Too many connected users`). */
  readonly maxConcurrentUsers: number;
  /** Channel joins per second per project, moving average (`Too many joins per second`). */
  readonly maxJoinsPerSecond: number;
  /** Channels one socket may hold; the next join fails `ChannelRateLimitReached`. */
  readonly maxChannelsPerClient: number;
  /** Broadcast / postgres_changes events per second per project, moving average. */
  readonly maxEventsPerSecond: number;
  /** Presence events per second per project, moving average. */
  readonly maxPresenceEventsPerSecond: number;
  /** Presence calls (track/untrack) one channel may make per window. */
  readonly maxClientPresenceEventsPerWindow: number;
  readonly clientPresenceWindowMs: number;
  /** Broadcast / presence payload limit: `maxPayloadSizeKb × 1000 + 500` bytes. */
  readonly maxPayloadSizeKb: number;
  /** A postgres change larger than this loses its long values (`Error 413`). */
  readonly maxRecordBytes: number;
  /** Delay before every join error reply (reference: 5 000 ms). Must stay < 10 s. */
  readonly joinErrorDelayMs: number;
  /** Delay before refusing an upgrade (reference: 2 000 ms). */
  readonly connectErrorDelayMs: number;
  /** A socket that sends nothing for this long is closed (Phoenix: 60 000 ms). */
  readonly idleTimeoutMs: number;
  /** Largest inbound WebSocket frame (reference: 5 000 000 bytes). */
  readonly maxFrameBytes: number;
  /** Upper bound between two token expiry re-checks of a channel (reference: 5 min). */
  readonly tokenRecheckMs: number;
  /** Rate windows: counts are bucketed every `rateBucketMs`, averaged over `rateBuckets`. */
  readonly rateBucketMs: number;
  readonly rateBuckets: number;
  /** The project allows only private channels (`PrivateOnly`). */
  readonly privateOnly: boolean;
  /** `broadcast.replication_ready` joins are closed if replication is not live by then. */
  readonly replicationReadyTimeoutMs: number;
  /**
   * A join waits at most this long for the replication stream to be live, so database
   * broadcasts committed after SUBSCRIBED are not lost while the stack is still starting.
   */
  readonly joinReplicationWaitMs: number;
  /** A socket whose unsent output exceeds this is cut off as a slow consumer. */
  readonly maxBufferedBytes: number;
  /**
   * Longest wait for a policy check or replay query; past it the database counts as
   * unreachable, so a stuck query never holds a join (or a channel's messages) forever.
   */
  readonly databaseTimeoutMs: number;
}

export const DEFAULT_REALTIME_CONFIG: RealtimeConfig = {
  maxConcurrentUsers: 200,
  maxJoinsPerSecond: 100,
  maxChannelsPerClient: 100,
  maxEventsPerSecond: 100,
  maxPresenceEventsPerSecond: 1000,
  maxClientPresenceEventsPerWindow: 5,
  clientPresenceWindowMs: 30_000,
  maxPayloadSizeKb: 3000,
  maxRecordBytes: 1_048_576,
  // The reference slows abusive clients down; a local stack answers at once.
  joinErrorDelayMs: 0,
  connectErrorDelayMs: 0,
  idleTimeoutMs: 60_000,
  maxFrameBytes: 5_000_000,
  tokenRecheckMs: 5 * 60_000,
  rateBucketMs: 5_000,
  rateBuckets: 12,
  privateOnly: false,
  replicationReadyTimeoutMs: 60_000,
  joinReplicationWaitMs: 5_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  databaseTimeoutMs: 5_000,
};

/** The payload limit in bytes, as the reference computes it. */
export const maxPayloadBytes = (config: RealtimeConfig): number => config.maxPayloadSizeKb * 1000 + 500;
