import { describe, expect, it } from 'vitest';
import { isWatchroomError, SimulatedPlayer } from '../../../clients/src/index.ts';
import { connectionsPerTest, type SdkUser, sdkUser, until } from './sdk.ts';

const { open, connect } = connectionsPerTest();

async function party(...guests: string[]) {
  const host = await sdkUser('host');
  const others = await Promise.all(guests.map((g) => sdkUser(g)));
  const created = await host.wr.rooms.create({
    name: 'SDK party',
    media: { url: 'https://example.com/movie.webm', duration: 600 },
  });
  for (const guest of others) await guest.wr.rooms.join(created.invite_code);
  return { host, guests: others, room: created.room, invite: created.invite_code };
}

describe('rooms through the SDK', () => {
  it('creates, joins by code, lists mine and public rooms, and throws typed errors', async () => {
    const { host, guests, room, invite } = await party('guest');
    const guest = guests[0] as SdkUser;
    expect(room.invite_code).toBe(invite);
    expect((await guest.wr.rooms.join(invite.toLowerCase())).room.id).toBe(room.id);
    expect((await host.wr.rooms.mine()).map((r) => [r.id, r.role])).toEqual([[room.id, 'host']]);
    expect((await guest.wr.rooms.mine()).map((r) => [r.id, r.role])).toEqual([[room.id, 'member']]);
    const { room: open } = await host.wr.rooms.create({ name: 'Open house', visibility: 'public' });
    expect((await guest.wr.rooms.public()).map((r) => r.id)).toContain(open.id);
    const error = await guest.wr.rooms.join('NOPE2345').catch((e: unknown) => e);
    expect(isWatchroomError(error, 'room_not_found')).toBe(true);
    expect(error).toMatchObject({ status: 404 });
    const kicked = await guest.wr.rooms.kick(room.id, host.id).catch((e: unknown) => e);
    expect(isWatchroomError(kicked, 'forbidden')).toBe(true);
  });
});

describe('room.connect()', () => {
  it('sees members in presence with names and roles, and typing that expires', async () => {
    const { host, guests, room } = await party('guest');
    const guest = guests[0] as SdkUser;
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    const list = await until(
      a,
      'presence',
      (p) => p.length === 2,
      () => a.presence(),
    );
    expect(list.map((p) => [p.display_name, p.role]).sort()).toEqual([
      ['guest', 'member'],
      ['host', 'host'],
    ]);
    expect(a.status).toBe('connected');
    b.setTyping(true);
    expect(await until(a, 'typing', (t) => t.length === 1)).toEqual([
      { user_id: guest.id, display_name: 'guest' },
    ]);
    // No refresh: the notice expires on its own.
    expect(await until(a, 'typing', (t) => t.length === 0)).toEqual([]);
  });

  it('shares one channel between holders, and survives a StrictMode mount, unmount, mount', async () => {
    const { host, room } = await party();
    const first = await host.wr.connect(room.id);
    const again = await host.wr.connect(room.id);
    expect(host.client.getChannels()).toHaveLength(1);
    await first.disconnect();
    await first.disconnect(); // a second release of the same hold changes nothing
    expect(again.status).toBe('connected');
    await again.disconnect();
    const remounted = await host.wr.connect(room.id);
    open.push(remounted);
    expect(remounted.status).toBe('connected');
    expect(host.client.getChannels()).toHaveLength(1);
  });

  it('opens one connection for connects in the same tick (StrictMode remounts synchronously)', async () => {
    const { host, room } = await party();
    const [x, y] = await Promise.all([host.wr.connect(room.id), host.wr.connect(room.id)]);
    open.push(x, y);
    expect(x.status).toBe('connected');
    expect(y.status).toBe('connected');
    expect(host.client.getChannels()).toHaveLength(1);
    await x.disconnect();
    expect(y.status).toBe('connected');
  });

  it('shows the sync state and position of each member in presence', async () => {
    const { host, guests, room } = await party('guest');
    const a = await connect(host, room.id);
    const b = await connect(guests[0] as SdkUser, room.id);
    await until(a, 'presence', (list) =>
      list.some((p) => p.user_id === b.userId && p.sync_state === 'unknown'),
    );
    const player = new SimulatedPlayer();
    player.seek(42);
    b.sync.attach(player);
    await until(a, 'presence', (list) =>
      list.some((p) => p.user_id === b.userId && p.sync_state === 'synced' && p.position === 0),
    );
    player.emit('buffering');
    await until(a, 'presence', (list) =>
      list.some((p) => p.user_id === b.userId && p.sync_state === 'buffering'),
    );
  });

  it('refuses a stranger with not_a_member', async () => {
    const { room } = await party();
    const stranger = await sdkUser('stranger');
    const error = await stranger.wr.connect(room.id).catch((e: unknown) => e);
    expect(isWatchroomError(error, 'not_a_member')).toBe(true);
    expect(stranger.client.getChannels()).toHaveLength(0);
  });

  it('carries timeline reactions with their screen position and video time', async () => {
    const { host, guests, room } = await party('guest');
    const a = await connect(host, room.id);
    const b = await connect(guests[0] as SdkUser, room.id);
    const heard = until(a, 'reaction', (r) => r.emoji === '🎉');
    b.sendReaction('🎉', { x: 0.25, y: 1.5 });
    expect(await heard).toMatchObject({
      emoji: '🎉',
      x: 0.25,
      y: 1,
      user_id: (guests[0] as SdkUser).id,
      display_name: 'guest',
    });
  });
});

