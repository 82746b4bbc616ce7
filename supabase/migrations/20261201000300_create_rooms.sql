-- Rooms: a watch party with its invite code, media, lifecycle and the playback state everyone
-- follows. Playback changes bump a version and stamp the database clock (see the trigger).

create table public.rooms (
  id uuid primary key default gen_random_uuid(),
  invite_code text not null unique,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  visibility text not null default 'private' check (visibility in ('public', 'private')),
  status text not null default 'waiting' check (status in ('waiting', 'active', 'paused', 'ended')),
  max_members integer not null default 10 check (max_members between 1 and 500),
  host_id uuid references public.profiles (id) on delete set null,
  media_url text check (media_url is null or media_url ~ '^https?://'),
  media_title text check (media_title is null or char_length(media_title) <= 200),
  media_kind text not null default 'video' check (media_kind in ('video', 'audio', 'stream')),
  media_duration numeric check (media_duration is null or media_duration >= 0),
  control_mode text not null default 'host_only' check (control_mode in ('host_only', 'everyone')),
  is_playing boolean not null default false,
  position numeric not null default 0 check (position >= 0),
  playback_rate numeric not null default 1 check (playback_rate > 0 and playback_rate <= 4),
  playback_version bigint not null default 0,
  playback_updated_at timestamptz not null default now(),
  member_count integer not null default 0 check (member_count >= 0),
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  constraint rooms_ended_at_with_status check ((status = 'ended') = (ended_at is not null))
);
comment on column public.rooms.playback_version is 'Increases with every playback change; controls name the version they saw (optimistic concurrency).';
comment on column public.rooms.playback_updated_at is 'Database clock at the last playback change: expected position = position + (now - this) * rate while playing.';

create index rooms_host_id_idx on public.rooms (host_id);
create index rooms_public_listing_idx on public.rooms (created_at desc) where visibility = 'public' and status <> 'ended';

-- Invite codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L). Definer, so
-- the collision check sees every room, not only the caller's.
create or replace function private.new_invite_code()
  returns text
  language plpgsql
  volatile
  security definer
  set search_path = ''
as $$
declare
  alphabet constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  code text;
  bytes bytea;
begin
  loop
    bytes := extensions.gen_random_bytes(8);
    code := '';
    for i in 0..7 loop
      code := code || substr(alphabet, (get_byte(bytes, i) % length(alphabet)) + 1, 1);
    end loop;
    exit when not exists (select from public.rooms r where r.invite_code = code);
  end loop;
  return code;
end
$$;

-- New rooms get a fresh code and a clean lifecycle, whatever the client sent. Invoker: a
-- trigger sees the role of the statement that fired it, so it can tell a client's insert.
create or replace function private.prepare_new_room()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.invite_code := private.new_invite_code();
  new.status := 'waiting';
  new.ended_at := null;
  new.member_count := 0;
  new.playback_version := 0;
  new.playback_updated_at := now();
  new.is_playing := false;
  if private.is_client_role() then
    new.host_id := (select auth.uid());
  end if;
  return new;
end
$$;

grant execute on function private.new_invite_code(), private.prepare_new_room() to authenticated, service_role;

create trigger rooms_prepare_new
  before insert on public.rooms
  for each row execute function private.prepare_new_room();

-- Playback state moves only forward: every change bumps the version and stamps the database
-- clock, so clients can extrapolate the position and controls can detect stale views.
create or replace function private.stamp_playback()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if (new.is_playing, new.position, new.playback_rate) is distinct from (old.is_playing, old.position, old.playback_rate) then
    new.playback_version := old.playback_version + 1;
    new.playback_updated_at := now();
    if new.is_playing and old.status = 'waiting' and new.status = 'waiting' then
      new.status := 'active';
    end if;
  else
    new.playback_version := old.playback_version;
    new.playback_updated_at := old.playback_updated_at;
  end if;
  return new;
end
$$;
grant execute on function private.stamp_playback() to authenticated, service_role;

create trigger rooms_stamp_playback
  before update on public.rooms
  for each row execute function private.stamp_playback();
