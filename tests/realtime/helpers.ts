import { randomUUID } from 'node:crypto';
import {
  createClient,
  type RealtimeChannel,
  type SupabaseClient,
  type SupabaseClientOptions,
} from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { afterAll, afterEach } from 'vitest';
import WebSocket from 'ws';
import { Inbox } from '../helpers/inbox.ts';
import { target } from '../helpers/target.ts';

/**
 * Helpers for the Realtime conformance suite: real supabase-js clients (Node 20 has no global
 * WebSocket, so they get the `ws` package as transport), tokens, SQL, and a raw socket for what
 * the client hides. Every client made here is disconnected after its test.
 */

type Options = SupabaseClientOptions<'public'>;
const clients = new Set<SupabaseClient>();

afterEach(async () => {
  const open = [...clients];
  clients.clear();
  await Promise.all(
    open.map(async (client) => {
      await client.removeAllChannels().catch(() => undefined);
      client.realtime.disconnect();
    }),
  );
});

/** A supabase-js client of the project (or of `apiUrl`); `key` defaults to the anon key. */
export function realtimeClient(
  key: string = target.anonKey,
  options: Options = {},
  apiUrl: string = target.apiUrl,
): SupabaseClient {
  const client = createClient(apiUrl, key, {
    ...options,
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never, ...options.realtime },
  });
  clients.add(client);
  return client;
}

/** A client whose Realtime identity is a user token (`sub` = `userId`). */
export async function userClient(userId: string = randomUUID(), claims: Record<string, unknown> = {}) {
  const client = realtimeClient();
  const token = await signToken({ sub: userId, role: 'authenticated', ...claims });
  await client.realtime.setAuth(token);
  return { client, userId, token };
}

export function uniqueTopic(prefix = 'room'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/**
 * Signs claims with the project secret; `expiresIn` in seconds from now (negative: expired;
 * null: no `exp` claim).
 */
export async function signToken(
  claims: Record<string, unknown>,
  expiresIn: number | null = 3600,
): Promise<string> {
  if (!target.jwtSecret) throw new Error('these tests sign their own tokens: set SUPABASE_JWT_SECRET');
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
  if (expiresIn !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  return jwt.sign(new TextEncoder().encode(target.jwtSecret));
}

export interface StatusEvent {
  readonly status: string;
  readonly error: Error | undefined;
}

/** Every status the channel reports, and ways to wait for them. */
export function statuses(channel: RealtimeChannel) {
  const inbox = new Inbox<StatusEvent>();
  channel.subscribe((status, error) => inbox.push({ status, error }));
  return {
    seen: inbox.items,
    next: (status: string) => inbox.next((e) => e.status === status),
    /** The first `status` reported after the `index`-th status. */
    after: (index: number, status: string) => inbox.after(index, (e) => e.status === status),
  };
}

/** Subscribes and resolves on SUBSCRIBED; rejects with the first other status. */
export function subscribed(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve(channel);
      else reject(new Error(`${status}: ${error?.message ?? ''}`));
    });
  });
}

/** Resolves with the first join error's message (CHANNEL_ERROR). */
export function joinError(channel: RealtimeChannel): Promise<string> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'CHANNEL_ERROR') resolve(error?.message ?? '');
      else if (status === 'SUBSCRIBED') reject(new Error('joined, expected an error'));
    });
  });
}

export interface SystemMessage {
  readonly extension: string;
  readonly status: string;
  readonly message: string;
  readonly channel?: string;
}

/** Collects a channel's `system` messages; register before subscribing. */
export function systemMessages(channel: RealtimeChannel) {
  const inbox = new Inbox<SystemMessage>();
  channel.on('system', {}, (message: SystemMessage) => inbox.push(message));
  return inbox;
}

/** Subscribes and waits for `Subscribed to PostgreSQL`, after which changes are certain to arrive. */
export async function subscribedToChanges(channel: RealtimeChannel): Promise<Inbox<SystemMessage>> {
  const system = systemMessages(channel);
  await subscribed(channel);
  const first = await system.next((m) => m.extension === 'postgres_changes');
  if (first.status !== 'ok') throw new Error(`postgres_changes: ${first.message}`);
  return system;
}

/** Broadcast payloads received on `event` (or every event with '*'). */
export function broadcasts(channel: RealtimeChannel, event = '*') {
  const inbox = new Inbox<{ event: string; payload: unknown; meta?: { id: string; replayed?: boolean } }>();
  channel.on('broadcast', { event }, (message) => inbox.push(message as never));
  return inbox;
}

let sqlClient: postgres.Sql | undefined;
/** Superuser SQL on the project database, for writes that Realtime must report. */
export function sql(): postgres.Sql {
  if (!target.dbUrl) throw new Error('these tests need SQL access: set SUPABASE_DB_URL');
  sqlClient ??= postgres(target.dbUrl, { max: 4, onnotice: () => undefined });
  return sqlClient;
}
afterAll(async () => {
  await sqlClient?.end();
  sqlClient = undefined;
});

/**
 * A new id for the fixture tables, unique across tests, files and runs; `id + 0 … id + 999`
 * are the caller's too, for tests that need a run of ids.
 */
// A random start per file (each test file loads its own copy), far below 2^53.
let nextId = Math.floor(Math.random() * 2 ** 40) * 1000;
export const uniqueId = () => {
  nextId += 1000;
  return nextId;
};

export { Inbox, target };
