import { describe, expect, it } from 'vitest';
import { type ConnectionStatus, SimulatedPlayer } from '../../../clients/src/index.ts';
import { connectionsPerTest, gatedTransport, sdkUser, until } from './sdk.ts';

const { connect } = connectionsPerTest();

describe('after a dropped connection', () => {
  it('rejoins and catches up: missed comments, edits, deletes and playback; nothing lost, nothing twice', async () => {
    const network = gatedTransport();
    const host = await sdkUser('host');
    const guest = await sdkUser('guest', {
      transport: network.transport,
      connect: { rejoinBackoffMs: [100] },
    });
    const { room, invite_code } = await host.wr.rooms.create({ name: 'Flaky' });
    await guest.wr.rooms.join(invite_code);
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    const player = new SimulatedPlayer();
    b.sync.attach(player);
    const statuses: ConnectionStatus[] = [];
    b.on('status', (s) => statuses.push(s));

    const early = await a.comments.send('before the drop');
    const doomed = await a.comments.send('to be deleted');
    await until(b, 'comments', (items) => items.some((i) => i.id === doomed.id));

    network.cut();
    await until(b, 'status', (s) => s === 'reconnecting');
    // Meanwhile, the conversation goes on without the guest.
    const missed: { id: string | undefined }[] = [];
    for (const body of ['missed 1', 'missed 2', 'missed 3']) missed.push(await a.comments.send(body));
    await a.comments.edit(early.id as string, 'before the drop (edited)');
    await a.comments.remove(doomed.id as string);
    const played = await a.sync.play(42);
    expect(b.comments.items().some((i) => i.id === missed[0]?.id)).toBe(false);

    const resynced = until(b, 'resynced', () => true);
    network.restore();
    expect((await resynced).comments).toBeGreaterThanOrEqual(3);
    expect(b.status).toBe('connected');
    expect(statuses).toEqual(expect.arrayContaining(['reconnecting', 'connected']));

    const items = b.comments.items().filter((i) => i.kind === 'user');
    expect(items.map((i) => i.body)).toEqual([
      'before the drop (edited)',
      null,
      'missed 1',
      'missed 2',
      'missed 3',
    ]);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items[1]?.deleted_at).not.toBeNull();
    expect(b.playback?.version).toBe(played.version);
    await expect.poll(() => player.playing(), { timeout: 5_000 }).toBe(true);

    // And live again: the next comment arrives as it happens, once.
    const after = await a.comments.send('after');
    await until(b, 'comments', (list) => list.some((i) => i.id === after.id));
    expect(b.comments.items().filter((i) => i.body === 'after')).toHaveLength(1);
  });

  it('carries a refreshed token to Realtime and keeps the room live', async () => {
    const host = await sdkUser('host');
    const guest = await sdkUser('guest');
    const { room, invite_code } = await host.wr.rooms.create({ name: 'Long night' });
    await guest.wr.rooms.join(invite_code);
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    // Tokens carry their issue time in seconds: refresh until one is actually new.
    let fresh = guest.token;
    await expect
      .poll(
        async () => {
          const { data, error } = await guest.client.auth.refreshSession();
          if (error) throw error;
          fresh = data.session?.access_token as string;
          return fresh !== guest.token;
        },
        { timeout: 5_000, interval: 200 },
      )
      .toBe(true);
    await expect
      .poll(() => (guest.client.realtime as unknown as { accessTokenValue: string | null }).accessTokenValue)
      .toBe(fresh);
    const sent = await a.comments.send('still here?');
    await until(b, 'comments', (items) => items.some((i) => i.id === sent.id));
    const reply = await b.comments.send('yes');
    await until(a, 'comments', (items) => items.some((i) => i.id === reply.id));
  });

  it('tells a banned member, and the room ending tells everyone', async () => {
    const host = await sdkUser('host');
    const guest = await sdkUser('guest');
    const { room, invite_code } = await host.wr.rooms.create({ name: 'Strict' });
    await guest.wr.rooms.join(invite_code);
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    const banned = until(b, 'removed', () => true);
    await host.wr.rooms.ban(room.id, guest.id);
    expect(await banned).toEqual({ reason: 'banned' });
    const ended = until(a, 'removed', () => true);
    await host.wr.rooms.end(room.id);
    expect(await ended).toEqual({ reason: 'ended' });
  });
});
