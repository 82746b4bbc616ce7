/**
 * Calling the product's edge functions the way apps do, through supabase-js `functions.invoke`,
 * and listening on a room the way members do: broadcast and postgres_changes on `room:<id>`.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { Inbox } from '../../helpers/inbox.ts';
import type { User } from '../world.ts';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export interface Reply<T> {
  status: number;
  data: T;
  error?: ErrorBody;
  headers: Headers;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One call; a refusal comes back as `{ status, error }` from the function's error envelope. */
export async function call<T = Record<string, unknown>>(
  who: User | SupabaseClient,
  path: string,
  options: { method?: Method; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const supabase = 'client' in who ? who.client : who;
  const { data, error, response } = await supabase.functions.invoke(path, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    ...(options.body === undefined ? {} : { body: options.body as Record<string, unknown> }),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    const envelope = (await res.json()) as { error?: ErrorBody; code?: string; message?: string };
    return {
      status: res.status,
      data: undefined as T,
      error: envelope.error ?? (envelope as ErrorBody),
      headers: res.headers,
    };
  }
  if (error) throw error;
  return { status: response?.status ?? 0, data: data as T, headers: response?.headers ?? new Headers() };
}

/** Like `call`, but the call must succeed. */
export async function ok<T = Record<string, unknown>>(
  who: User | SupabaseClient,
  path: string,
  options: { method?: Method; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const reply = await call<T>(who, path, options);
  if (reply.error) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.error)}`);
  return reply.data;
}

/** The `details` of a refusal; throws when the reply is not one, so the assertion fails loudly. */
export function detailsOf<T>(reply: Reply<unknown> | undefined): T {
  if (reply?.error?.details === undefined)
    throw new Error(`expected error details, got ${JSON.stringify(reply)}`);
  return reply.error.details as T;
}

export interface PlaybackState {
  room_id: string;
  version: number;
  is_playing: boolean;
  position: number;
  rate: number;
  updated_at: string;
  starts_at: string | null;
  server_time: string;
  awaiting_ready: boolean;
  wait_for_ready: boolean;
  expected_position: number;
  status: string;
  changed?: boolean;
}

export interface RoomEvents {
  readonly channel: RealtimeChannel;
  /** Broadcasts on the room channel, with their event name. */
  readonly broadcasts: Inbox<{ event: string; payload: Partial<PlaybackState> & Record<string, unknown> }>;
  /** postgres_changes UPDATEs of the room row. */
  readonly roomUpdates: Inbox<Record<string, unknown>>;
  close(): Promise<void>;
}

/** `user` on `room:<id>` (private), hearing broadcasts and the room row's updates. */
export async function listen(user: User, roomId: string): Promise<RoomEvents> {
  await user.client.realtime.setAuth(user.token);
  const channel = user.client.channel(`room:${roomId}`, { config: { private: true } });
  const broadcasts: RoomEvents['broadcasts'] = new Inbox();
  const roomUpdates = new Inbox<Record<string, unknown>>();
  let changesReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    changesReady = resolve;
  });
  channel
    .on('broadcast', { event: '*' }, (message) =>
      broadcasts.push({ event: message.event, payload: message.payload as Record<string, unknown> }),
    )
    .on(
      'postgres_changes',
      { event: 'UPDATE', schema: 'public', table: 'rooms', filter: `id=eq.${roomId}` },
      (c) => roomUpdates.push(c.new as Record<string, unknown>),
    )
    .on('system', {}, (m: { extension?: string; status?: string }) => {
      if (m.extension === 'postgres_changes' && m.status === 'ok') changesReady();
    });
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
  await ready;
  return {
    channel,
    broadcasts,
    roomUpdates,
    close: async () => void (await user.client.removeChannel(channel)),
  };
}

/** A room made through the rooms function, with `guests` joined by its invite code. */
export async function partyOf(host: User, guests: readonly User[], fields: Record<string, unknown> = {}) {
  const created = await ok<{ room: { id: string; invite_code: string }; invite_code: string; link: string }>(
    host,
    'rooms',
    { body: { name: 'Watch party', max_members: 50, ...fields } },
  );
  for (const guest of guests) await ok(guest, 'rooms/join', { body: { invite_code: created.invite_code } });
  return { id: created.room.id, invite_code: created.invite_code, link: created.link };
}
