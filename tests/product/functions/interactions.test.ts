/**
 * The interactions function through supabase-js, with subscribers listening: likes, views
 * (deduplicated), shares and watch progress with the live counters; comments (validated,
 * idempotent by client id, rate-limited), edits and deletes, reactions; follows and the
 * notifications they bring.
 */
import { randomUUID } from 'node:crypto';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { Inbox } from '../../helpers/inbox.ts';
import { client, closeSql, must, signUp, sql, type User } from '../world.ts';
import { call, listen, ok, partyOf } from './api.ts';

afterAll(closeSql);

const users = (n: number, name = 'guest') =>
  Promise.all(Array.from({ length: n }, (_, i) => signUp(`${name}${i}`))) as Promise<User[]>;

async function publish(creator: User, fields: Record<string, unknown> = {}): Promise<string> {
  const row = must(
    await creator.client
      .from('contents')
      .insert({ title: 'Clip', media_url: 'https://v.example/a.mp4', ...fields })
      .select('id')
      .single(),
  ) as { id: string };
  return row.id;
}

/** A channel subscribed by `supabase` (a user's client or an anonymous one), with an inbox for `event`. */
async function subscribe(
  supabase: User['client'],
  topic: string,
  event: string,
  isPrivate: boolean,
): Promise<{ inbox: Inbox<Record<string, unknown>>; channel: RealtimeChannel }> {
  const inbox = new Inbox<Record<string, unknown>>();
  const channel = supabase.channel(topic, { config: { private: isPrivate } });
  channel.on('broadcast', { event }, (m) => inbox.push(m.payload as Record<string, unknown>));
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR') reject(error);
    }),
  );
  return { inbox, channel };
}

interface Counts {
  content_id: string;
  likes_count: number;
  views_count: number;
  shares_count: number;
}

describe('content interactions', () => {
  it('like and unlike, idempotently, with the counters live on content:<id>', async () => {
    const [creator, fan] = await users(2);
    const id = await publish(creator as User);
    const watcher = client();
    const { inbox, channel } = await subscribe(watcher, `content:${id}`, 'counters', false);
    try {
      const liked = await call<Counts & { liked: boolean }>(fan as User, 'interactions/like', {
        body: { content_id: id },
      });
      expect(liked).toMatchObject({
        status: 200,
        data: { content_id: id, liked: true, likes_count: 1, views_count: 0 },
      });
      expect(await ok(fan as User, 'interactions/like', { body: { content_id: id } })).toMatchObject({
        likes_count: 1,
      });
      expect(await inbox.next((c) => c.likes_count === 1)).toMatchObject({ content_id: id });
      const unliked = await ok(fan as User, `interactions/like/${id}`, { method: 'DELETE' });
      expect(unliked).toMatchObject({ liked: false, likes_count: 0 });
      expect(await inbox.next((c) => c.likes_count === 0)).toMatchObject({ content_id: id });
    } finally {
      await watcher.removeChannel(channel);
    }
  });

  it('views count once per user per hour; shares every time', async () => {
    const [creator, a, b] = await users(3);
    const id = await publish(creator as User);
    expect(await ok(a as User, 'interactions/view', { body: { content_id: id } })).toMatchObject({
      counted: true,
      views_count: 1,
    });
    expect(await ok(a as User, 'interactions/view', { body: { content_id: id } })).toMatchObject({
      counted: false,
      views_count: 1,
    });
    expect(await ok(b as User, 'interactions/view', { body: { content_id: id } })).toMatchObject({
      counted: true,
      views_count: 2,
    });
    await ok(a as User, 'interactions/share', { body: { content_id: id } });
    expect(
      await ok(a as User, 'interactions/share', { body: { content_id: id, channel: 'social' } }),
    ).toMatchObject({
      shared: true,
      shares_count: 2,
    });
    expect(
      await call(a as User, 'interactions/share', { body: { content_id: id, channel: 'fax' } }),
    ).toMatchObject({
      status: 400,
      error: { code: 'validation_failed', details: [{ path: 'channel' }] },
    });
  });

  it('content that does not exist or is private to someone else is content_not_found, counting nothing', async () => {
    const [creator, other] = await users(2);
    const hidden = await publish(creator as User, { visibility: 'private' });
    for (const id of [randomUUID(), hidden]) {
      for (const path of ['interactions/like', 'interactions/view', 'interactions/share']) {
        expect(await call(other as User, path, { body: { content_id: id } })).toMatchObject({
          status: 404,
          error: { code: 'content_not_found' },
        });
      }
    }
    const [row] =
      await sql()`select likes_count, views_count, shares_count from public.contents where id = ${hidden}`;
    expect(row).toEqual({ likes_count: '0', views_count: '0', shares_count: '0' });
    expect(await call(other as User, 'interactions/like', { body: { content_id: 'abc' } })).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
    expect(await call(client(), 'interactions/like', { body: { content_id: hidden } })).toMatchObject({
      status: 401,
      error: { code: 'unauthorized' },
    });
  });

  it('watch progress is one row per user and content, updated in place', async () => {
    const [creator, viewer] = await users(2);
    const id = await publish(creator as User);
    expect(
      await ok(viewer as User, 'interactions/progress', {
        body: { content_id: id, position: 12.5, duration: 300 },
      }),
    ).toMatchObject({
      content_id: id,
      user_id: (viewer as User).id,
      position: 12.5,
      duration: 300,
      completed: false,
    });
    await ok(viewer as User, 'interactions/progress', {
      body: { content_id: id, position: 300, duration: 300, completed: true },
    });
    const rows =
      await sql()`select position::float8 as position, completed from public.watch_progress where content_id = ${id}`;
    expect(rows).toEqual([{ position: 300, completed: true }]);
    expect(
      await call(viewer as User, 'interactions/progress', { body: { content_id: id, position: -3 } }),
    ).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
  });
});

