/**
 * The reference's per-project request counter for its HTTP API (`AssignTenant` counts,
 * `RateLimiter` answers 429 `Too many requests`): a RateCounter with its defaults, one bucket
 * per second, the average taken over the last 60 closed buckets. Computed lazily from a clock
 * instead of a timer, so an idle stack does no work and tests move time by hand.
 */
export interface RequestRate {
  /** Counts one request. */
  hit(): void;
  /** Requests per second over the closed buckets; 0 before the first bucket closes. */
  average(): number;
}

const TICK_MS = 1_000;
const MAX_BUCKETS = 60;

export function createRequestRate(now: () => number): RequestRate {
  const buckets: number[] = [];
  let current = 0;
  let bucketEnds: number | undefined;

  const roll = () => {
    const at = now();
    bucketEnds ??= at + TICK_MS;
    if (at < bucketEnds) return;
    const ticks = Math.floor((at - bucketEnds) / TICK_MS) + 1;
    // Newest first: the bucket in progress closes, then every later tick that saw no request.
    buckets.unshift(...new Array<number>(Math.min(ticks - 1, MAX_BUCKETS)).fill(0), current);
    buckets.length = Math.min(buckets.length, MAX_BUCKETS);
    current = 0;
    bucketEnds += ticks * TICK_MS;
  };

  return {
    hit() {
      roll();
      current += 1;
    },
    average() {
      roll();
      if (buckets.length === 0) return 0;
      return buckets.reduce((sum, count) => sum + count, 0) / buckets.length / (TICK_MS / 1000);
    },
  };
}

/** The reference's `x-rate-*` headers, set on every answer once the request was counted. */
export function rateHeaders(average: number, limit: number): Record<string, string> {
  const rolling = Math.trunc(average);
  return {
    'x-rate-rolling': String(rolling),
    'x-rate-limit': String(limit),
    'x-rate-limit-remaining': String(limit - rolling),
  };
}
