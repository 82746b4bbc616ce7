/**
 * Comments (validation, idempotent retries, replies, edits, deletes), reactions, content
 * interactions with exact counters under concurrency, follows and notifications, profiles.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { client, closeSql, createRoom, join, must, signUp, sql, type User } from './world.ts';

afterAll(closeSql);

async function roomWith(count: number) {
  const host = await signUp('host');
  const room = await createRoom(host);
  const guests: User[] = [];
  for (let i = 0; i < count; i++) {
    const guest = await signUp(`guest${i}`);
    await join(guest, room);
    guests.push(guest);
  }
  return { host, room, guests };
}

async function publish(creator: User, fields: Record<string, unknown> = {}): Promise<string> {
  return (
    must(
      await creator.client
        .from('contents')
        .insert({ title: 'Clip', media_url: 'https://v.example/a.mp4', ...fields })
        .select('id')
        .single(),
    ) as { id: string }
  ).id;
}

async function counters(contentId: string) {
  const [row] = await sql()<{ likes_count: string; views_count: string; shares_count: string }[]>`
    select likes_count, views_count, shares_count from public.contents where id = ${contentId}`;
  return {
    likes: Number(row?.likes_count),
    views: Number(row?.views_count),
    shares: Number(row?.shares_count),
  };
}

describe('comments', () => {
  it('are trimmed and must hold 1 to 1000 characters', async () => {
    const { room, guests } = await roomWith(1);
    const [guest] = guests as [User];
    const post = (body: string) =>
      guest.client.from('comments').insert({ room_id: room.id, body }).select('body').single();
    expect((await post('  hello  ')).data).toEqual({ body: 'hello' });
    expect((await post('x'.repeat(1000))).error).toBeNull();
    for (const body of ['', '   ', 'y'.repeat(1001)]) {
      expect((await post(body)).error).toMatchObject({
        code: '23514',
        message: 'new row for relation "comments" violates check constraint "comments_body_length"',
      });
    }
  });

  it('a retried send with the same client id posts once', async () => {
    const { room, guests } = await roomWith(1);
    const [guest] = guests as [User];
    const clientId = randomUUID();
    const send = () =>
      guest.client.from('comments').insert({ room_id: room.id, body: 'once', client_id: clientId });
    expect((await send()).error).toBeNull();
    expect((await send()).error).toMatchObject({ code: '23505' });
    const [{ n } = { n: 0 }] = await sql()<{ n: number }[]>`
      select count(*)::int as n from public.comments where client_id = ${clientId}`;
    expect(n).toBe(1);
  });

  it('are stamped as the author, whatever the client claims', async () => {
    const { room, guests } = await roomWith(2);
    const [a, b] = guests as [User, User];
    const spoof = await a.client
      .from('comments')
      .insert({ room_id: room.id, body: 'me', author_id: b.id } as never);
    expect(spoof.error).toMatchObject({ code: '42501', message: 'permission denied for table comments' });
    const row = must(
      await a.client
        .from('comments')
        .insert({ room_id: room.id, body: 'me' })
        .select('author_id, kind')
        .single(),
    );
    expect(row).toEqual({ author_id: a.id, kind: 'user' });
  });

  it('replies stay within their room', async () => {
    const one = await roomWith(1);
    const two = await roomWith(0);
    const [guest] = one.guests as [User];
    const parent = must(
      await guest.client.from('comments').insert({ room_id: one.room.id, body: 'q' }).select('id').single(),
    ) as { id: string };
    expect(
      (await guest.client.from('comments').insert({ room_id: one.room.id, body: 'a', parent_id: parent.id }))
        .error,
    ).toBeNull();
    await join(guest, two.room);
    const stray = await guest.client
      .from('comments')
      .insert({ room_id: two.room.id, body: 'a', parent_id: parent.id });
    expect(stray.error).toMatchObject({ code: 'P0001', message: 'invalid_parent' });
  });

  it('edits stamp edited_at; deleting clears the text and ends editing', async () => {
    const { room, guests } = await roomWith(1);
    const [guest] = guests as [User];
    const { id } = must(
      await guest.client
        .from('comments')
        .insert({ room_id: room.id, body: 'draft', video_ts: 61.5 })
        .select('id')
        .single(),
    ) as { id: string };
    const edited = must(
      await guest.client
        .from('comments')
        .update({ body: 'final' })
        .eq('id', id)
        .select('body, edited_at, video_ts')
        .single(),
    ) as {
      body: string;
      edited_at: string | null;
      video_ts: number;
    };
    expect(edited).toMatchObject({ body: 'final', video_ts: 61.5 });
    expect(edited.edited_at).not.toBeNull();
    const deleted = must(
      await guest.client
        .from('comments')
        .update({ deleted_at: new Date().toISOString() })
        .eq('id', id)
        .select('body, deleted_at')
        .single(),
    ) as {
      body: string | null;
      deleted_at: string | null;
    };
    expect(deleted.body).toBeNull();
    expect(deleted.deleted_at).not.toBeNull();
    expect((await guest.client.from('comments').update({ body: 'undo' }).eq('id', id)).error).toMatchObject({
      code: 'P0001',
      message: 'comment_deleted',
    });
  });
});

describe('reactions', () => {
  it('one of each emoji per user per comment', async () => {
    const { room, guests } = await roomWith(1);
    const [guest] = guests as [User];
    const { id } = must(
      await guest.client.from('comments').insert({ room_id: room.id, body: 'react' }).select('id').single(),
    ) as { id: string };
    expect(
      (await guest.client.from('comment_reactions').insert({ comment_id: id, emoji: '🔥' })).error,
    ).toBeNull();
    expect(
      (await guest.client.from('comment_reactions').insert({ comment_id: id, emoji: '🔥' })).error,
    ).toMatchObject({ code: '23505' });
    expect(
      (await guest.client.from('comment_reactions').insert({ comment_id: id, emoji: '😂' })).error,
    ).toBeNull();
  });
});

describe('content interactions', () => {
  it('keep exact counters under concurrent likes and unlikes', async () => {
    const creator = await signUp('creator');
    const content = await publish(creator);
    const fans = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(`fan${i}`)));
    const likes = await Promise.all(
      fans.map((f) => f.client.from('content_likes').insert({ content_id: content })),
    );
    expect(likes.every((r) => r.error === null)).toBe(true);
    expect((await counters(content)).likes).toBe(20);
    await Promise.all(
      fans
        .slice(0, 10)
        .map((f) => f.client.from('content_likes').delete().eq('content_id', content).eq('user_id', f.id)),
    );
    expect((await counters(content)).likes).toBe(10);
    expect(
      (await (fans[11] as User).client.from('content_likes').insert({ content_id: content })).error,
    ).toMatchObject({ code: '23505' });
    expect((await counters(content)).likes).toBe(10);
  });

  it('count a view once per user per hour, and every share', async () => {
    const creator = await signUp('creator');
    const content = await publish(creator);
    const viewer = await signUp('viewer');
    expect((await viewer.client.from('content_views').insert({ content_id: content })).error).toBeNull();
    expect((await viewer.client.from('content_views').insert({ content_id: content })).error).toMatchObject({
      code: '23505',
    });
    for (const channel of ['link', 'room']) {
      expect(
        (await viewer.client.from('content_shares').insert({ content_id: content, channel })).error,
      ).toBeNull();
    }
    expect(await counters(content)).toEqual({ likes: 0, views: 1, shares: 2 });
  });

  it('record watch progress per user', async () => {
    const content = await publish(await signUp('creator'));
    const viewer = await signUp('viewer');
    must(
      await viewer.client.from('watch_progress').insert({ content_id: content, position: 10, duration: 100 }),
    );
    must(
      await viewer.client
        .from('watch_progress')
        .update({ position: 100, completed: true })
        .eq('content_id', content),
    );
    expect(
      must(
        await viewer.client.from('watch_progress').select('position, completed').eq('content_id', content),
      ),
    ).toEqual([{ position: 100, completed: true }]);
  });
});

describe('follows and notifications', () => {
  it('notify a user of new followers, and followers of new content and public rooms', async () => {
    const star = await signUp('star');
    const fan = await signUp('fan');
    must(await fan.client.from('follows').insert({ followee_id: star.id }));
    const content = await publish(star);
    await publish(star, { visibility: 'private' });
    const room = await createRoom(star, { visibility: 'public', name: 'Live' });
    await createRoom(star, { name: 'Secret' });
    const forFan = must(
      await fan.client
        .from('notifications')
        .select('kind, actor_id, content_id, room_id')
        .order('created_at'),
    ) as unknown[];
    expect(forFan).toEqual([
      { kind: 'new_content', actor_id: star.id, content_id: content, room_id: null },
      { kind: 'new_room', actor_id: star.id, content_id: null, room_id: room.id },
    ]);
    expect(must(await star.client.from('notifications').select('kind, actor_id'))).toEqual([
      { kind: 'new_follower', actor_id: fan.id },
    ]);
  });

  it('nobody follows themselves', async () => {
    const me = await signUp('me');
    expect((await me.client.from('follows').insert({ followee_id: me.id })).error).toMatchObject({
      code: '23514',
    });
  });
});

describe('profiles', () => {
  it('are created at sign-up from the metadata, and for guests too', async () => {
    const user = await signUp('Linus');
    expect(
      must(await user.client.from('profiles').select('display_name, status').eq('id', user.id).single()),
    ).toEqual({
      display_name: 'Linus',
      status: 'offline',
    });
    const guest = client();
    const { data } = await guest.auth.signInAnonymously();
    expect(
      must(
        await guest
          .from('profiles')
          .select('display_name')
          .eq('id', data.user?.id ?? '')
          .single(),
      ),
    ).toEqual({
      display_name: 'Guest',
    });
  });
});
