-- Room members: role, presence bookkeeping, read position for receipts, sync state, bans.
-- A banned member's row stays (banned = true) so they cannot rejoin; leaving deletes the row.

create table public.room_members (
  room_id uuid not null references public.rooms (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role text not null default 'member' check (role in ('host', 'moderator', 'member')),
  joined_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  last_read_at timestamptz,
  sync_state text not null default 'unknown' check (sync_state in ('unknown', 'ready', 'buffering', 'synced', 'drifting')),
  banned boolean not null default false,
  banned_at timestamptz,
  primary key (room_id, user_id),
  constraint room_members_banned_at_with_banned check (banned = (banned_at is not null)),
  constraint room_members_banned_are_members check (not banned or role = 'member')
);
comment on column public.room_members.last_read_at is 'Read position: comments created at or before it count as read (receipts, unread counts).';

create index room_members_user_id_idx on public.room_members (user_id);
-- At most one host per room.
create unique index room_members_one_host_idx on public.room_members (room_id) where role = 'host';
