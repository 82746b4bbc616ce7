/**
 * A small world for the product suites: signed-in users in every role of one room, made the
 * way the app makes them (sign-up, create a room, join by invite code, promote, ban), each with
 * a supabase-js client of their own.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { inject } from 'vitest';
import WebSocket from 'ws';

export const stack = inject('productStack');

export type Actor = 'anonymous' | 'stranger' | 'member' | 'moderator' | 'host' | 'banned' | 'service_role';
export const ACTORS: readonly Actor[] = [
  'anonymous',
  'stranger',
  'member',
  'moderator',
  'host',
  'banned',
  'service_role',
];

const OPTIONS = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket as never },
};

export function client(key: string = stack.anonKey): SupabaseClient {
  return createClient(stack.apiUrl, key, OPTIONS);
}

export const service = () => client(stack.serviceRoleKey);

export interface User {
  readonly id: string;
  readonly client: SupabaseClient;
  readonly token: string;
  readonly name: string;
}

/** A new user through sign-up, signed in on a client of their own. */
export async function signUp(name = 'user'): Promise<User> {
  const c = client();
  const email = `${name}-${randomUUID().slice(0, 12)}@example.com`;
  const { data, error } = await c.auth.signUp({
    email,
    password: 'correct-horse-battery',
    options: { data: { display_name: name } },
  });
  if (error || !data.session || !data.user) throw error ?? new Error('sign-up returned no session');
  return { id: data.user.id, client: c, token: data.session.access_token, name };
}

/** Throws the PostgREST error, so setup failures say what failed. */
export function must<T>(result: { data: T; error: unknown }): T {
  if (result.error) throw new Error(`setup failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

export interface Room {
  readonly id: string;
  readonly invite_code: string;
}

export interface World {
  readonly room: Room;
  readonly users: Record<Exclude<Actor, 'anonymous' | 'service_role'>, User>;
  /** The client an actor uses: anon key without a session, service role key, or a user's. */
  as(actor: Actor): SupabaseClient;
  idOf(actor: Actor): string | undefined;
}

export async function createRoom(host: User, fields: Record<string, unknown> = {}): Promise<Room> {
  return must(
    await host.client
      .from('rooms')
      .insert({ name: 'Movie night', max_members: 20, ...fields })
      .select('id, invite_code')
      .single(),
  ) as Room;
}

export async function join(user: User, room: Room): Promise<void> {
  must(await user.client.rpc('join_room', { invite_code: room.invite_code }));
}

export async function world(): Promise<World> {
  const [host, member, moderator, banned, stranger] = await Promise.all(
    ['host', 'member', 'moderator', 'banned', 'stranger'].map((name) => signUp(name)),
  );
  const h = host as User;
  const room = await createRoom(h);
  for (const user of [member, moderator, banned] as User[]) await join(user, room);
  must(
    await h.client.rpc('set_member_role', {
      room_id: room.id,
      user_id: (moderator as User).id,
      role: 'moderator',
    }),
  );
  must(await h.client.rpc('ban_member', { room_id: room.id, user_id: (banned as User).id }));
  const users = { host: h, member, moderator, banned, stranger } as World['users'];
  const anonymous = client();
  const serviceRole = service();
  return {
    room,
    users,
    as: (actor) =>
      actor === 'anonymous' ? anonymous : actor === 'service_role' ? serviceRole : users[actor].client,
    idOf: (actor) => (actor === 'anonymous' || actor === 'service_role' ? undefined : users[actor].id),
  };
}

let sqlClient: postgres.Sql | undefined;
/** Superuser SQL, for checks the API does not show. */
export function sql(): postgres.Sql {
  sqlClient ??= postgres(stack.dbUrl, { max: 4, onnotice: () => undefined });
  return sqlClient;
}
export async function closeSql(): Promise<void> {
  await sqlClient?.end();
  sqlClient = undefined;
}
