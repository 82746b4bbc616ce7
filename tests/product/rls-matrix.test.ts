/**
 * The RLS matrix (issue 6): every table × {anonymous, stranger, member, moderator, host, banned,
 * service_role} × {select, insert, update, delete}, through supabase-js against the product's
 * schema, with the exact errors PostgREST answers. A row is an operation; a cell what it gives.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, type Actor, closeSql, must, service, signUp, type World, world } from './world.ts';

type Outcome = { rows: number | 'some' } | { error: { code: string; message: string } };

const rows = (n: number | 'some'): Outcome => ({ rows: n });
const denied = (table: string, kind = 'table'): Outcome => ({
  error: { code: '42501', message: `permission denied for ${kind} ${table}` },
});
const rls = (table: string): Outcome => ({
  error: { code: '42501', message: `new row violates row-level security policy for table "${table}"` },
});
const forbidden: Outcome = { error: { code: '42501', message: 'forbidden' } };

/** Outcomes in ACTORS order: anonymous, stranger, member, moderator, host, banned, service_role. */
const each = (...outcomes: Outcome[]): Record<Actor, Outcome> =>
  Object.fromEntries(ACTORS.map((actor, i) => [actor, outcomes[i] as Outcome])) as Record<Actor, Outcome>;

interface Context {
  readonly w: World;
  readonly actor: Actor;
  /** Whatever the case prepared for this actor (fresh targets for writes). */
  readonly target: Record<string, string>;
}

interface Case {
  readonly name: string;
  prepare?(w: World, actor: Actor): Promise<Record<string, string>>;
  run(client: SupabaseClient, ctx: Context): PromiseLike<{ data: unknown; error: unknown }>;
  readonly expect: Record<Actor, Outcome>;
}

let w: World;
let publicContent: string;
let privateContent: string;
let comment: string;
/** Someone outside the room whose interactions the actors must not see. */
let viewer: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  w = await world();
  viewer = await signUp('viewer');
  const { host, member } = w.users;
  comment = (
    must(
      await member.client
        .from('comments')
        .insert({ room_id: w.room.id, body: 'hello', video_ts: 12.5 })
        .select('id')
        .single(),
    ) as { id: string }
  ).id;
  must(await member.client.from('comment_reactions').insert({ comment_id: comment, emoji: '👍' }));
  publicContent = (
    must(
      await host.client
        .from('contents')
        .insert({ title: 'Public', media_url: 'https://v.example/1.mp4' })
        .select('id')
        .single(),
    ) as { id: string }
  ).id;
  privateContent = (
    must(
      await host.client
        .from('contents')
        .insert({ title: 'Private', media_url: 'https://v.example/2.mp4', visibility: 'private' })
        .select('id')
        .single(),
    ) as { id: string }
  ).id;
  must(await member.client.from('content_likes').insert({ content_id: publicContent }));
  must(await member.client.from('follows').insert({ followee_id: host.id }));
  must(await host.client.from('rooms').insert({ name: 'Open house', visibility: 'public' }));
});
afterAll(closeSql);

const userOf = (ctx: Context) =>
  ctx.actor === 'anonymous' || ctx.actor === 'service_role' ? undefined : ctx.w.users[ctx.actor];

/** A fresh comment by the member, for cases that change or remove one. */
async function memberComment(): Promise<Record<string, string>> {
  const row = must(
    await w.users.member.client
      .from('comments')
      .insert({ room_id: w.room.id, body: 'target' })
      .select('id')
      .single(),
  ) as { id: string };
  return { comment: row.id };
}

async function hostContent(): Promise<Record<string, string>> {
  const row = must(
    await w.users.host.client
      .from('contents')
      .insert({ title: 'Target', media_url: 'https://v.example/t.mp4' })
      .select('id')
      .single(),
  ) as { id: string };
  return { content: row.id };
}

