/**
 * A new user signed up on a supabase-js client of their own, with a display name in their
 * profile (the product's), for suites and benchmarks that take the stack's URL and key as
 * arguments. Realtime gets the `ws` transport (or the one given: tests delay or cut it).
 */
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';

export interface NamedUserOptions {
  readonly transport?: typeof WebSocket;
  readonly fetch?: typeof fetch;
}

export interface NamedUser {
  readonly id: string;
  readonly client: SupabaseClient;
  readonly token: string;
  readonly name: string;
}

export async function namedUser(
  apiUrl: string,
  anonKey: string,
  name: string,
  options: NamedUserOptions = {},
): Promise<NamedUser> {
  const client = createClient(apiUrl, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: (options.transport ?? WebSocket) as never },
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
  });
  const { data, error } = await client.auth.signUp({
    email: `${name}-${randomUUID().slice(0, 12)}@example.com`,
    password: 'correct-horse-battery',
  });
  if (error || !data.session || !data.user) throw error ?? new Error('sign-up returned no session');
  const profile = await client.from('profiles').update({ display_name: name }).eq('id', data.user.id);
  if (profile.error) throw new Error(`setting ${name}'s display name: ${profile.error.message}`);
  return { id: data.user.id, client, token: data.session.access_token, name };
}
