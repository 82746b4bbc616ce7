/** The rows and payloads the SDK hands out, as the backend in `supabase/` defines them. */

export type Visibility = 'public' | 'private';
export type RoomStatus = 'waiting' | 'active' | 'paused' | 'ended';
export type ControlMode = 'host_only' | 'everyone';
export type Role = 'host' | 'moderator' | 'member';
export type SyncState = 'unknown' | 'ready' | 'buffering' | 'synced' | 'drifting';

export interface Media {
  readonly url: string | null;
  readonly title?: string | null;
  readonly kind?: 'video' | 'audio' | 'stream';
  readonly duration?: number | null;
}

export interface Room {
  readonly id: string;
  readonly invite_code: string;
  readonly name: string;
  readonly visibility: Visibility;
  readonly status: RoomStatus;
  readonly max_members: number;
  readonly host_id: string | null;
  readonly media_url: string | null;
  readonly media_title: string | null;
  readonly media_kind: 'video' | 'audio' | 'stream';
  readonly media_duration: number | null;
  readonly control_mode: ControlMode;
  readonly wait_for_ready: boolean;
  readonly member_count: number;
  readonly is_playing: boolean;
  readonly position: number;
  readonly playback_rate: number;
  readonly playback_version: number;
  readonly playback_updated_at: string;
  readonly playback_starts_at: string | null;
  readonly awaiting_ready: boolean;
  readonly created_at: string;
}

export interface Membership {
  readonly room_id: string;
  readonly user_id: string;
  readonly role: Role;
  readonly joined_at: string;
  readonly last_seen_at: string | null;
  readonly last_read_at: string | null;
  readonly sync_state: SyncState;
  readonly banned?: boolean;
}

export interface Member extends Membership {
  readonly display_name: string | null;
  readonly avatar_url: string | null;
  readonly status: string;
}

/** The authoritative playback state, as `sync/*` answer and broadcast it. */
export interface PlaybackState {
  readonly room_id: string;
  readonly version: number;
  readonly is_playing: boolean;
  /** Seconds, at `updated_at` (or at `starts_at` for a scheduled start). */
  readonly position: number;
  readonly rate: number;
  readonly updated_at: string;
  readonly starts_at: string | null;
  readonly awaiting_ready: boolean;
  readonly wait_for_ready?: boolean;
  readonly status?: RoomStatus;
  readonly server_time?: string;
  readonly expected_position?: number;
  /** On broadcasts: what caused it and who. */
  readonly action?: string;
  readonly by?: string;
}

export interface Comment {
  readonly id: string;
  readonly room_id: string;
  readonly author_id: string | null;
  readonly kind: 'user' | 'system';
  readonly body: string | null;
  readonly video_ts: number | null;
  readonly parent_id: string | null;
  readonly client_id: string | null;
  readonly created_at: string;
  readonly edited_at: string | null;
  readonly deleted_at: string | null;
}

export type CommentStatus = 'pending' | 'sent' | 'failed';

/** A comment as the UI shows it: sent ones, and this client's own still in flight or failed. */
export interface CommentItem extends Omit<Comment, 'id'> {
  /** Absent until the server has it. */
  readonly id: string | undefined;
  /** Stable from the first render: the key to render by. */
  readonly key: string;
  readonly status: CommentStatus;
  readonly error?: { code: string; message: string };
  readonly reactions: Readonly<Record<string, number>>;
  readonly author_name?: string | null;
}

export interface PresenceMember {
  readonly user_id: string;
  readonly display_name: string | null;
  readonly role: Role | null;
  readonly status: 'online' | 'away' | 'busy';
  readonly sync_state: SyncState;
  /** The member's media position (seconds) when they last reported it. */
  readonly position: number | null;
  readonly online_at: string;
}

export interface TypingUser {
  readonly user_id: string;
  readonly display_name: string | null;
}

export interface Reaction {
  readonly id: string;
  readonly emoji: string;
  /** Where on the video, 0..1 of its width and height. */
  readonly x: number;
  readonly y: number;
  readonly video_ts: number | null;
  readonly user_id: string;
  readonly display_name: string | null;
  readonly at: number;
}
