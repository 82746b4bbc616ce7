-- Playback control as one atomic step: check the caller may control, compare the version they
-- saw (a stale one loses), compute the new state from the database clock, schedule starts a
-- little ahead so every member can begin together, and hold play until everyone is ready when
-- the room asks for that. Members report their sync state and latency here too.

alter table public.rooms
  add column playback_starts_at timestamptz,
  add column wait_for_ready boolean not null default false,
  add column awaiting_ready boolean not null default false;
comment on column public.rooms.playback_starts_at is 'A scheduled start: while playing, the position advances from greatest(playback_updated_at, playback_starts_at).';
comment on column public.rooms.wait_for_ready is 'Room setting: play waits until every present member reports ready, and a member buffering pauses the room.';
comment on column public.rooms.awaiting_ready is 'A play is held until every present member is ready.';

alter table public.room_members add column latency_ms integer check (latency_ms is null or latency_ms between 0 and 60000);
comment on column public.room_members.latency_ms is 'The member''s measured one-way latency to the server, for scheduling starts.';

grant update (wait_for_ready) on public.rooms to authenticated;
grant update (latency_ms) on public.room_members to authenticated;

-- Playback stamping covers the scheduled start and the barrier too.
create or replace function private.stamp_playback()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if (new.is_playing, new.position, new.playback_rate, new.playback_starts_at, new.awaiting_ready)
     is distinct from (old.is_playing, old.position, old.playback_rate, old.playback_starts_at, old.awaiting_ready) then
    new.playback_version := old.playback_version + 1;
    new.playback_updated_at := now();
    if (new.is_playing or new.awaiting_ready) and old.status = 'waiting' and new.status = 'waiting' then
      new.status := 'active';
    end if;
  else
    new.playback_version := old.playback_version;
    new.playback_updated_at := old.playback_updated_at;
  end if;
  return new;
end
$$;

-- The guard treats the scheduled start and the barrier as playback, wait_for_ready as a setting.
create or replace function private.guard_room_update()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  role text;
begin
  if not private.is_client_role() then
    return new;
  end if;
  if old.status = 'ended' then
    raise exception 'room_ended' using errcode = 'P0001', detail = 'An ended room cannot change';
  end if;
  if (new.id, new.invite_code, new.host_id, new.member_count, new.created_at, new.ended_at)
     is distinct from (old.id, old.invite_code, old.host_id, old.member_count, old.created_at, old.ended_at)
     or new.status = 'ended' then
    raise exception 'forbidden' using errcode = '42501',
      detail = 'The host, counters and ending a room change only through the room helpers';
  end if;
  role := private.room_role(old.id);
  if role is distinct from 'host'
     and (new.name, new.visibility, new.status, new.max_members, new.control_mode, new.wait_for_ready,
          new.media_url, new.media_title, new.media_kind, new.media_duration)
         is distinct from (old.name, old.visibility, old.status, old.max_members, old.control_mode, old.wait_for_ready,
          old.media_url, old.media_title, old.media_kind, old.media_duration) then
    raise exception 'forbidden' using errcode = '42501', detail = 'Only the host changes room settings';
  end if;
  if (new.is_playing, new.position, new.playback_rate, new.playback_starts_at, new.awaiting_ready)
     is distinct from (old.is_playing, old.position, old.playback_rate, old.playback_starts_at, old.awaiting_ready)
     and not private.can_control_playback(old.id) then
    raise exception 'forbidden' using errcode = '42501', detail = 'Only the host and moderators control playback in this room';
  end if;
  return new;
end
$$;

-- Where the media is now, by the database clock.
create or replace function private.expected_position(room public.rooms, at timestamptz)
  returns numeric
  language sql
  stable
  set search_path = ''
as $$
  select case when room.is_playing
    then room.position + greatest(0, extract(epoch from at - greatest(room.playback_updated_at, coalesce(room.playback_starts_at, room.playback_updated_at)))) * room.playback_rate
    else room.position end
$$;

-- The state clients follow, with the server's clock at the time it was read.
create or replace function private.playback_state(room public.rooms)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'room_id', room.id,
    'is_playing', room.is_playing,
    'position', room.position,
    'rate', room.playback_rate,
    'version', room.playback_version,
    'updated_at', room.playback_updated_at,
    'starts_at', room.playback_starts_at,
    'awaiting_ready', room.awaiting_ready,
    'wait_for_ready', room.wait_for_ready,
    'status', room.status,
    'server_time', clock_timestamp(),
    'expected_position', private.expected_position(room, clock_timestamp())
  )
$$;

-- How far ahead to schedule a start: the controller's own lead (0 to 2 s) when it asks for one,
-- else twice the slowest present member's latency plus a margin, between 150 ms and 2 s.
create or replace function private.start_lead(p_room_id uuid, p_lead_ms integer)
  returns interval
  language sql
  stable
  set search_path = ''
as $$
  select make_interval(secs => case
    when p_lead_ms is not null then least(2000, greatest(0, p_lead_ms))
    else greatest(150, least(2000, coalesce((
      select 2 * max(m.latency_ms) + 100 from public.room_members m
       where m.room_id = p_room_id and not m.banned and m.last_seen_at > now() - interval '30 seconds'
    ), 150)))
  end / 1000.0)
