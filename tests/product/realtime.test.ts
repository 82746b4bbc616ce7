/**
 * The product's realtime wiring: the private channel `room:<id>` is for members only; members
 * get comments by postgres_changes and by the broadcast triggers, member and counter changes,
 * and may use broadcast and presence; strangers get nothing; notifications reach `user:<id>`;
 * content counters are public on `content:<id>`.
 */
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Inbox } from '../helpers/inbox.ts';
import { client, closeSql, createRoom, join, must, signUp, type User } from './world.ts';

const channels: { user: User; channel: RealtimeChannel }[] = [];
afterEach(async () => {
  for (const { user, channel } of channels.splice(0)) await user.client.removeChannel(channel);
});
afterAll(closeSql);

/** A channel of `user`, registered with listeners by `setup`, subscribed; resolves with the error if refused. */
async function open(
  user: User,
  topic: string,
  setup: (channel: RealtimeChannel) => void = () => undefined,
  config: Record<string, unknown> = { private: true },
): Promise<{ channel: RealtimeChannel; error?: string }> {
  await user.client.realtime.setAuth(user.token);
  const channel = user.client.channel(topic, { config });
  setup(channel);
  channels.push({ user, channel });
  return new Promise((resolve) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve({ channel });
      else if (status === 'CHANNEL_ERROR') resolve({ channel, error: error?.message });
    });
  });
}

type Change = RealtimePostgresChangesPayload<{ id: string; body: string | null; room_id: string }>;

function commentChanges(
  channel: RealtimeChannel,
  roomIds: string[],
): { inbox: Inbox<Change>; ready: Promise<void> } {
  const inbox = new Inbox<Change>();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  for (const roomId of roomIds) {
    channel.on(
      'postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'comments', filter: `room_id=eq.${roomId}` },
      (c) => inbox.push(c as Change),
    );
  }
  channel.on('system', {}, (m: { extension?: string; status?: string }) => {
    if (m.extension === 'postgres_changes' && m.status === 'ok') resolveReady();
  });
  return { inbox, ready };
}

