/**
 * The server's clock, as seen from here: NTP-style exchanges with `sync/time`. The offset comes
 * from the exchange with the least delay among the recent ones (its error is at most half that
 * delay): a burst at start, a slower refining series right after it, then a burst every so
 * often. Old samples age out because local clocks wander.
 */
import type { Call } from './functions.ts';
import { bestSample, type ClockSample, clockSample } from './sync-math.ts';

export interface ClockOptions {
  /** Exchanges per burst; the least delayed wins. */
  readonly samples?: number;
  /** How often to resample (ms); 0 never. */
  readonly resampleMs?: number;
  /** Exchanges after the first burst, one every `refineEveryMs`, to find a quieter moment. */
  readonly refineSamples?: number;
  readonly refineEveryMs?: number;
  /** Samples older than this (ms) no longer count. */
  readonly maxAgeMs?: number;
  /** The local clock (ms since the epoch). Injected by tests to simulate skew. */
  readonly now?: () => number;
}

const localNow = () => performance.timeOrigin + performance.now();

export class ServerClock {
  readonly #call: Call;
  readonly #samples: number;
  readonly #resampleMs: number;
  readonly #now: () => number;
  readonly #refine: { samples: number; everyMs: number };
  readonly #maxAgeMs: number;
  readonly #pool: { sample: ClockSample; at: number }[] = [];
  #best: ClockSample | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #refiner: ReturnType<typeof setTimeout> | undefined;
  #burst: Promise<ClockSample> | undefined;

  constructor(call: Call, options: ClockOptions = {}) {
    this.#call = call;
    this.#samples = options.samples ?? 8;
    this.#resampleMs = options.resampleMs ?? 60_000;
    this.#now = options.now ?? localNow;
    this.#refine = { samples: options.refineSamples ?? 24, everyMs: options.refineEveryMs ?? 250 };
    this.#maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  }

  /** Server minus local (ms), from the best sample so far; 0 before the first burst. */
  get offset(): number {
    return this.#best?.offset ?? 0;
  }

  /** The best sample's delay (ms): the round trip's network share, an error bound ×2. */
  get delay(): number | undefined {
    return this.#best?.delay;
  }

  get synced(): boolean {
    return this.#best !== undefined;
  }

  /** The local clock (ms). */
  local(): number {
    return this.#now();
  }

  /** The server's clock now (ms since the epoch), by the best offset so far. */
  now(): number {
    return this.#now() + this.offset;
  }

  /** One exchange with the server. */
  async exchange(): Promise<ClockSample> {
    const t0 = this.#now();
    const reply = await this.#call<{ t0: number | null; t1: number; t2: number }>(`sync/time?t0=${t0}`);
    return clockSample(t0, reply.t1, reply.t2, this.#now());
  }

  /** A burst of exchanges, one after another; resolves the best sample there is then. */
  sync(): Promise<ClockSample> {
    this.#burst ??= (async () => {
      try {
        for (let i = 0; i < this.#samples; i++) this.#add(await this.exchange());
      } finally {
        this.#burst = undefined;
      }
      return this.#best as ClockSample;
    })();
    return this.#burst;
  }

  /** Syncs now, refines in the background, and resyncs every `resampleMs`, until `stop`. */
  async start(): Promise<void> {
    await this.sync();
    let left = this.#refine.samples;
    const refine = () => {
      if (left-- <= 0) return;
      this.#refiner = setTimeout(
        () =>
          void this.exchange()
            .then(
              (s) => this.#add(s),
              () => undefined,
            )
            .finally(refine),
        this.#refine.everyMs,
      );
    };
    refine();
    if (this.#resampleMs > 0 && !this.#timer) {
      this.#timer = setInterval(() => void this.sync().catch(() => undefined), this.#resampleMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#refiner);
    this.#timer = this.#refiner = undefined;
  }

  #add(sample: ClockSample): void {
    const at = this.#now();
    this.#pool.push({ sample, at });
    while (
      this.#pool.length > 0 &&
      (this.#pool.length > 64 || at - (this.#pool[0]?.at ?? at) > this.#maxAgeMs)
    )
      this.#pool.shift();
    this.#best = bestSample(this.#pool.map((p) => p.sample));
  }
}
