/**
 * A moving-average event rate, as the reference server's RateCounter keeps it (realtime.md §7):
 * counts are bucketed every `bucketMs`; the average is events per second over the buckets seen
 * so far (at most `maxBuckets`); the limit is tripped while that average is at or above it.
 * Effects therefore lag by up to one bucket and persist until the average falls.
 */
export class RateCounter {
  private pending = 0;
  private readonly buckets: number[] = [];
  private sum = 0;
  /** Events per second over the window, as of the last tick. */
  average = 0;
  tripped = false;

  constructor(
    readonly limit: number,
    private readonly bucketMs: number,
    private readonly maxBuckets: number,
  ) {}

  add(count = 1): void {
    this.pending += count;
  }

  /** Closes the current bucket; called every `bucketMs` by the owner's timer. */
  tick(): void {
    this.buckets.push(this.pending);
    this.sum += this.pending;
    this.pending = 0;
    if (this.buckets.length > this.maxBuckets) this.sum -= this.buckets.shift() as number;
    this.average = this.sum / this.buckets.length / (this.bucketMs / 1000);
    this.tripped = this.average >= this.limit;
  }
}

/** The project-wide rates one Realtime server enforces, ticked by one shared timer. */
export interface ProjectRates {
  /** Broadcasts sent and delivered (once per recipient channel). */
  readonly events: RateCounter;
  /** Postgres changes delivered (once per recipient subscription). */
  readonly dbEvents: RateCounter;
  readonly joins: RateCounter;
  readonly presence: RateCounter;
  stop(): void;
}

export function createProjectRates(config: {
  readonly maxEventsPerSecond: number;
  readonly maxJoinsPerSecond: number;
  readonly maxPresenceEventsPerSecond: number;
  readonly rateBucketMs: number;
  readonly rateBuckets: number;
}): ProjectRates {
  const counter = (limit: number) => new RateCounter(limit, config.rateBucketMs, config.rateBuckets);
  const rates = {
    events: counter(config.maxEventsPerSecond),
    dbEvents: counter(config.maxEventsPerSecond),
    joins: counter(config.maxJoinsPerSecond),
    presence: counter(config.maxPresenceEventsPerSecond),
  };
  const timer = setInterval(() => {
    for (const rate of Object.values(rates)) rate.tick();
  }, config.rateBucketMs);
  timer.unref();
  return { ...rates, stop: () => clearInterval(timer) };
}

/**
 * A fixed window per channel for presence calls (the reference's client presence limit): the
 * window opens at the first call and `max` calls fit in it.
 */
export class WindowLimit {
  private count = 0;
  private resetAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one call; false when it is over the limit. */
  take(now: number): boolean {
    if (now > this.resetAt) {
      this.count = 1;
      this.resetAt = now + this.windowMs;
      return true;
    }
    if (this.count >= this.max) return false;
    this.count++;
    return true;
  }
}