describe('playback through the SDK', () => {
  it('the host plays, seeks and pauses; the guest player follows', async () => {
    const { host, guests, room } = await party('guest');
    const a = await connect(host, room.id);
    const b = await connect(guests[0] as SdkUser, room.id);
    const player = new SimulatedPlayer();
    b.sync.attach(player);
    expect(a.canControl).toBe(true);
    expect(b.canControl).toBe(false);

    const played = await a.sync.play(10);
    expect(played.is_playing).toBe(true);
    expect(Date.parse(played.starts_at as string)).toBeGreaterThan(Date.parse(played.server_time as string));
    await until(
      b,
      'playback',
      (s) => s.version === played.version,
      () => b.playback,
    );
    await expect.poll(() => player.playing(), { timeout: 5_000 }).toBe(true);
    expect(Math.abs(player.position() - (b.sync.expectedPosition() as number))).toBeLessThan(0.05);

    const sought = await a.sync.seek(120);
    await until(
      b,
      'playback',
      (s) => s.version === sought.version,
      () => b.playback,
    );
    expect(Math.abs(player.position() - 120)).toBeLessThan(0.5);

    const paused = await a.sync.pause();
    await until(
      b,
      'playback',
      (s) => s.version === paused.version,
      () => b.playback,
    );
    expect(player.playing()).toBe(false);
    expect(player.position()).toBeCloseTo(Number(paused.position), 2);

    const refused = await b.sync.play().catch((e: unknown) => e);
    expect(isWatchroomError(refused, 'forbidden')).toBe(true);
  });

  it('a stale control loses with version_conflict and the engine takes the winner', async () => {
    const { host, guests, room } = await party('mod');
    const mod = guests[0] as SdkUser;
    await host.wr.rooms.setRole(room.id, mod.id, 'moderator');
    const a = await connect(host, room.id);
    const b = await connect(mod, room.id);
    await until(
      b,
      'members',
      (m) => m.some((x) => x.user_id === mod.id && x.role === 'moderator'),
      () => b.members(),
    );
    const [x, y] = await Promise.allSettled([a.sync.seek(30), b.sync.seek(60)]);
    const outcomes = [x.status, y.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const loser = (x.status === 'rejected' ? x : y) as PromiseRejectedResult;
    expect(isWatchroomError(loser.reason, 'version_conflict')).toBe(true);
    const winner = (x.status === 'fulfilled' ? x : y) as PromiseFulfilledResult<{ version: number }>;
    expect(a.playback?.version).toBe(winner.value.version);
    expect(b.playback?.version).toBe(winner.value.version);
  });
});
