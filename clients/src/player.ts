/**
 * What the sync engine drives: anything that can report a position and play, pause, seek and
 * change rate. An adapter for `<video>`/`<audio>` elements, and a simulated player for tests and
 * benchmarks whose position follows a clock exactly.
 */

export type PlayerEvent = 'buffering' | 'ready';

export interface PlayerAdapter {
  /** Seconds. */
  position(): number;
  playing(): boolean;
  rate(): number;
  play(): void | Promise<void>;
  pause(): void;
  seek(position: number): void;
  setRate(rate: number): void;
  /**
   * How precisely position() reflects what is shown (seconds): drift below it is noise, so the
   * engine's dead band is at least this wide.
   */
  readonly precision?: number;
  /** Buffering (stalled, cannot play on) and ready again. Returns its unsubscribe. */
  on?(event: PlayerEvent, listener: () => void): () => void;
}

/** The part of HTMLMediaElement the adapter uses (so Node code needs no DOM types). */
export interface MediaElementLike {
  currentTime: number;
  playbackRate: number;
  readonly paused: boolean;
  readonly readyState: number;
  play(): Promise<void>;
  pause(): void;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

// HTMLMediaElement.HAVE_FUTURE_DATA: enough to play on.
const HAVE_FUTURE_DATA = 3;

export class MediaElementPlayer implements PlayerAdapter {
  // currentTime moves in steps of the media clock's updates, and a frame lasts 17–42 ms.
  readonly precision = 0.02;
  constructor(readonly element: MediaElementLike) {}

  position(): number {
    return this.element.currentTime;
  }
  playing(): boolean {
    return !this.element.paused;
  }
  rate(): number {
    return this.element.playbackRate;
  }
  async play(): Promise<void> {
    // Autoplay policies may refuse; the engine retries on its next tick, the app can prompt.
    await this.element.play().catch(() => undefined);
  }
  pause(): void {
    this.element.pause();
  }
  seek(position: number): void {
    this.element.currentTime = position;
  }
  setRate(rate: number): void {
    this.element.playbackRate = rate;
  }
  on(event: PlayerEvent, listener: () => void): () => void {
    const types = event === 'buffering' ? ['waiting', 'stalled'] : ['canplay', 'playing'];
    const guarded = () => {
      const stuck = this.element.readyState < HAVE_FUTURE_DATA;
      if ((event === 'buffering') === stuck) listener();
    };
    for (const type of types) this.element.addEventListener(type, guarded);
    return () => {
      for (const type of types) this.element.removeEventListener(type, guarded);
    };
  }
}

/**
 * A player whose position advances exactly with `clock` (ms) at its rate: what an ideal media
 * element would do. `seekCostMs` models a seek landing late (decoders take time).
 */
export class SimulatedPlayer implements PlayerAdapter {
  #anchorPosition = 0;
  #anchorAt: number;
  #playing = false;
  #rate = 1;
  readonly #listeners = new Map<PlayerEvent, Set<() => void>>();
  seeks = 0;
  rateChanges = 0;

  constructor(
    private readonly clock: () => number = () => performance.now(),
    private readonly seekCostMs = 0,
  ) {
    this.#anchorAt = clock();
  }

  position(): number {
    if (!this.#playing) return this.#anchorPosition;
    return this.#anchorPosition + (Math.max(0, this.clock() - this.#anchorAt) / 1000) * this.#rate;
  }
  playing(): boolean {
    return this.#playing;
  }
  rate(): number {
    return this.#rate;
  }
  play(): void {
    if (this.#playing) return;
    this.#rebase();
    this.#playing = true;
  }
  pause(): void {
    if (!this.#playing) return;
    this.#rebase();
    this.#playing = false;
  }
  seek(position: number): void {
    this.seeks++;
    this.#anchorPosition = position;
    // A costly seek resumes from `position` only after the decoder catches up.
    this.#anchorAt = this.clock() + (this.#playing ? this.seekCostMs : 0);
  }
  setRate(rate: number): void {
    if (rate === this.#rate) return;
    this.rateChanges++;
    this.#rebase();
    this.#rate = rate;
  }
  on(event: PlayerEvent, listener: () => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => void set.delete(listener);
  }
  /** Tests: the player starts or stops buffering. */
  emit(event: PlayerEvent): void {
    for (const listener of this.#listeners.get(event) ?? []) listener();
  }

  #rebase(): void {
    this.#anchorPosition = this.position();
    this.#anchorAt = Math.max(this.#anchorAt, this.clock());
  }
}