describe('comments', () => {
  it('a member comments; a retry with the same client id returns the same comment; members hear it', async () => {
    const host = await signUp('host');
    const [a] = await users(1);
    const { id } = await partyOf(host, [a as User]);
    const events = await listen(host, id);
    try {
      const clientId = randomUUID();
      const first = await call<{ id: string; body: string; video_ts: number; author_id: string }>(
        a as User,
        'interactions/comments',
        {
          body: { room_id: id, body: '  what a scene ', video_ts: 61.25, client_id: clientId },
        },
      );
      expect(first.status).toBe(201);
      expect(first.data).toMatchObject({
        body: 'what a scene',
        video_ts: 61.25,
        author_id: (a as User).id,
        kind: 'user',
      });
      const retry = await call<{ id: string }>(a as User, 'interactions/comments', {
        body: { room_id: id, body: 'what a scene', client_id: clientId },
      });
      expect(retry).toMatchObject({ status: 200, data: { id: first.data.id } });
      const racing = await Promise.all(
        [1, 2, 3].map(() =>
          call<{ id: string }>(a as User, 'interactions/comments', {
            body: { room_id: id, body: 'same', client_id: randomUUID() },
          }),
        ),
      );
      expect(new Set(racing.map((r) => r.data.id)).size).toBe(3);
      const sameId = randomUUID();
      const retries = await Promise.all(
        [1, 2, 3].map(() =>
          call<{ id: string }>(a as User, 'interactions/comments', {
            body: { room_id: id, body: 'once', client_id: sameId },
          }),
        ),
      );
      expect(retries.map((r) => r.status).sort()).toEqual([200, 200, 201]);
      expect(new Set(retries.map((r) => r.data.id)).size).toBe(1);
      const heard = await events.broadcasts.next((m) => m.event === 'comment');
      expect(heard.payload).toMatchObject({
        operation: 'INSERT',
        record: { id: first.data.id, body: 'what a scene' },
      });
      const rows =
        await sql()`select count(*)::int as n from public.comments where room_id = ${id} and kind = 'user'`;
      expect(rows[0]?.n).toBe(5);
      const reply = await ok<{ parent_id: string }>(host, 'interactions/comments', {
        body: { room_id: id, body: 'right?', parent_id: first.data.id, client_id: randomUUID() },
      });
      expect(reply.parent_id).toBe(first.data.id);
    } finally {
      await events.close();
    }
  });

  it('strangers, banned users and bad input are refused, writing nothing', async () => {
    const host = await signUp('host');
    const [a, banned, stranger] = await users(3);
    const { id } = await partyOf(host, [a as User, banned as User]);
    const other = await partyOf(host, []);
    await ok(host, `rooms/${id}/ban`, { body: { user_id: (banned as User).id } });
    const post = (who: User, body: Record<string, unknown>) =>
      call(who, 'interactions/comments', {
        body: { room_id: id, body: 'hi', client_id: randomUUID(), ...body },
      });
    expect(await post(stranger as User, {})).toMatchObject({ status: 403, error: { code: 'not_a_member' } });
    expect(await post(banned as User, {})).toMatchObject({ status: 403, error: { code: 'not_a_member' } });
    for (const bad of [
      { body: '   ' },
      { body: 'x'.repeat(1001) },
      { video_ts: -1 },
      { client_id: 'retry-1' },
      { room_id: 'r' },
    ]) {
      expect(await post(a as User, bad)).toMatchObject({ status: 400, error: { code: 'validation_failed' } });
    }
    const elsewhere = await ok<{ id: string }>(host, 'interactions/comments', {
      body: { room_id: other.id, body: 'other room', client_id: randomUUID() },
    });
    expect(await post(a as User, { parent_id: elsewhere.id })).toMatchObject({
      status: 400,
      error: { code: 'invalid_parent' },
    });
    const rows =
      await sql()`select count(*)::int as n from public.comments where room_id = ${id} and kind = 'user'`;
    expect(rows[0]?.n).toBe(0);
  });

  it('the author edits and deletes; moderators delete but do not edit; others cannot touch it', async () => {
    const host = await signUp('host');
    const [author, other] = await users(2);
    const { id } = await partyOf(host, [author as User, other as User]);
    const posted = await ok<{ id: string }>(author as User, 'interactions/comments', {
      body: { room_id: id, body: 'frist', client_id: randomUUID() },
    });
    const edited = await ok<{ body: string; edited_at: string | null }>(
      author as User,
      `interactions/comments/${posted.id}`,
      {
        method: 'PATCH',
        body: { body: 'first' },
      },
    );
    expect(edited.body).toBe('first');
    expect(edited.edited_at).not.toBeNull();
    expect(
      await call(other as User, `interactions/comments/${posted.id}`, {
        method: 'PATCH',
        body: { body: 'mine' },
      }),
    ).toMatchObject({
      status: 404,
      error: { code: 'comment_not_found' },
    });
    expect(
      await call(host, `interactions/comments/${posted.id}`, { method: 'PATCH', body: { body: 'hosted' } }),
    ).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    expect(
      await call(other as User, `interactions/comments/${posted.id}`, { method: 'DELETE' }),
    ).toMatchObject({
      status: 404,
      error: { code: 'comment_not_found' },
    });
    const removed = await ok<{ body: string | null; deleted_at: string | null }>(
      host,
      `interactions/comments/${posted.id}`,
      {
        method: 'DELETE',
      },
    );
    expect(removed).toMatchObject({ body: null });
    expect(removed.deleted_at).not.toBeNull();
    expect(
      await call(author as User, `interactions/comments/${posted.id}`, {
        method: 'PATCH',
        body: { body: 'back' },
      }),
    ).toMatchObject({
      status: 409,
      error: { code: 'comment_deleted' },
    });
    expect(
      await call(author as User, `interactions/comments/${randomUUID()}`, { method: 'DELETE' }),
    ).toMatchObject({
      status: 404,
      error: { code: 'comment_not_found' },
    });
  });

  it('posting is rate-limited per user and recovers when the window passes', async () => {
    const host = await signUp('host');
    const [a] = await users(1);
    const { id } = await partyOf(host, [a as User]);
    const post = (who: User) =>
      call(who, 'interactions/comments', { body: { room_id: id, body: 'spam', client_id: randomUUID() } });
    for (let i = 0; i < 10; i++) expect((await post(a as User)).status).toBe(201);
    const limited = await post(a as User);
    expect(limited).toMatchObject({ status: 429, error: { code: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(host)).status).toBe(201);
    const rows =
      await sql()`select count(*)::int as n from public.comments where room_id = ${id} and author_id = ${(a as User).id} and kind = 'user'`;
    expect(rows[0]?.n).toBe(10);
    await sql()`update private.rate_limit_hits set at = at - interval '1 hour' where user_id = ${(a as User).id}`;
    expect((await post(a as User)).status).toBe(201);
  });
});

describe('reactions', () => {
  it('members react once per emoji and take it back; members hear the counts; strangers cannot', async () => {
    const host = await signUp('host');
    const [a, stranger] = await users(2);
    const { id } = await partyOf(host, [a as User]);
    const posted = await ok<{ id: string }>(host, 'interactions/comments', {
      body: { room_id: id, body: 'react', client_id: randomUUID() },
    });
    const events = await listen(host, id);
    try {
      const path = `interactions/comments/${posted.id}/reactions`;
      expect(await ok(a as User, path, { body: { emoji: '🔥' } })).toEqual({
        comment_id: posted.id,
        reactions: { '🔥': 1 },
      });
      expect(await ok(a as User, path, { body: { emoji: '🔥' } })).toEqual({
        comment_id: posted.id,
        reactions: { '🔥': 1 },
      });
      expect(await ok(host, path, { body: { emoji: '🔥' } })).toEqual({
        comment_id: posted.id,
        reactions: { '🔥': 2 },
      });
      const heard = await events.broadcasts.next(
        (m) =>
          m.event === 'reactions' &&
          (m.payload as { reactions: Record<string, number> }).reactions['🔥'] === 2,
      );
      expect(heard.payload).toMatchObject({ comment_id: posted.id });
      expect(await ok(a as User, `${path}/${encodeURIComponent('🔥')}`, { method: 'DELETE' })).toEqual({
        comment_id: posted.id,
        reactions: { '🔥': 1 },
      });
      expect(await call(stranger as User, path, { body: { emoji: '👍' } })).toMatchObject({
        status: 403,
        error: { code: 'not_a_member' },
      });
      expect(await call(a as User, path, { body: { emoji: 'two words' } })).toMatchObject({
        status: 400,
        error: { code: 'validation_failed' },
      });
      expect(
        await call(a as User, `interactions/comments/${randomUUID()}/reactions`, { body: { emoji: '👍' } }),
      ).toMatchObject({
        status: 404,
        error: { code: 'comment_not_found' },
      });
    } finally {
      await events.close();
    }
  });
});

describe('follows', () => {
  it('followers hear of new public content and rooms; unfollowing stops it', async () => {
    const [star, fan] = (await users(2)) as [User, User];
    await fan.client.realtime.setAuth(fan.token);
    const { inbox, channel } = await subscribe(fan.client, `user:${fan.id}`, 'notification', true);
    try {
      expect(await ok(fan, 'interactions/follow', { body: { user_id: star.id } })).toEqual({
        following: true,
        user_id: star.id,
      });
      expect(await ok(fan, 'interactions/follow', { body: { user_id: star.id } })).toEqual({
        following: true,
        user_id: star.id,
      });
      const contentId = await publish(star);
      expect(await inbox.next((n) => n.kind === 'new_content')).toMatchObject({
        user_id: fan.id,
        actor_id: star.id,
        content_id: contentId,
      });
      const room = await partyOf(star, [], { visibility: 'public' });
      expect(await inbox.next((n) => n.kind === 'new_room')).toMatchObject({ room_id: room.id });
      expect(await ok(fan, `interactions/follow/${star.id}`, { method: 'DELETE' })).toEqual({
        following: false,
        user_id: star.id,
      });
      await publish(star);
      const rows =
        await sql()`select kind from public.notifications where user_id = ${fan.id} order by created_at`;
      expect(rows.map((r) => r.kind)).toEqual(['new_content', 'new_room']);
      const starRows =
        await sql()`select kind, actor_id from public.notifications where user_id = ${star.id}`;
      expect(starRows).toEqual([{ kind: 'new_follower', actor_id: fan.id }]);
    } finally {
      await fan.client.removeChannel(channel);
    }
    expect(await call(fan, 'interactions/follow', { body: { user_id: fan.id } })).toMatchObject({
      status: 400,
      error: { code: 'validation_failed', message: 'You cannot follow yourself' },
    });
    expect(await call(fan, 'interactions/follow', { body: { user_id: randomUUID() } })).toMatchObject({
      status: 404,
      error: { code: 'user_not_found' },
    });
  });
});
