import { describe, expect, it } from 'vitest';
import {
  bestSample,
  clockSample,
  correct,
  DEFAULT_DRIFT_POLICY,
  expectedPosition,
  msUntilStart,
  shouldBePlaying,
} from './sync-math.ts';
import type { PlaybackState } from './types.ts';

const T = Date.parse('2026-12-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const state = (fields: Partial<PlaybackState>): PlaybackState => ({
  room_id: 'r',
  version: 1,
  is_playing: true,
  position: 10,
  rate: 1,
  updated_at: iso(T),
  starts_at: null,
  awaiting_ready: false,
  ...fields,
});

describe('expectedPosition', () => {
  it('advances at the rate from the stamp while playing', () => {
    expect(expectedPosition(state({}), T + 2_500)).toBeCloseTo(12.5, 9);
    expect(expectedPosition(state({ rate: 2 }), T + 2_500)).toBeCloseTo(15, 9);
    expect(expectedPosition(state({ rate: 0.5 }), T + 1_000)).toBeCloseTo(10.5, 9);
  });
  it('stays put while paused, held for the barrier, or before a scheduled start', () => {
    expect(expectedPosition(state({ is_playing: false }), T + 5_000)).toBe(10);
    expect(expectedPosition(state({ awaiting_ready: true }), T + 5_000)).toBe(10);
    const scheduled = state({ starts_at: iso(T + 300) });
    expect(expectedPosition(scheduled, T + 200)).toBe(10);
    expect(expectedPosition(scheduled, T + 1_300)).toBeCloseTo(11, 9);
  });
  it('never runs backwards for a clock a little behind the stamp', () => {
    expect(expectedPosition(state({}), T - 50)).toBe(10);
  });
  it('parses numeric strings as Postgres sends them', () => {
    expect(expectedPosition(state({ position: '10.5' as never, rate: '2' as never }), T + 1_000)).toBeCloseTo(
      12.5,
      9,
    );
  });
});

describe('scheduled starts', () => {
  it('is not playing until the start, then is', () => {
    const s = state({ starts_at: iso(T + 300) });
    expect(shouldBePlaying(s, T + 299)).toBe(false);
    expect(shouldBePlaying(s, T + 300)).toBe(true);
    expect(msUntilStart(s, T + 100)).toBe(200);
    expect(msUntilStart(s, T + 400)).toBe(0);
    expect(msUntilStart(state({ is_playing: false, starts_at: iso(T + 300) }), T)).toBe(0);
  });
});

describe('clock samples', () => {
  it('finds the offset exactly when both directions take as long', () => {
    // Server 2 s ahead; 20 ms each way; the server takes 1 ms.
    const s = clockSample(1_000, 3_020, 3_021, 1_041);
    expect(s.offset).toBeCloseTo(2_000, 9);
    expect(s.delay).toBe(40);
  });
  it('errs by half the asymmetry, within half the delay', () => {
    // 50 ms out, 10 ms back, server 500 ms behind.
    const s = clockSample(0, -450, -450, 60);
    expect(s.offset).toBe(-480);
    expect(Math.abs(s.offset - -500)).toBeLessThanOrEqual(s.delay / 2);
  });
  it('keeps the sample with the least delay', () => {
    const best = bestSample([
      { offset: 30, delay: 80 },
      { offset: 2, delay: 4 },
      { offset: -10, delay: 20 },
    ]);
    expect(best).toEqual({ offset: 2, delay: 4 });
    expect(bestSample([])).toBeUndefined();
  });
});

describe('drift policy', () => {
  const p = DEFAULT_DRIFT_POLICY;
  it('leaves drift inside the dead band alone', () => {
    expect(correct(p.deadBand * 0.9, 50, 1, false)).toEqual({ kind: 'none', rate: 1 });
    expect(correct(-p.deadBand * 0.9, 50, 1.5, false)).toEqual({ kind: 'none', rate: 1.5 });
  });
  it('nudges the rate against the drift, at most maxNudge', () => {
    const ahead = correct(0.05, 50, 1, false);
    expect(ahead.kind).toBe('nudge');
    expect(ahead.rate).toBeCloseTo(0.95, 9);
    const behind = correct(-0.3, 50, 2, false);
    expect(behind.kind).toBe('nudge');
    expect(behind.rate).toBeCloseTo(2 * (1 + p.maxNudge), 9);
  });
  it('keeps nudging inside the dead band until it settles', () => {
    const inside = p.deadBand * 0.5;
    expect(correct(inside, 50, 1, true).kind).toBe('nudge');
    expect(correct(inside, 50, 1, false).kind).toBe('none');
    expect(correct(p.settle * 0.5, 50, 1, true)).toEqual({ kind: 'none', rate: 1 });
  });
  it('seeks to the expected position beyond the threshold', () => {
    expect(correct(p.seekThreshold + 0.1, 50, 1, false)).toEqual({ kind: 'seek', position: 50, rate: 1 });
    expect(correct(-(p.seekThreshold + 3), 0.2, 1, true)).toEqual({ kind: 'seek', position: 0.2, rate: 1 });
  });
});
