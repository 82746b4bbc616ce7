-- Comments: chat with video timestamps, replies, edits, soft deletes, system notices, and a
-- client-generated id so a retried send never posts twice.

create table public.comments (
  id uuid primary key default gen_random_uuid(),
  room_id uuid not null references public.rooms (id) on delete cascade,
  author_id uuid references public.profiles (id) on delete set null,
  kind text not null default 'user' check (kind in ('user', 'system')),
  body text,
  video_ts numeric check (video_ts is null or video_ts >= 0),
  parent_id uuid references public.comments (id) on delete set null,
  client_id uuid,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  -- A live comment has 1..1000 characters after trimming; a deleted one keeps no text.
  constraint comments_body_length check (
    (deleted_at is null and body is not null and char_length(btrim(body)) between 1 and 1000)
    or (deleted_at is not null and body is null)
  ),
  constraint comments_user_has_author check (kind = 'system' or author_id is not null)
);

create index comments_room_created_idx on public.comments (room_id, created_at desc, id desc);
create index comments_parent_id_idx on public.comments (parent_id) where parent_id is not null;
create unique index comments_client_id_idx on public.comments (room_id, author_id, client_id) where client_id is not null;
