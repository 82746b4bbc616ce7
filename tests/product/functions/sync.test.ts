/**
 * The sync function through supabase-js, with members listening on `room:<id>`: authoritative
 * control with versions (stale ones conflict, races have one winner), who may control, scheduled
 * starts ahead of the server clock by a lead from members' latency, the "wait for everyone"
 * barrier, heartbeats, NTP-style time, and the control rate limit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { client, closeSql, signUp, sql, type User } from '../world.ts';
import { call, detailsOf, listen, ok, type PlaybackState, partyOf } from './api.ts';

afterAll(closeSql);

const users = (n: number, name = 'guest') =>
  Promise.all(Array.from({ length: n }, (_, i) => signUp(`${name}${i}`))) as Promise<User[]>;
const control = (who: User, body: Record<string, unknown>) =>
  call<PlaybackState>(who, 'sync/control', { body });
const leadMs = (s: PlaybackState) => Date.parse(String(s.starts_at)) - Date.parse(s.server_time);

describe('control', () => {
  it('returns the new state and members get it by broadcast and by postgres_changes', async () => {
    const host = await signUp('host');
    const [a] = await users(1);
    const { id } = await partyOf(host, [a as User]);
    const events = await listen(a as User, id);
    try {
      const reply = await control(host, { room_id: id, action: 'play', position: 10, expected_version: 0 });
      expect(reply.status).toBe(200);
      const state = reply.data;
      expect(state).toMatchObject({
        room_id: id,
        version: 1,
        is_playing: true,
        position: 10,
        rate: 1,
        status: 'active',
      });
      const heard = await events.broadcasts.next((m) => m.event === 'playback');
      expect(heard.payload).toMatchObject({
        room_id: id,
        version: 1,
        is_playing: true,
        action: 'play',
        by: host.id,
      });
      expect(heard.payload.starts_at).toBe(state.starts_at);
      const row = await events.roomUpdates.next((r) => r.playback_version === 1);
      expect(row).toMatchObject({ is_playing: true, position: 10 });
    } finally {
      await events.close();
    }
  });

  it('play is scheduled ahead of the server clock, by a lead from the members\u2019 latency', async () => {
    const host = await signUp('host');
    const [a, b] = await users(2);
    const { id } = await partyOf(host, [a as User, b as User]);
    const first = await ok<PlaybackState>(host, 'sync/control', { body: { room_id: id, action: 'play' } });
    expect(leadMs(first)).toBeGreaterThanOrEqual(149);
    expect(leadMs(first)).toBeLessThan(400);
    const { t1 } = await ok<{ t1: number }>(host, 'sync/time');
    expect(Date.parse(String(first.starts_at))).toBeGreaterThan(Date.parse(first.server_time));
    expect(t1).toBeGreaterThan(Date.parse(first.server_time));

    // The slowest present member reports 400 ms one way: the lead becomes 2 × 400 + 100.
    await ok(b as User, 'sync/heartbeat', { body: { room_id: id, latency_ms: 400 } });
    await ok(a as User, 'sync/heartbeat', { body: { room_id: id, latency_ms: 30 } });
    const slow = await ok<PlaybackState>(host, 'sync/control', {
      body: { room_id: id, action: 'seek', position: 5 },
    });
    expect(leadMs(slow)).toBeGreaterThanOrEqual(899);
    expect(leadMs(slow)).toBeLessThan(1100);
    // A controller may ask for a lead of its own, up to 2 s.
    const own = await ok<PlaybackState>(host, 'sync/control', {
      body: { room_id: id, action: 'play', lead_ms: 1500 },
    });
    expect(leadMs(own)).toBeGreaterThanOrEqual(1499);
    expect(leadMs(own)).toBeLessThan(1600);
    expect(await control(host, { room_id: id, action: 'play', lead_ms: 3000 })).toMatchObject({
      status: 400,
      error: { code: 'validation_failed', details: [{ path: 'lead_ms' }] },
    });
  });

  it('pause, seek and rate move the position by the server clock', async () => {
    const host = await signUp('host');
    const { id } = await partyOf(host, [], { media: { url: 'https://v.example/a.mp4', duration: 100 } });
    await ok(host, 'sync/control', { body: { room_id: id, action: 'play', position: 20, lead_ms: 0 } });
    const paused = await ok<PlaybackState>(host, 'sync/control', { body: { room_id: id, action: 'pause' } });
    expect(paused).toMatchObject({ is_playing: false, starts_at: null });
    expect(paused.position).toBeGreaterThanOrEqual(20);
    expect(paused.position).toBeLessThan(25);
    expect(paused.expected_position).toBe(paused.position);
    const sought = await ok<PlaybackState>(host, 'sync/control', {
      body: { room_id: id, action: 'seek', position: 60 },
    });
    expect(sought).toMatchObject({
      position: 60,
      is_playing: false,
      starts_at: null,
      version: paused.version + 1,
    });
    const faster = await ok<PlaybackState>(host, 'sync/control', {
      body: { room_id: id, action: 'rate', rate: 1.5 },
    });
    expect(faster).toMatchObject({ rate: 1.5, position: 60 });
    expect(await control(host, { room_id: id, action: 'seek', position: 101 })).toMatchObject({
      status: 400,
      error: { code: 'invalid_action', message: 'position is past the end (100 s)' },
    });
    for (const bad of [
      { room_id: id, action: 'stop' },
      { room_id: id, action: 'seek' },
      { room_id: id, action: 'rate', rate: 5 },
      { room_id: id, action: 'play', position: -1 },
      { room_id: 'x', action: 'play' },
      { room_id: id, action: 'play', expected_version: 1.5 },
    ]) {
      expect(await control(host, bad)).toMatchObject({ status: 400, error: { code: 'validation_failed' } });
    }
    const [row] = await sql()`select playback_version from public.rooms where id = ${id}`;
    expect(Number(row?.playback_version)).toBe(faster.version);
  });

  it('a stale version conflicts and carries the current state', async () => {
    const host = await signUp('host');
    const { id } = await partyOf(host, []);
    await ok(host, 'sync/control', { body: { room_id: id, action: 'play', expected_version: 0 } });
    const stale = await control(host, { room_id: id, action: 'pause', expected_version: 0 });
    expect(stale).toMatchObject({
      status: 409,
      error: {
        code: 'version_conflict',
        message: 'The state is at version 1, not 0',
        details: { current: { version: 1, is_playing: true } },
      },
    });
  });

  it('two controllers racing on one version: exactly one wins, members hear only the winner', async () => {
    const host = await signUp('host');
    const [mod, watcher] = await users(2);
    const { id } = await partyOf(host, [mod as User, watcher as User]);
    await ok(host, `rooms/${id}/role`, { body: { user_id: (mod as User).id, role: 'moderator' } });
    const events = await listen(watcher as User, id);
    try {
      let version = 0;
      for (let round = 0; round < 5; round++) {
        const [x, y] = await Promise.all([
          control(host, { room_id: id, action: 'seek', position: 10 + round, expected_version: version }),
          control(mod as User, {
            room_id: id,
            action: 'seek',
            position: 50 + round,
            expected_version: version,
          }),
        ]);
        const statuses = [x.status, y.status].sort();
        expect(statuses).toEqual([200, 409]);
        const winner = (x.status === 200 ? x : y).data;
        const loser = x.status === 200 ? y : x;
        expect(winner.version).toBe(version + 1);
        expect(detailsOf<{ current: PlaybackState }>(loser).current.version).toBe(version + 1);
        version = winner.version;
        const heard = await events.broadcasts.next(
          (m) => m.event === 'playback' && m.payload.version === version,
        );
        expect(heard.payload.position).toBe(winner.position);
      }
      const playback = events.broadcasts.items.filter((m) => m.event === 'playback');
      expect(playback.map((m) => m.payload.version)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await events.close();
    }
  });

  it('who controls: host and moderators in host_only rooms, every member in everyone rooms, never strangers', async () => {
    const host = await signUp('host');
    const [member, stranger] = await users(2);
    const strict = await partyOf(host, [member as User]);
    expect(await control(member as User, { room_id: strict.id, action: 'play' })).toMatchObject({
      status: 403,
      error: { code: 'forbidden', message: 'Only the host and moderators control playback in this room' },
    });
    expect(await control(stranger as User, { room_id: strict.id, action: 'play' })).toMatchObject({
      status: 403,
      error: { code: 'not_a_member' },
    });
    expect(
      await call(client(), 'sync/control', { body: { room_id: strict.id, action: 'play' } }),
    ).toMatchObject({
      status: 401,
      error: { code: 'unauthorized' },
    });
    const [row] = await sql()`select playback_version from public.rooms where id = ${strict.id}`;
    expect(Number(row?.playback_version)).toBe(0);
    const open = await partyOf(host, [member as User], { control_mode: 'everyone' });
    expect((await control(member as User, { room_id: open.id, action: 'play' })).status).toBe(200);
  });

  it('is rate-limited per user and recovers when the window passes', async () => {
    const host = await signUp('host');
    const { id } = await partyOf(host, []);
    for (let i = 0; i < 30; i++) {
      expect((await control(host, { room_id: id, action: 'seek', position: i })).status).toBe(200);
    }
    const limited = await control(host, { room_id: id, action: 'seek', position: 99 });
    expect(limited).toMatchObject({ status: 429, error: { code: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [row] = await sql()`select position from public.rooms where id = ${id}`;
    expect(Number(row?.position)).toBe(29);
    await sql()`update private.rate_limit_hits set at = at - interval '1 hour' where user_id = ${host.id}`;
    expect((await control(host, { room_id: id, action: 'seek', position: 99 })).status).toBe(200);
  });
});

describe('wait for everyone', () => {
  it('holds play until every present member is ready, and a member buffering holds the room', async () => {
    const host = await signUp('host');
    const [a, b] = await users(2);
    const { id } = await partyOf(host, [a as User, b as User], { wait_for_ready: true });
    const events = await listen(a as User, id);
    try {
      const held = await ok<PlaybackState>(host, 'sync/control', {
        body: { room_id: id, action: 'play', position: 3 },
      });
      expect(held).toMatchObject({
        is_playing: false,
        awaiting_ready: true,
        wait_for_ready: true,
        position: 3,
        starts_at: null,
      });
      expect(
        (await ok<PlaybackState>(host, 'sync/ready', { body: { room_id: id, state: 'ready' } })).changed,
      ).toBe(false);
      expect(
        (await ok<PlaybackState>(a as User, 'sync/ready', { body: { room_id: id, state: 'ready' } })).changed,
      ).toBe(false);
      const last = await ok<PlaybackState>(b as User, 'sync/ready', {
        body: { room_id: id, state: 'ready' },
      });
      expect(last).toMatchObject({ changed: true, is_playing: true, awaiting_ready: false, position: 3 });
      expect(leadMs(last)).toBeGreaterThanOrEqual(149);
      const started = await events.broadcasts.next(
        (m) => m.event === 'playback' && m.payload.action === 'barrier',
      );
      expect(started.payload).toMatchObject({ version: last.version, is_playing: true, by: (b as User).id });

      const stalled = await ok<PlaybackState>(b as User, 'sync/ready', {
        body: { room_id: id, state: 'buffering' },
      });
      expect(stalled).toMatchObject({ changed: true, is_playing: false, awaiting_ready: true });
      const resumed = await ok<PlaybackState>(b as User, 'sync/ready', {
        body: { room_id: id, state: 'ready' },
      });
      expect(resumed).toMatchObject({ changed: true, is_playing: true });
      expect(resumed.position).toBe(stalled.position);
    } finally {
      await events.close();
    }
  });

  it('members gone quiet for 30 s do not hold the room', async () => {
    const host = await signUp('host');
    const [a, gone] = await users(2);
    const { id } = await partyOf(host, [a as User, gone as User], { wait_for_ready: true });
    await sql()`update public.room_members set last_seen_at = now() - interval '1 minute' where room_id = ${id} and user_id = ${(gone as User).id}`;
    await ok(host, 'sync/ready', { body: { room_id: id, state: 'ready' } });
    await ok(a as User, 'sync/ready', { body: { room_id: id, state: 'ready' } });
    const play = await ok<PlaybackState>(host, 'sync/control', { body: { room_id: id, action: 'play' } });
    expect(play).toMatchObject({ is_playing: true, awaiting_ready: false });
  });
});

describe('heartbeat and time', () => {
  it('a heartbeat marks the member seen, records sync state and latency, and says how far off they are', async () => {
    const host = await signUp('host');
    const [a, stranger] = await users(2);
    const { id } = await partyOf(host, [a as User]);
    await sql()`update public.room_members set last_seen_at = now() - interval '1 hour' where room_id = ${id}`;
    await ok(host, 'sync/control', { body: { room_id: id, action: 'seek', position: 30 } });
    const beat = await ok<{ state: PlaybackState; expected_position: number; drift: number }>(
      a as User,
      'sync/heartbeat',
      {
        body: { room_id: id, state: 'drifting', latency_ms: 42, position: 31.5 },
      },
    );
    expect(beat.expected_position).toBe(30);
    expect(beat.drift).toBeCloseTo(1.5);
    expect(beat.state).toMatchObject({ room_id: id, changed: false });
    const [row] = await sql()`
      select sync_state, latency_ms, last_seen_at > now() - interval '1 minute' as fresh
        from public.room_members where room_id = ${id} and user_id = ${(a as User).id}`;
    expect(row).toEqual({ sync_state: 'drifting', latency_ms: 42, fresh: true });
    expect(await call(stranger as User, 'sync/heartbeat', { body: { room_id: id } })).toMatchObject({
      status: 403,
      error: { code: 'not_a_member' },
    });
    expect(await call(a as User, 'sync/heartbeat', { body: { room_id: id, state: 'asleep' } })).toMatchObject(
      {
        status: 400,
        error: { code: 'validation_failed' },
      },
    );
  });

  it('time echoes t0 and gives receive and transmit times by the server clock', async () => {
    const t0 = Date.now();
    const reply = await ok<{ t0: number; t1: number; t2: number }>(client(), `sync/time?t0=${t0}`);
    const t3 = Date.now();
    expect(reply.t0).toBe(t0);
    expect(reply.t1).toBeLessThanOrEqual(reply.t2);
    // Same machine, same clock: the NTP offset estimate is within the round trip.
    const offset = (reply.t1 - t0 + (reply.t2 - t3)) / 2;
    expect(Math.abs(offset)).toBeLessThan(t3 - t0 + 5);
    expect(await call(client(), 'sync/time?t0=soon')).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
  });
});
