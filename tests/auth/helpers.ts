import { randomUUID } from 'node:crypto';
import { createClient, type Session, type SupabaseClient } from '@supabase/supabase-js';
import { Hono } from 'hono';
import { decodeJwt } from 'jose';
import postgres from 'postgres';
import { inject } from 'vitest';
import WebSocket from 'ws';
import type { AuthConfig } from '../../stack/src/auth/config.ts';
import { createAuthApp } from '../../stack/src/auth/index.ts';
import { createJwtService } from '../../stack/src/lib/jwt.ts';
import { silentLogger } from '../../stack/src/lib/logger.ts';

export const stack = inject('stack');

/** No storage, no timers; Node 20 has no global WebSocket, so Realtime gets `ws` (unused here). */
const NO_STORAGE = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket as never },
};

/** The real supabase-js client against the shared stack, as a browser app would use it. */
export function anonClient(): SupabaseClient {
  return createClient(stack.apiUrl, stack.anonKey, NO_STORAGE);
}

export function serviceClient(): SupabaseClient {
  return createClient(stack.apiUrl, stack.serviceRoleKey, NO_STORAGE);
}

/** A fresh address per call, so files running in parallel never collide. */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 12)}@example.com`;
}

export const PASSWORD = 'correct-horse-battery';

/** Signs up a new user on `client` (autoconfirm is on in the CLI defaults) and returns the session. */
export async function signUp(
  client: SupabaseClient,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<Session> {
  const { data, error } = await client.auth.signUp({ email, password });
  if (error || !data.session) throw error ?? new Error('sign-up returned no session');
  return data.session;
}

export function claimsOf(accessToken: string): Record<string, unknown> {
  return decodeJwt(accessToken) as Record<string, unknown>;
}

/** A request straight to the gateway's /auth/v1, for what supabase-js hides (headers, raw bodies). */
export function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('apikey')) headers.set('apikey', stack.anonKey);
  return fetch(`${stack.apiUrl}/auth/v1${path}`, { ...init, headers });
}

/** A superuser connection to the stack's database, for triggers and direct checks. */
export function superuserDb() {
  return postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
}

/** The CLI's `[auth]` defaults, as the shared stack runs them. */
export const CLI_AUTH_DEFAULTS: AuthConfig = {
  jwtIssuer: 'http://auth.test/auth/v1',
  jwtExpiry: 3600,
  siteUrl: 'http://127.0.0.1:3000',
  additionalRedirectUrls: [],
  enableSignup: true,
  enableAnonymousSignIns: false,
  emailEnableSignup: true,
  mailerAutoconfirm: true,
  minimumPasswordLength: 6,
  passwordRequirements: '',
  refreshTokenRotation: true,
  refreshTokenReuseInterval: 10,
  adminRoles: ['service_role'],
};

export interface InProcessAuth {
  /** supabase-js wired to this app through a fetch function: no port, no gateway. */
  client(key?: string): SupabaseClient;
  close(): Promise<void>;
}

/**
 * A second Auth app on the same database with other settings (and optionally a clock), for
 * behaviour the shared stack's configuration does not show.
 */
export async function inProcessAuth(
  overrides: Partial<AuthConfig>,
  options: { now?: () => Date } = {},
): Promise<InProcessAuth> {
  const url = new URL(stack.dbUrl);
  url.username = 'supabase_auth_admin';
  const db = postgres(url.toString(), { max: 4, onnotice: () => undefined });
  const jwt = await createJwtService({ secret: stack.jwtSecret });
  const app = createAuthApp({
    db,
    jwt,
    config: { ...CLI_AUTH_DEFAULTS, ...overrides },
    logger: silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
  const mounted = new Hono().mount('/auth/v1', app.fetch);
  const fetchApp: typeof fetch = async (input, init) => mounted.fetch(new Request(input, init));
  return {
    client: (key = stack.anonKey) =>
      createClient('http://auth.test', key, { ...NO_STORAGE, global: { fetch: fetchApp } }),
    close: () => db.end({ timeout: 5 }),
  };
}
