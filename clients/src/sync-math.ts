/**
 * The pure arithmetic of following a room's playback: where the media should be by the server's
 * clock, NTP-style clock offset samples, and the drift policy that decides between leaving the
 * player alone, nudging its rate, and seeking.
 */
import type { PlaybackState } from './types.ts';

/** Milliseconds since the epoch of an ISO timestamp; NaN for null. */
export const ms = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Where the media should be (seconds) at `serverNowMs`: the stored position, advanced at `rate`
 * since it was stamped, or since the scheduled start when that is later. Before a scheduled start
 * and while a play is held for the ready barrier, it stays where it was set.
 */
export function expectedPosition(state: PlaybackState, serverNowMs: number): number {
  const position = Number(state.position);
  if (!state.is_playing || state.awaiting_ready) return position;
  const from = Math.max(
    ms(state.updated_at),
    state.starts_at ? ms(state.starts_at) : Number.NEGATIVE_INFINITY,
  );
  return position + (Math.max(0, serverNowMs - from) / 1000) * Number(state.rate);
}

/** Whether the media should be moving at `serverNowMs` (playing, released, and past its start). */
export function shouldBePlaying(state: PlaybackState, serverNowMs: number): boolean {
  if (!state.is_playing || state.awaiting_ready) return false;
  return !state.starts_at || serverNowMs >= ms(state.starts_at);
}

/** Milliseconds until a scheduled start, or 0 when it has passed or there is none. */
export function msUntilStart(state: PlaybackState, serverNowMs: number): number {
  if (!state.is_playing || state.awaiting_ready || !state.starts_at) return 0;
  return Math.max(0, ms(state.starts_at) - serverNowMs);
}

export interface ClockSample {
  /** Server clock minus local clock, milliseconds. */
  readonly offset: number;
  /** The round trip minus the server's own time: the network's share. */
  readonly delay: number;
}

/**
 * One NTP exchange: t0 sent (local), t1 received (server), t2 replied (server), t3 received
 * (local). The offset is exact when the two directions take equally long; its error is at most
 * half the delay, which is why the sample with the least delay is the one to trust.
 */
export function clockSample(t0: number, t1: number, t2: number, t3: number): ClockSample {
  return { offset: (t1 - t0 + (t2 - t3)) / 2, delay: Math.max(0, t3 - t0 - (t2 - t1)) };
}

/** The best of several samples: least delay. */
export function bestSample(samples: readonly ClockSample[]): ClockSample | undefined {
  let best: ClockSample | undefined;
  for (const sample of samples) if (!best || sample.delay < best.delay) best = sample;
  return best;
}

export interface DriftPolicy {
  /** Drift (seconds) left alone: below what anyone can see or hear. */
  readonly deadBand: number;
  /** Once correcting, keep going until within this (seconds), so it does not flap at the edge. */
  readonly settle: number;
  /** Drift (seconds) beyond which the player seeks instead of catching up by rate. */
  readonly seekThreshold: number;
  /** The largest relative rate change a nudge makes (0.1 = ±10 %). */
  readonly maxNudge: number;
  /** How long (seconds) a nudge aims to take to absorb the drift. */
  readonly catchUpSeconds: number;
}

export const DEFAULT_DRIFT_POLICY: DriftPolicy = {
  deadBand: 0.006,
  settle: 0.002,
  seekThreshold: 0.5,
  maxNudge: 0.1,
  catchUpSeconds: 1,
};

export type Correction =
  | { readonly kind: 'none'; readonly rate: number }
  | { readonly kind: 'nudge'; readonly rate: number }
  | { readonly kind: 'seek'; readonly position: number; readonly rate: number };

/**
 * What to do about `drift` (player minus expected, seconds; + is ahead) while playing at `rate`.
 * `correcting` says a nudge is under way (then it continues down to `settle`).
 */
export function correct(
  drift: number,
  expected: number,
  rate: number,
  correcting: boolean,
  policy: DriftPolicy = DEFAULT_DRIFT_POLICY,
): Correction {
  const size = Math.abs(drift);
  if (size >= policy.seekThreshold) return { kind: 'seek', position: Math.max(0, expected), rate };
  if (size <= policy.settle || (!correcting && size <= policy.deadBand)) return { kind: 'none', rate };
  // Absorb the drift over catchUpSeconds: ahead plays slower, behind plays faster.
  const relative = Math.max(-policy.maxNudge, Math.min(policy.maxNudge, -drift / policy.catchUpSeconds));
  return { kind: 'nudge', rate: rate * (1 + relative) };
}
