-- Room lifecycle in SQL, so every path (RPC, edge function, service role, cascades) obeys it:
-- the creator becomes host; member counts stay exact; joins, leaves and host changes leave
-- system comments; when the host leaves the longest-present moderator (else member) takes
-- over; when the last member leaves the room ends. Room rows are locked before membership
-- changes, so concurrent joins never exceed max_members and concurrent leaves never leave a
-- room without a host.

-- A notice in the room's chat, e.g. "Ada joined".
create or replace function private.post_system_comment(p_room_id uuid, p_user_id uuid, p_text text)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  who text := coalesce((select p.display_name from public.profiles p where p.id = p_user_id), 'Someone');
begin
  insert into public.comments (room_id, author_id, kind, body)
  values (p_room_id, p_user_id, 'system', left(who || ' ' || p_text, 1000));
end
$$;

-- The creator of a room is its host member.
create or replace function private.add_host_membership()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if new.host_id is not null then
    insert into public.room_members (room_id, user_id, role) values (new.id, new.host_id, 'host');
  end if;
  return null;
end
$$;

create trigger rooms_add_host_membership
  after insert on public.rooms
  for each row execute function private.add_host_membership();

-- Membership changes serialize on the room row: taken before the member row, always in that
-- order, so two leaves (or a leave and a join) cannot deadlock or both miss each other.
create or replace function private.lock_room_for_membership()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform from public.rooms r where r.id = coalesce(new.room_id, old.room_id) for update;
  return coalesce(new, old);
end
$$;

create trigger room_members_lock_room
  before insert or update or delete on public.room_members
  for each row execute function private.lock_room_for_membership();

-- What a member may change on their own row from a client: presence bookkeeping only. Roles,
-- bans and the rest change through the helpers below.
create or replace function private.guard_member_update()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.is_client_role()
     and (new.room_id, new.user_id, new.role, new.joined_at, new.banned, new.banned_at)
         is distinct from (old.room_id, old.user_id, old.role, old.joined_at, old.banned, old.banned_at) then
    raise exception 'forbidden' using errcode = '42501',
      detail = 'Members may change only last_seen_at, last_read_at and sync_state of their own membership';
  end if;
  return new;
end
$$;
grant execute on function private.guard_member_update() to authenticated, service_role;

create trigger room_members_guard_update
  before update on public.room_members
  for each row execute function private.guard_member_update();

-- Counts, notices, succession and the end of the room, after every membership change.
create or replace function private.after_membership_change()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  was_member boolean := tg_op <> 'INSERT' and not old.banned;
  is_member boolean := tg_op <> 'DELETE' and not new.banned;
  room public.rooms;
  successor uuid;
begin
  select * into room from public.rooms r where r.id = coalesce(new.room_id, old.room_id);
  if not found then
    return null; -- the room itself is being deleted
  end if;

  if was_member <> is_member then
    update public.rooms set member_count = member_count + case when is_member then 1 else -1 end
     where id = room.id;
  end if;

  if tg_op = 'INSERT' and is_member then
    perform private.post_system_comment(room.id, new.user_id, 'joined');
  elsif tg_op = 'DELETE' and was_member then
    perform private.post_system_comment(room.id, old.user_id, 'left');
  elsif tg_op = 'UPDATE' and was_member and not is_member then
    perform private.post_system_comment(room.id, new.user_id, 'was banned');
  end if;

  -- The host is gone (left, removed, demoted): hand the room on. transfer_host() names the
  -- successor itself and says so for this transaction.
  if ((tg_op = 'DELETE' and old.role = 'host') or (tg_op = 'UPDATE' and old.role = 'host' and new.role <> 'host'))
     and current_setting('watchroom.host_transfer', true) is distinct from room.id::text then
    select m.user_id into successor
      from public.room_members m
     where m.room_id = room.id and not m.banned and m.role <> 'host' and m.user_id <> old.user_id
     order by (m.role = 'moderator') desc, m.joined_at, m.user_id
     limit 1;
    if successor is not null then
      update public.room_members set role = 'host' where room_id = room.id and user_id = successor;
      update public.rooms set host_id = successor where id = room.id;
      perform private.post_system_comment(room.id, successor, 'is now the host');
    else
      update public.rooms set host_id = null where id = room.id;
    end if;
  end if;

  -- Nobody left: the room ends.
  if room.status <> 'ended'
     and not exists (select from public.room_members m where m.room_id = room.id and not m.banned) then
    update public.rooms
       set status = 'ended', ended_at = now(), is_playing = false, host_id = null
     where id = room.id;
  end if;
  return null;
end
$$;

create trigger room_members_after_change
  after insert or update or delete on public.room_members
  for each row execute function private.after_membership_change();

-- What a client may change on a room: playback (host, moderators, or everyone in 'everyone'
-- mode, as the update policy admits) and, for the host, the settings. Identity, counters and
-- the end of a room belong to the helpers below.
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
     and (new.name, new.visibility, new.status, new.max_members, new.control_mode,
          new.media_url, new.media_title, new.media_kind, new.media_duration)
         is distinct from (old.name, old.visibility, old.status, old.max_members, old.control_mode,
          old.media_url, old.media_title, old.media_kind, old.media_duration) then
    raise exception 'forbidden' using errcode = '42501', detail = 'Only the host changes room settings';
  end if;
  if (new.is_playing, new.position, new.playback_rate) is distinct from (old.is_playing, old.position, old.playback_rate)
     and not private.can_control_playback(old.id) then
    raise exception 'forbidden' using errcode = '42501', detail = 'Only the host and moderators control playback in this room';
  end if;
  return new;
end
$$;
grant execute on function private.guard_room_update() to authenticated, service_role;

create trigger rooms_guard_update
  before update on public.rooms
  for each row execute function private.guard_room_update();
