// The tables the functions touch, as kysely sees them (columns the database fills are Generated).
import type { ColumnType } from './deps.ts';

type Generated<T> = ColumnType<T, T | undefined, T>;
type Timestamp = ColumnType<string, string | undefined, string>;

export interface Database {
  'public.rooms': {
    id: Generated<string>;
    invite_code: Generated<string>;
    name: string;
    visibility: Generated<'public' | 'private'>;
    status: Generated<'waiting' | 'active' | 'paused' | 'ended'>;
    max_members: Generated<number>;
    host_id: Generated<string | null>;
    media_url: string | null;
    media_title: string | null;
    media_kind: Generated<'video' | 'audio' | 'stream'>;
    media_duration: number | null;
    control_mode: Generated<'host_only' | 'everyone'>;
    wait_for_ready: Generated<boolean>;
    member_count: Generated<number>;
    created_at: Generated<Timestamp>;
  };
  'public.comments': {
    id: Generated<string>;
    room_id: string;
    author_id: Generated<string | null>;
    kind: Generated<'user' | 'system'>;
    body: string | null;
    video_ts: number | null;
    parent_id: string | null;
    client_id: string | null;
    created_at: Generated<Timestamp>;
    edited_at: Generated<Timestamp | null>;
    deleted_at: Timestamp | null;
  };
  'public.comment_reactions': {
    comment_id: string;
    user_id: Generated<string>;
    emoji: string;
    room_id: Generated<string>;
    created_at: Generated<Timestamp>;
  };
  'public.contents': {
    id: Generated<string>;
    likes_count: Generated<string>;
    views_count: Generated<string>;
    shares_count: Generated<string>;
  };
  'public.content_likes': {
    content_id: string;
    user_id: Generated<string>;
    created_at: Generated<Timestamp>;
  };
  'public.content_views': {
    content_id: string;
    user_id: Generated<string>;
    view_window: Generated<Timestamp>;
  };
  'public.content_shares': {
    id: Generated<string>;
    content_id: string;
    user_id: Generated<string>;
    channel: string;
  };
  'public.watch_progress': {
    content_id: string;
    user_id: Generated<string>;
    position: number;
    duration: number | null;
    completed: boolean;
    updated_at: Generated<Timestamp>;
  };
  'public.follows': { follower_id: Generated<string>; followee_id: string; created_at: Generated<Timestamp> };
}