$$;

-- Everyone present is ready (members not seen for 30 s do not hold the room).
create or replace function private.everyone_ready(p_room_id uuid)
  returns boolean
  language sql
  stable
  set search_path = ''
as $$
  select not exists (
    select from public.room_members m
     where m.room_id = p_room_id and not m.banned and m.last_seen_at > now() - interval '30 seconds'
       and m.sync_state not in ('ready', 'synced')
  )
$$;

create or replace function private.control_playback(
  p_room_id uuid,
  p_action text,
  p_position numeric,
  p_rate numeric,
  p_expected_version bigint,
  p_lead_ms integer default null
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  room public.rooms := private.locked_room_for(p_room_id, array['host', 'moderator', 'member']);
  here numeric;
  lead interval;
begin
  if not private.can_control_playback(p_room_id) then
    raise exception 'forbidden' using errcode = '42501', detail = 'Only the host and moderators control playback in this room';
  end if;
  if p_expected_version is not null and p_expected_version <> room.playback_version then
    raise exception 'version_conflict' using errcode = 'P0001',
      detail = private.playback_state(room)::text,
      hint = format('The state is at version %s, not %s', room.playback_version, p_expected_version);
  end if;
  here := private.expected_position(room, clock_timestamp());
  lead := private.start_lead(p_room_id, p_lead_ms);
  if room.media_duration is not null then
    here := least(here, room.media_duration);
  end if;

  case p_action
    when 'play' then
      room.position := coalesce(p_position, here);
      if room.wait_for_ready and not private.everyone_ready(p_room_id) then
        room.is_playing := false;
        room.awaiting_ready := true;
        room.playback_starts_at := null;
      else
        room.is_playing := true;
        room.awaiting_ready := false;
        room.playback_starts_at := clock_timestamp() + lead;
      end if;
    when 'pause' then
      room.position := coalesce(p_position, here);
      room.is_playing := false;
      room.awaiting_ready := false;
      room.playback_starts_at := null;
    when 'seek' then
      if p_position is null then
        raise exception 'invalid_action' using errcode = 'P0001', detail = 'seek needs a position';
      end if;
      room.position := p_position;
      room.playback_starts_at := case when room.is_playing then clock_timestamp() + lead end;
    when 'rate' then
      if p_rate is null or p_rate <= 0 or p_rate > 4 then
        raise exception 'invalid_action' using errcode = 'P0001', detail = 'rate must be in (0, 4]';
      end if;
      room.position := here;
      room.playback_rate := p_rate;
      room.playback_starts_at := case when room.is_playing then clock_timestamp() end;
    else
      raise exception 'invalid_action' using errcode = 'P0001', detail = 'action is play, pause, seek or rate';
  end case;
  if room.media_duration is not null and room.position > room.media_duration then
    raise exception 'invalid_action' using errcode = 'P0001', detail = format('position is past the end (%s s)', room.media_duration);
  end if;

  update public.rooms
     set is_playing = room.is_playing, position = room.position, playback_rate = room.playback_rate,
         playback_starts_at = room.playback_starts_at, awaiting_ready = room.awaiting_ready
   where id = p_room_id
  returning * into room;
  return private.playback_state(room);
end
$$;

-- A member's report: presence, sync state, latency. With wait_for_ready, the last member to get
-- ready starts a held play, and a member buffering during play holds the room. The state comes
-- back with `changed`: whether this report changed playback (then it is worth broadcasting).
create or replace function private.report_sync(p_room_id uuid, p_state text, p_latency_ms integer)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  room public.rooms := private.locked_room_for(p_room_id, array['host', 'moderator', 'member']);
  uid uuid := private.require_user();
  changed boolean := false;
begin
  if p_state is not null and p_state not in ('unknown', 'ready', 'buffering', 'synced', 'drifting') then
    raise exception 'invalid_state' using errcode = 'P0001', detail = 'state is unknown, ready, buffering, synced or drifting';
  end if;
  update public.room_members
     set last_seen_at = now(), sync_state = coalesce(p_state, sync_state), latency_ms = coalesce(p_latency_ms, latency_ms)
   where room_id = p_room_id and user_id = uid;

  if room.wait_for_ready and room.is_playing and p_state = 'buffering' then
    update public.rooms
       set position = private.expected_position(room, clock_timestamp()), is_playing = false,
           awaiting_ready = true, playback_starts_at = null
     where id = p_room_id
    returning * into room;
    changed := true;
  elsif room.awaiting_ready and private.everyone_ready(p_room_id) then
    update public.rooms
       set is_playing = true, awaiting_ready = false,
           playback_starts_at = clock_timestamp() + private.start_lead(p_room_id, null)
     where id = p_room_id
    returning * into room;
    changed := true;
  end if;
  return private.playback_state(room) || jsonb_build_object('changed', changed);
end
$$;

grant execute on function
  private.control_playback(uuid, text, numeric, numeric, bigint, integer),
  private.report_sync(uuid, text, integer)
to authenticated, service_role;
