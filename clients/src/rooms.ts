/** Room calls: the rooms function for changes, REST (under RLS) for lists. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { fromPostgrest } from './errors.ts';
import type { Call } from './functions.ts';
import type { ControlMode, Media, Member, Membership, PlaybackState, Room, Visibility } from './types.ts';

export interface CreateRoom {
  readonly name: string;
  readonly visibility?: Visibility;
  readonly max_members?: number;
  readonly control_mode?: ControlMode;
  readonly wait_for_ready?: boolean;
  readonly media?: Media;
  /** Retrying with the same key returns the room the first attempt made. */
  readonly idempotencyKey?: string;
}

export interface PublicRoom {
  readonly id: string;
  readonly invite_code: string;
  readonly name: string;
  readonly status: Room['status'];
  readonly member_count: number;
  readonly max_members: number;
  readonly media_title: string | null;
  readonly host_id: string | null;
  readonly created_at: string;
}

export function createRooms(supabase: SupabaseClient, call: Call) {
  const action = (roomId: string, path: string, body?: Record<string, unknown>) =>
    call<{ room: Room }>(`rooms/${roomId}/${path}`, { method: 'POST', body: body ?? {} }).then((r) => r.room);
  return {
    create(input: CreateRoom): Promise<{ room: Room; invite_code: string; link: string }> {
      const { idempotencyKey, ...body } = input;
      return call('rooms', {
        body,
        ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
      });
    },
    /** Joins by invite code; joining again is a no-op. */
    join(inviteCode: string): Promise<{ room: Room; membership: Membership }> {
      return call('rooms/join', { body: { invite_code: inviteCode.trim().toUpperCase() } });
    },
    get(roomId: string): Promise<{ room: Room; members: Member[] }> {
      return call(`rooms/${roomId}`);
    },
    async leave(roomId: string): Promise<void> {
      await call(`rooms/${roomId}/leave`, { method: 'POST', body: {} });
    },
    /** Rooms this user is in, newest first (ended ones too, with `ended`). */
    async mine(options: { includeEnded?: boolean } = {}): Promise<(Room & { role: Member['role'] })[]> {
      const { data: user } = await supabase.auth.getUser();
      let query = supabase
        .from('rooms')
        .select('*, room_members!inner(role, user_id)')
        .eq('room_members.user_id', user.user?.id ?? '')
        .order('created_at', { ascending: false });
      if (!options.includeEnded) query = query.neq('status', 'ended');
      const { data, error, status } = await query;
      if (error) throw fromPostgrest(error, status);
      return ((data ?? []) as (Room & { room_members: { role: Member['role'] }[] })[]).map(
        ({ room_members, ...room }) => ({
          ...room,
          role: room_members[0]?.role ?? 'member',
        }),
      );
    },
    /** The directory of public, open rooms. */
    async public(options: { limit?: number } = {}): Promise<PublicRoom[]> {
      const { data, error, status } = await supabase
        .from('public_rooms')
        .select('*')
        .order('created_at', { ascending: false })
        .limit(options.limit ?? 50);
      if (error) throw fromPostgrest(error, status);
      return (data ?? []) as PublicRoom[];
    },
    kick: (roomId: string, userId: string) => action(roomId, 'kick', { user_id: userId }),
    ban: (roomId: string, userId: string) => action(roomId, 'ban', { user_id: userId }),
    unban: (roomId: string, userId: string) => action(roomId, 'unban', { user_id: userId }),
    setRole: (roomId: string, userId: string, role: 'moderator' | 'member') =>
      action(roomId, 'role', { user_id: userId, role }),
    transferHost: (roomId: string, userId: string) => action(roomId, 'transfer', { user_id: userId }),
    end: (roomId: string) => action(roomId, 'end'),
    /** New media (host only): playback starts over, paused at 0. */
    setMedia(roomId: string, media: Media): Promise<{ room: Room; state: PlaybackState }> {
      return call(`rooms/${roomId}/media`, { method: 'PATCH', body: media });
    },
  };
}

export type Rooms = ReturnType<typeof createRooms>;
