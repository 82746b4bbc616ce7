/**
 * The RLS matrix (issue 6): every table × {anonymous, stranger, member, moderator, host, banned,
 * service_role} × {select, insert, update, delete}, through supabase-js against the product's
 * schema, with the exact errors PostgREST answers. A case is an operation; a cell what it gives.
 * The cases live in one file per group of tables beside this one; each file builds its own world.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, type Actor, closeSql, must, signUp, type World, world } from '../world.ts';

export type Outcome = { rows: number | 'some' } | { error: { code: string; message: string } };

export const rows = (n: number | 'some'): Outcome => ({ rows: n });
export const denied = (table: string, kind = 'table'): Outcome => ({
  error: { code: '42501', message: `permission denied for ${kind} ${table}` },
});
export const rls = (table: string): Outcome => ({
  error: { code: '42501', message: `new row violates row-level security policy for table "${table}"` },
});
export const forbidden: Outcome = { error: { code: '42501', message: 'forbidden' } };

/** Outcomes in ACTORS order: anonymous, stranger, member, moderator, host, banned, service_role. */
export const each = (...outcomes: Outcome[]): Record<Actor, Outcome> =>
  Object.fromEntries(ACTORS.map((actor, i) => [actor, outcomes[i] as Outcome])) as Record<Actor, Outcome>;

export interface Context {
  readonly w: World;
  readonly actor: Actor;
  /** Whatever the case prepared for this actor (fresh targets for writes). */
  readonly target: Record<string, string>;
}

export interface Case {
  readonly name: string;
  prepare?(w: World, actor: Actor): Promise<Record<string, string>>;
  run(client: SupabaseClient, ctx: Context): PromiseLike<{ data: unknown; error: unknown }>;
  readonly expect: Record<Actor, Outcome>;
}

// The world the cases run in, set by useMatrixWorld's beforeAll (live bindings: importers see it).
export let w: World;
export let publicContent: string;
export let privateContent: string;
export let comment: string;
/** A public room of the host's, for the directory. */
export let openRoom: string;
/** Someone outside the room whose interactions the actors must not see. */
export let viewer: Awaited<ReturnType<typeof signUp>>;

async function idOf(query: PromiseLike<{ data: unknown; error: unknown }>): Promise<string> {
  return (must(await query) as { id: string }).id;
}

/** Builds the world before the file's cases: every role in one room, a comment, content, a follow. */
export function useMatrixWorld(): void {
  beforeAll(async () => {
    w = await world();
    viewer = await signUp('viewer');
    const { host, member } = w.users;
    comment = await idOf(
      member.client
        .from('comments')
        .insert({ room_id: w.room.id, body: 'hello', video_ts: 12.5 })
        .select('id')
        .single(),
    );
    must(await member.client.from('comment_reactions').insert({ comment_id: comment, emoji: '👍' }));
    publicContent = await idOf(
      host.client
        .from('contents')
        .insert({ title: 'Public', media_url: 'https://v.example/1.mp4' })
        .select('id')
        .single(),
    );
    privateContent = await idOf(
      host.client
        .from('contents')
        .insert({ title: 'Private', media_url: 'https://v.example/2.mp4', visibility: 'private' })
        .select('id')
        .single(),
    );
    must(await member.client.from('content_likes').insert({ content_id: publicContent }));
    must(await member.client.from('follows').insert({ followee_id: host.id }));
    openRoom = await idOf(
      host.client.from('rooms').insert({ name: 'Open house', visibility: 'public' }).select('id').single(),
    );
  });
  afterAll(closeSql);
}

export const userOf = (ctx: Context) =>
  ctx.actor === 'anonymous' || ctx.actor === 'service_role' ? undefined : ctx.w.users[ctx.actor];

/** A fresh comment by the member, for cases that change or remove one. */
export async function memberComment(): Promise<Record<string, string>> {
  return {
    comment: await idOf(
      w.users.member.client
        .from('comments')
        .insert({ room_id: w.room.id, body: 'target' })
        .select('id')
        .single(),
    ),
  };
}

/** Fresh public content by the host. */
export async function hostContent(): Promise<Record<string, string>> {
  return {
    content: await idOf(
      w.users.host.client
        .from('contents')
        .insert({ title: 'Target', media_url: 'https://v.example/t.mp4' })
        .select('id')
        .single(),
    ),
  };
}

/** One test per table × case × actor. */
export function runMatrix(cases: Record<string, Case[]>): void {
  describe.each(Object.entries(cases))('%s', (_table, tableCases) => {
    describe.each(tableCases)('$name', (testCase) => {
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
}
