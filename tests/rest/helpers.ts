import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { target } from '../helpers/target.ts';

/** The two API keys: `anon` (the browser's) and `service_role` (bypasses RLS). */
export type KeyRole = 'anon' | 'service_role';

const keyOf = (role: KeyRole) => (role === 'anon' ? target.anonKey : target.serviceRoleKey);

/** No storage, no timers; Node 20 has no global WebSocket, so Realtime gets `ws` (unused here). */
const CLIENT_OPTIONS = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket as never },
};

/** The real supabase-js client, as an app uses it. */
export function client(role: KeyRole = 'anon'): SupabaseClient {
  return createClient(target.apiUrl, keyOf(role), CLIENT_OPTIONS);
}

export interface SignedInUser {
  readonly client: SupabaseClient;
  readonly id: string;
  readonly accessToken: string;
}

/** A new user signed up (autoconfirm is on) with a client carrying their session. */
export async function signedInUser(): Promise<SignedInUser> {
  const userClient = client('anon');
  const email = `rest-${randomUUID().slice(0, 12)}@example.com`;
  const { data, error } = await userClient.auth.signUp({ email, password: 'correct-horse-battery' });
  if (error || !data.session || !data.user) throw error ?? new Error('sign-up returned no session');
  return { client: userClient, id: data.user.id, accessToken: data.session.access_token };
}

/** A value no other test (or earlier run) uses. */
export function unique(prefix = 'x'): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

export interface RestInit extends RequestInit {
  /** Which key to send as `apikey` (and as the bearer token unless `token` is given). */
  readonly key?: KeyRole;
  /** A bearer token; `null` sends no Authorization header at all. */
  readonly token?: string | null;
}

/**
 * A raw request to `/rest/v1<path>`, for what supabase-js hides: status lines, headers, exact
 * bodies, malformed input.
 */
export function rest(path: string, init: RestInit = {}): Promise<Response> {
  const { key = 'anon', token, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('apikey', keyOf(key));
  if (token !== null) headers.set('Authorization', `Bearer ${token ?? keyOf(key)}`);
  return fetch(`${target.apiUrl}/rest/v1${path}`, { ...rest, headers });
}

/** A JSON body for `rest()`: method, content type and serialized payload. */
export function jsonBody(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: unknown;
  readonly hint: string | null;
}

/**
 * PostgREST's error response: the status, exactly this `{code, details, hint, message}` body as
 * JSON, and the `Proxy-Status` header naming the code.
 */
export async function expectError(res: Response, status: number, body: ErrorBody): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, body: JSON.parse(text) as unknown }).toEqual({ status, body });
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('proxy-status')).toBe(`PostgREST; error=${body.code}`);
}

/** A superuser connection for DDL and direct checks, when the target provides one. */
export function superuser(): postgres.Sql | undefined {
  if (!target.dbUrl) return undefined;
  return postgres(target.dbUrl, { max: 1, onnotice: () => undefined });
}