describe('room channels', () => {
  it('refuse strangers and banned members, admit members', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const [stranger, banned, member] = [
      await signUp('stranger'),
      await signUp('banned'),
      await signUp('member'),
    ];
    await join(banned, room);
    await join(member, room);
    must(await host.client.rpc('ban_member', { room_id: room.id, user_id: banned.id }));
    const refused = `Unauthorized: You do not have permissions to read from this Channel topic: room:${room.id}`;
    expect((await open(stranger, `room:${room.id}`)).error).toBe(refused);
    expect((await open(banned, `room:${room.id}`)).error).toBe(refused);
    expect((await open(member, `room:${room.id}`)).error).toBeUndefined();
  });

  it('members get new comments by postgres_changes and by broadcast; strangers get neither', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const member = await signUp('member');
    await join(member, room);
    const stranger = await signUp('stranger');
    const strangersRoom = await createRoom(stranger);

    const broadcastInbox = new Inbox<{
      event: string;
      payload: { operation: string; record: { body: string } };
    }>();
    let changes: ReturnType<typeof commentChanges> | undefined;
    await open(member, `room:${room.id}`, (channel) => {
      changes = commentChanges(channel, [room.id]);
      channel.on('broadcast', { event: 'comment' }, (m) => broadcastInbox.push(m as never));
    });
    await changes?.ready;
    // The stranger listens to both rooms on one channel: changes of one channel arrive in commit
    // order, so once their own room's comment arrives, the other one would have too.
    let strangerChanges: ReturnType<typeof commentChanges> | undefined;
    await open(
      stranger,
      `watch-${room.id}`,
      (channel) => {
        strangerChanges = commentChanges(channel, [room.id, strangersRoom.id]);
      },
      {},
    );
    await strangerChanges?.ready;

    must(await host.client.from('comments').insert({ room_id: room.id, body: 'for members' }));
    must(await stranger.client.from('comments').insert({ room_id: strangersRoom.id, body: 'for me' }));

    const change = await (changes as { inbox: Inbox<Change> }).inbox.next(
      (c) => (c.new as { body?: string }).body === 'for members',
    );
    expect(change.new).toMatchObject({ room_id: room.id, kind: 'user' });
    const broadcast = await broadcastInbox.next((m) => m.payload.record.body === 'for members');
    expect(broadcast.payload.operation).toBe('INSERT');
    const own = await (strangerChanges as { inbox: Inbox<Change> }).inbox.next(
      (c) => (c.new as { body?: string }).body === 'for me',
    );
    expect(own.new).toMatchObject({ room_id: strangersRoom.id });
    expect(
      (strangerChanges as { inbox: Inbox<Change> }).inbox.items.map((c) => (c.new as { body: string }).body),
    ).toEqual(['for me']);
  });

  it('members see membership and member-count changes, and talk over broadcast and presence', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const member = await signUp('member');
    await join(member, room);
    const memberEvents = new Inbox<{ payload: { operation: string; record: { user_id: string } | null } }>();
    const counters = new Inbox<{ payload: { member_count: number } }>();
    const chat = new Inbox<{ payload: { text: string } }>();
    const joins = new Inbox<string>();
    await open(
      host,
      `room:${room.id}`,
      (channel) => {
        channel.on('broadcast', { event: 'member' }, (m) => memberEvents.push(m as never));
        channel.on('broadcast', { event: 'counters' }, (m) => counters.push(m as never));
        channel.on('broadcast', { event: 'typing' }, (m) => chat.push(m as never));
        channel.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
      },
      { private: true, presence: { key: host.id } },
    );
    const late = await signUp('late');
    await join(late, room);
    expect((await memberEvents.next((m) => m.payload.record?.user_id === late.id)).payload.operation).toBe(
      'INSERT',
    );
    expect((await counters.next((m) => m.payload.member_count === 3)).payload.member_count).toBe(3);

    const { channel } = await open(member, `room:${room.id}`, () => undefined, {
      private: true,
      presence: { key: member.id },
      broadcast: { ack: true },
    });
    expect(await channel.send({ type: 'broadcast', event: 'typing', payload: { text: 'hi' } })).toBe('ok');
    expect((await chat.next()).payload).toEqual({ text: 'hi' });
    expect(await channel.track({ status: 'watching' })).toBe('ok');
    expect(await joins.next((key) => key === member.id)).toBe(member.id);
  });
});

describe('user channels and public counters', () => {
  it('deliver notifications to their user only', async () => {
    const star = await signUp('star');
    const fan = await signUp('fan');
    must(await fan.client.from('follows').insert({ followee_id: star.id }));
    const notes = new Inbox<{ payload: { kind: string; actor_id: string } }>();
    await open(fan, `user:${fan.id}`, (channel) =>
      channel.on('broadcast', { event: 'notification' }, (m) => notes.push(m as never)),
    );
    expect((await open(star, `user:${fan.id}`)).error).toMatch(/^Unauthorized/);
    must(await star.client.from('contents').insert({ title: 'New', media_url: 'https://v.example/n.mp4' }));
    expect((await notes.next()).payload).toMatchObject({ kind: 'new_content', actor_id: star.id });
  });

  it('content counters are broadcast publicly on content:<id>', async () => {
    const creator = await signUp('creator');
    const { id } = must(
      await creator.client
        .from('contents')
        .insert({ title: 'Hit', media_url: 'https://v.example/h.mp4' })
        .select('id')
        .single(),
    ) as { id: string };
    const anonymous = { id: '', client: client(), token: creator.token, name: 'anon' } as User;
    const counts = new Inbox<{ payload: { likes_count: number } }>();
    await anonymous.client.realtime.setAuth(null);
    const channel = anonymous.client.channel(`content:${id}`);
    channel.on('broadcast', { event: 'counters' }, (m) => counts.push(m as never));
    channels.push({ user: anonymous, channel });
    await new Promise<void>((resolve) => channel.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
    const fan = await signUp('fan');
    must(await fan.client.from('content_likes').insert({ content_id: id }));
    expect((await counts.next()).payload).toMatchObject({ likes_count: 1 });
  });
});
