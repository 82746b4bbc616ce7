import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerClock } from './clock.ts';
import { WatchroomError } from './errors.ts';
import type { Call, CallOptions } from './functions.ts';
import { SimulatedPlayer } from './player.ts';
import { SyncEngine, stateFromRoomRow } from './sync-engine.ts';
import type { PlaybackState } from './types.ts';

// Virtual time: fake timers move Date, performance and the engine's intervals together.
beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date', 'performance'],
  });
  vi.setSystemTime(Date.parse('2026-12-01T12:00:00.000Z'));
});
afterEach(() => vi.useRealTimers());

const iso = (ms: number) => new Date(ms).toISOString();

function setup(
  calls: { path: string; options?: CallOptions }[] = [],
  answer?: (path: string, options?: CallOptions) => unknown,
) {
  const call = (async (path: string, options?: CallOptions) => {
    calls.push({ path, ...(options ? { options } : {}) });
    return answer?.(path, options);
  }) as Call;
  const clock = new ServerClock(call, { now: () => Date.now() });
  const engine = new SyncEngine({ roomId: 'room', call, clock, heartbeatMs: 0, tickMs: 100 });
  const player = new SimulatedPlayer(() => Date.now());
  engine.attach(player);
  return { engine, player, calls };
}

const playing = (fields: Partial<PlaybackState> = {}): PlaybackState => ({
  room_id: 'room',
  version: 1,
  is_playing: true,
  position: 10,
  rate: 1,
  updated_at: iso(Date.now()),
  starts_at: null,
  awaiting_ready: false,
  ...fields,
});

describe('SyncEngine', () => {
  it('puts the player where the room is, and keeps it there', () => {
    const { engine, player } = setup();
    engine.apply(playing({ updated_at: iso(Date.now() - 1_000) }));
    expect(player.playing()).toBe(true);
    expect(player.position()).toBeCloseTo(11, 6);
    vi.advanceTimersByTime(5_000);
    expect(player.position()).toBeCloseTo(16, 6);
    expect(Math.abs(engine.drift)).toBeLessThan(0.001);
  });

  it('starts a scheduled play at its server time, not before', () => {
    const { engine, player } = setup();
    engine.apply(playing({ starts_at: iso(Date.now() + 300) }));
    expect(player.playing()).toBe(false);
    expect(player.position()).toBe(10);
    vi.advanceTimersByTime(299);
    expect(player.playing()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(player.playing()).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(player.position()).toBeCloseTo(11, 2);
  });

  it('holds at the position while the room waits for everyone to be ready', () => {
    const { engine, player } = setup();
    engine.apply(playing({ awaiting_ready: true }));
    vi.advanceTimersByTime(2_000);
    expect(player.playing()).toBe(false);
    expect(player.position()).toBe(10);
    engine.apply(playing({ version: 2, starts_at: iso(Date.now() + 150) }));
    vi.advanceTimersByTime(1_150);
    expect(player.position()).toBeCloseTo(11, 2);
  });

  it('trims small drift by rate, back to normal speed once settled', () => {
    const { engine, player } = setup();
    engine.apply(playing());
    player.seek(player.position() + 0.2); // the player runs 200 ms ahead
    vi.advanceTimersByTime(100);
    expect(player.rate()).toBeLessThan(1);
    vi.advanceTimersByTime(5_000);
    expect(Math.abs(engine.drift)).toBeLessThan(0.01);
    expect(player.rate()).toBe(1);
  });

  it('seeks past the threshold instead', () => {
    const { engine, player } = setup();
    engine.apply(playing());
    player.seek(player.position() + 3);
    const seeks = player.seeks;
    vi.advanceTimersByTime(100);
    expect(player.seeks).toBe(seeks + 1);
    expect(Math.abs(engine.drift)).toBeLessThan(3.01);
    vi.advanceTimersByTime(100);
    expect(Math.abs(engine.drift)).toBeLessThan(0.001);
  });

  it('ignores states older than the one it holds', () => {
    const { engine, player } = setup();
    expect(engine.apply(playing({ version: 5, position: 100 }))).toBe(true);
    expect(engine.apply(playing({ version: 4, position: 5, is_playing: false }))).toBe(false);
    expect(engine.state?.version).toBe(5);
    expect(player.playing()).toBe(true);
  });

  it('sends controls with the version it holds, and takes the winner on a conflict', async () => {
    const winner = playing({ version: 7, position: 99 });
    const { engine, calls } = setup([], () => {
      throw new WatchroomError('version_conflict', 'stale', 409, { current: winner });
    });
    engine.apply(playing({ version: 6 }));
    await expect(engine.seek(30)).rejects.toMatchObject({ code: 'version_conflict' });
    expect(calls.at(-1)).toMatchObject({
      path: 'sync/control',
      options: { body: { action: 'seek', position: 30, expected_version: 6 } },
    });
    expect(engine.state?.version).toBe(7);
  });

  it('reports buffering and ready when the room waits for everyone', async () => {
    const calls: { path: string; options?: CallOptions }[] = [];
    const { engine, player } = setup(calls, () => playing({ wait_for_ready: true }));
    engine.apply(playing({ wait_for_ready: true }));
    player.emit('buffering');
    player.emit('buffering');
    player.emit('ready');
    await vi.runOnlyPendingTimersAsync();
    expect(calls.map((c) => [c.path, (c.options?.body as { state: string } | undefined)?.state])).toEqual([
      ['sync/ready', 'buffering'],
      ['sync/ready', 'ready'],
    ]);
  });

  it('reads a rooms row as a playback state', () => {
    const row = {
      id: 'r',
      playback_version: '3',
      is_playing: true,
      position: '12.5',
      playback_rate: '1.5',
      playback_updated_at: iso(0),
      playback_starts_at: null,
      awaiting_ready: false,
      wait_for_ready: true,
      status: 'active',
    };
    expect(stateFromRoomRow(row)).toMatchObject({
      room_id: 'r',
      version: 3,
      position: 12.5,
      rate: 1.5,
      starts_at: null,
      wait_for_ready: true,
    });
  });
});

describe('ServerClock', () => {
  it('estimates the server clock from the least delayed exchange, through skew and jitter', async () => {
    const skew = 1_800; // the server is 1.8 s ahead of this machine
    const delays = [
      [40, 5],
      [3, 2],
      [25, 30],
      [10, 60],
    ] as const;
    let i = 0;
    const call = (async () => {
      const [out, back] = delays[i++ % delays.length] as readonly [number, number];
      vi.advanceTimersByTime(out);
      const t1 = Date.now() + skew;
      vi.advanceTimersByTime(1);
      const t2 = Date.now() + skew;
      vi.advanceTimersByTime(back);
      return { t0: null, t1, t2 };
    }) as Call;
    const clock = new ServerClock(call, { samples: 4, resampleMs: 0, now: () => Date.now() });
    expect(clock.offset).toBe(0);
    await clock.sync();
    expect(clock.delay).toBe(5);
    expect(Math.abs(clock.offset - skew)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(clock.now() - (Date.now() + skew))).toBeLessThanOrEqual(1);
  });
});