const CASES: Record<string, Case[]> = {
  profiles: [
    {
      name: 'select a profile',
      run: (c) => c.from('profiles').select('id').eq('id', w.users.host.id),
      expect: each(denied('profiles'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'insert a profile',
      run: (c) => c.from('profiles').insert({ id: randomUUID(), display_name: 'Nobody' }).select('id'),
      expect: each(
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        {
          error: {
            code: '23503',
            message:
              'insert or update on table "profiles" violates foreign key constraint "profiles_id_fkey"',
          },
        },
      ),
    },
    {
      name: 'update your own profile',
      run: (c, ctx) =>
        c
          .from('profiles')
          .update({ status: 'busy' })
          .eq('id', userOf(ctx)?.id ?? w.users.host.id)
          .select('id'),
      expect: each(denied('profiles'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "update the host's profile",
      run: (c) =>
        c.from('profiles').update({ display_name: 'Renamed host' }).eq('id', w.users.host.id).select('id'),
      expect: each(denied('profiles'), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
    {
      name: 'delete a profile',
      prepare: async () => ({ user: (await signUp('doomed')).id }),
      run: (c, ctx) =>
        c
          .from('profiles')
          .delete()
          .eq('id', ctx.target.user as string)
          .select('id'),
      expect: each(
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        rows(1),
      ),
    },
  ],
  rooms: [
    {
      name: 'select the private room',
      run: (c) => c.from('rooms').select('id').eq('id', w.room.id),
      expect: each(denied('rooms'), rows(0), rows(1), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'create a room',
      run: (c) => c.from('rooms').insert({ name: 'Mine' }).select('id'),
      expect: each(denied('rooms'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'change room settings',
      run: (c) => c.from('rooms').update({ name: 'Renamed' }).eq('id', w.room.id).select('id'),
      expect: each(denied('rooms'), rows(0), rows(0), forbidden, rows(1), rows(0), rows(1)),
    },
    {
      name: 'control playback (host-only mode)',
      run: (c) => c.from('rooms').update({ position: 42 }).eq('id', w.room.id).select('id'),
      expect: each(denied('rooms'), rows(0), rows(0), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'take over as host',
      run: (c, ctx) =>
        c
          .from('rooms')
          .update({ host_id: userOf(ctx)?.id ?? w.users.host.id })
          .eq('id', w.room.id)
          .select('id'),
      expect: each(
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        rows(1),
      ),
    },
    {
      name: 'delete a room',
      prepare: async () => ({
        room: (
          (await w.users.stranger.client.from('rooms').insert({ name: 'Doomed' }).select('id').single())
            .data as { id: string }
        ).id,
      }),
      run: (c, ctx) =>
        c
          .from('rooms')
          .delete()
          .eq('id', ctx.target.room as string)
          .select('id'),
      expect: each(
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        rows(1),
      ),
    },
  ],
  room_members: [
    {
      name: "select the room's members",
      run: (c) => c.from('room_members').select('user_id').eq('room_id', w.room.id),
      expect: each(denied('room_members'), rows(0), rows(4), rows(4), rows(4), rows(1), rows(4)),
    },
    {
      name: 'insert a membership directly',
      prepare: async () => ({ user: (await signUp('sneaky')).id }),
      run: (c, ctx) =>
        c.from('room_members').insert({ room_id: w.room.id, user_id: ctx.target.user }).select('user_id'),
      expect: each(
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        rows(1),
      ),
    },
    {
      name: 'update your own presence bookkeeping',
      run: (c, ctx) =>
        c
          .from('room_members')
          .update({ sync_state: 'ready', last_seen_at: new Date().toISOString() })
          .eq('room_id', w.room.id)
          .eq('user_id', userOf(ctx)?.id ?? w.users.member.id)
          .select('user_id'),
      expect: each(denied('room_members'), rows(0), rows(1), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'promote yourself',
      run: (c, ctx) =>
        c
          .from('room_members')
          .update({ role: 'moderator' })
          .eq('room_id', w.room.id)
          .eq('user_id', userOf(ctx)?.id ?? w.users.member.id)
          .select('user_id'),
      expect: each(
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        rows(1),
      ),
    },
  ],
  comments: [
    {
      name: "select the room's comments",
      run: (c) => c.from('comments').select('id').eq('room_id', w.room.id),
      expect: each(
        denied('comments'),
        rows(0),
        rows('some'),
        rows('some'),
        rows('some'),
        rows(0),
        rows('some'),
      ),
    },
    {
      name: 'post a comment',
      run: (c, ctx) =>
        c
          .from('comments')
          .insert({
            room_id: w.room.id,
            body: 'hi',
            ...(ctx.actor === 'service_role' ? { author_id: w.users.member.id } : {}),
          })
          .select('id'),
      expect: each(denied('comments'), rls('comments'), rows(1), rows(1), rows(1), rls('comments'), rows(1)),
    },
    {
      name: "edit the member's comment",
      prepare: memberComment,
      run: (c, ctx) =>
        c
          .from('comments')
          .update({ body: 'edited' })
          .eq('id', ctx.target.comment as string)
          .select('id'),
      expect: each(denied('comments'), rows(0), rows(1), forbidden, forbidden, rows(0), rows(1)),
    },
    {
      name: "soft-delete the member's comment",
      prepare: memberComment,
      run: (c, ctx) =>
        c
          .from('comments')
          .update({ deleted_at: new Date().toISOString() })
          .eq('id', ctx.target.comment as string)
          .select('id'),
      expect: each(denied('comments'), rows(0), rows(1), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'hard-delete a comment',
      prepare: memberComment,
      run: (c, ctx) =>
        c
          .from('comments')
          .delete()
          .eq('id', ctx.target.comment as string)
          .select('id'),
      expect: each(
        denied('comments'),
        denied('comments'),
        denied('comments'),
        denied('comments'),
        denied('comments'),
        denied('comments'),
        rows(1),
      ),
    },
  ],
  comment_reactions: [
    {
      name: 'select reactions',
      run: (c) => c.from('comment_reactions').select('emoji').eq('comment_id', comment),
      expect: each(
        denied('comment_reactions'),
        rows(0),
        rows('some'),
        rows('some'),
        rows('some'),
        rows(0),
        rows('some'),
      ),
    },
    {
      name: 'react to a comment',
      run: (c, ctx) =>
        c
          .from('comment_reactions')
          .insert({
            comment_id: comment,
            emoji: `e${ACTORS.indexOf(ctx.actor)}`,
            ...(ctx.actor === 'service_role' ? { user_id: w.users.host.id } : {}),
          })
          .select('emoji'),
      expect: each(
        denied('comment_reactions'),
        rls('comment_reactions'),
        rows(1),
        rows(1),
        rows(1),
        rls('comment_reactions'),
        rows(1),
      ),
    },
    {
      name: 'change a reaction',
      run: (c) =>
        c
          .from('comment_reactions')
          .update({ emoji: '🎉' })
          .eq('comment_id', comment)
          .eq('emoji', '👍')
          .select('emoji'),
      expect: each(
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        rows(1),
      ),
    },
    {
      name: "take back the member's reaction",
      prepare: async (_w, actor) => {
        const emoji = `x${ACTORS.indexOf(actor)}`;
        must(await w.users.member.client.from('comment_reactions').insert({ comment_id: comment, emoji }));
        return { emoji };
      },
      run: (c, ctx) =>
        c
          .from('comment_reactions')
          .delete()
          .eq('comment_id', comment)
          .eq('emoji', ctx.target.emoji as string)
          .select('emoji'),
      expect: each(denied('comment_reactions'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
  contents: [
    {
      name: 'select public content',
      run: (c) => c.from('contents').select('id').eq('id', publicContent),
      expect: each(rows(1), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "select the host's private content",
      run: (c) => c.from('contents').select('id').eq('id', privateContent),
      expect: each(rows(0), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
    {
      name: 'publish content',
      run: (c, ctx) =>
        c
          .from('contents')
          .insert({
            title: 'Clip',
            media_url: 'https://v.example/c.mp4',
            ...(ctx.actor === 'service_role' ? { creator_id: w.users.host.id } : {}),
          })
          .select('id'),
      expect: each(denied('contents'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "edit the host's content",
      run: (c) => c.from('contents').update({ title: 'Retitled' }).eq('id', publicContent).select('id'),
      expect: each(denied('contents'), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
    {
      name: 'inflate a counter',
      run: (c) => c.from('contents').update({ likes_count: 1_000_000 }).eq('id', publicContent).select('id'),
      expect: each(
        denied('contents'),
        denied('contents'),
        denied('contents'),
        denied('contents'),
        denied('contents'),
        denied('contents'),
        rows(1),
      ),
    },
    {
      name: "delete the host's content",
      prepare: hostContent,
      run: (c, ctx) =>
        c
          .from('contents')
          .delete()
          .eq('id', ctx.target.content as string)
          .select('id'),
      expect: each(denied('contents'), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
  ],
  content_likes: [
    {
      name: 'select likes',
      run: (c) => c.from('content_likes').select('user_id').eq('content_id', publicContent),
      expect: each(
        denied('content_likes'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
      ),
    },
    {
      name: 'like public content',
      prepare: hostContent,
      run: (c, ctx) =>
        c
          .from('content_likes')
          .insert({
            content_id: ctx.target.content,
            ...(ctx.actor === 'service_role' ? { user_id: w.users.stranger.id } : {}),
          })
          .select('user_id'),
      expect: each(denied('content_likes'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'like private content',
      run: (c, ctx) =>
        c
          .from('content_likes')
          .insert({
            content_id: privateContent,
            ...(ctx.actor === 'service_role' ? { user_id: w.users.stranger.id } : {}),
          })
          .select('user_id'),
      expect: each(
        denied('content_likes'),
        rls('content_likes'),
        rls('content_likes'),
        rls('content_likes'),
        rows(1),
        rls('content_likes'),
        rows(1),
      ),
    },
    {
      name: "take back the member's like",
      prepare: async () => {
        const target = await hostContent();
        must(await w.users.member.client.from('content_likes').insert({ content_id: target.content }));
        return target;
      },
      run: (c, ctx) =>
        c
          .from('content_likes')
          .delete()
          .eq('content_id', ctx.target.content as string)
          .select('user_id'),
      expect: each(denied('content_likes'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
  content_views: [
    {
      name: 'record a view, and read only your own',
      prepare: async () => {
        const target = await hostContent();
        must(await viewer.client.from('content_views').insert({ content_id: target.content }));
        return target;
      },
      run: async (c, ctx) => {
        const own = ctx.actor === 'service_role' ? { user_id: w.users.member.id } : {};
        const insert = await c.from('content_views').insert({ content_id: ctx.target.content, ...own });
        if (insert.error) return insert;
        return c
          .from('content_views')
          .select('user_id')
          .eq('content_id', ctx.target.content as string);
      },
      expect: each(denied('content_views'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(2)),
    },
    {
      name: 'change a view',
      run: (c) =>
        c
          .from('content_views')
          .update({ content_id: privateContent })
          .eq('content_id', publicContent)
          .select('user_id'),
      expect: each(
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        rows(0),
      ),
    },
    {
      name: 'delete a view',
      run: (c) => c.from('content_views').delete().eq('content_id', publicContent).select('user_id'),
      expect: each(
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        rows(0),
      ),
    },
  ],
  content_shares: [
    {
      name: 'share, and read only your own shares',
      prepare: hostContent,
      run: async (c, ctx) => {
        const insert = await c.from('content_shares').insert({
          content_id: ctx.target.content,
          ...(ctx.actor === 'service_role' ? { user_id: w.users.member.id } : {}),
        });
        if (insert.error) return insert;
        return c
          .from('content_shares')
          .select('id')
          .eq('content_id', ctx.target.content as string);
      },
      expect: each(denied('content_shares'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'delete a share',
      run: (c) => c.from('content_shares').delete().eq('content_id', publicContent).select('id'),
      expect: each(
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        rows(0),
      ),
    },
  ],
  watch_progress: [
    {
      name: 'record, update and read your own progress',
      prepare: hostContent,
      run: async (c, ctx) => {
        const own = ctx.actor === 'service_role' ? { user_id: w.users.member.id } : {};
        const insert = await c
          .from('watch_progress')
          .insert({ content_id: ctx.target.content, position: 5, ...own });
        if (insert.error) return insert;
        return c
          .from('watch_progress')
          .update({ position: 9 })
          .eq('content_id', ctx.target.content as string)
          .select('position');
      },
      expect: each(denied('watch_progress'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "read the member's progress",
      prepare: async () => {
        const target = await hostContent();
        must(
          await w.users.member.client
            .from('watch_progress')
            .insert({ content_id: target.content, position: 1 }),
        );
        return target;
      },
      run: (c, ctx) =>
        c
          .from('watch_progress')
          .select('position')
          .eq('content_id', ctx.target.content as string),
      expect: each(denied('watch_progress'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
    {
      name: "clear the member's progress",
      prepare: async () => {
        const target = await hostContent();
        must(
          await w.users.member.client
            .from('watch_progress')
            .insert({ content_id: target.content, position: 1 }),
        );
        return target;
      },
      run: (c, ctx) =>
        c
          .from('watch_progress')
          .delete()
          .eq('content_id', ctx.target.content as string)
          .select('position'),
      expect: each(denied('watch_progress'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
  follows: [
    {
      name: 'select follows',
      run: (c) => c.from('follows').select('follower_id').eq('followee_id', w.users.host.id),
      expect: each(
        denied('follows'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
      ),
    },
    {
      name: 'follow the stranger',
      prepare: async () => ({ followee: (await signUp('star')).id }),
      run: (c, ctx) =>
        c
          .from('follows')
          .insert({
            followee_id: ctx.target.followee,
            ...(ctx.actor === 'service_role' ? { follower_id: w.users.member.id } : {}),
          })
          .select('followee_id'),
      expect: each(denied('follows'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "remove the member's follow",
      prepare: async () => {
        const followee = (await signUp('idol')).id;
        must(await w.users.member.client.from('follows').insert({ followee_id: followee }));
        return { followee };
      },
      run: (c, ctx) =>
        c
          .from('follows')
          .delete()
          .eq('followee_id', ctx.target.followee as string)
          .select('follower_id'),
      expect: each(denied('follows'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
  notifications: [
    {
      name: "select the host's notifications",
      run: (c) => c.from('notifications').select('id').eq('user_id', w.users.host.id),
      expect: each(denied('notifications'), rows(0), rows(0), rows(0), rows('some'), rows(0), rows('some')),
    },
    {
      name: 'create a notification',
      run: (c) =>
        c.from('notifications').insert({ user_id: w.users.host.id, kind: 'new_follower' }).select('id'),
      expect: each(
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        rows(1),
      ),
    },
    {
      name: "mark the host's notifications read",
      run: (c) =>
        c
          .from('notifications')
          .update({ read_at: new Date().toISOString() })
          .eq('user_id', w.users.host.id)
          .select('id'),
      expect: each(denied('notifications'), rows(0), rows(0), rows(0), rows('some'), rows(0), rows('some')),
    },
    {
      name: "dismiss the host's notifications",
      prepare: async () => {
        const follower = await signUp('fan');
        must(await follower.client.from('follows').insert({ followee_id: w.users.host.id }));
        return {};
      },
      run: (c) =>
        c
          .from('notifications')
          .delete()
          .eq('user_id', w.users.host.id)
          .eq('kind', 'new_follower')
          .select('id'),
      expect: each(denied('notifications'), rows(0), rows(0), rows(0), rows('some'), rows(0), rows('some')),
    },
  ],
  public_rooms: [
    {
      name: 'list public rooms',
      run: (c) => c.from('public_rooms').select('id, invite_code').eq('name', 'Open house'),
      expect: each(denied('public_rooms', 'view'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'the private room is not listed',
      run: (c) => c.from('public_rooms').select('id').eq('id', w.room.id),
      expect: each(denied('public_rooms', 'view'), rows(0), rows(0), rows(0), rows(0), rows(0), rows(0)),
    },
  ],
};

describe.each(Object.entries(CASES))('%s', (_table, cases) => {
  describe.each(cases)('$name', (testCase) => {
    it.each(ACTORS)('as %s', async (actor) => {
      const target = testCase.prepare ? await testCase.prepare(w, actor) : {};
      const { data, error } = await testCase.run(w.as(actor), { w, actor, target });
      const expected = testCase.expect[actor];
      if ('error' in expected) {
        expect(
          error,
          `expected ${JSON.stringify(expected.error)}, got data ${JSON.stringify(data)}`,
        ).toMatchObject(expected.error);
        return;
      }
      expect(error).toBeNull();
      const count = Array.isArray(data) ? data.length : data === null ? 0 : 1;
      if (expected.rows === 'some') expect(count).toBeGreaterThan(0);
      else expect(count).toBe(expected.rows);
    });
  });
});

describe('service role only', () => {
  it('sees every membership, banned ones included', async () => {
    const { data } = await service().from('room_members').select('user_id, banned').eq('room_id', w.room.id);
    expect(data?.filter((m) => m.banned)).toHaveLength(1);
  });
});
