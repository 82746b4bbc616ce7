-- Room operations a member cannot do with a plain write: join by invite code (capacity, bans,
-- idempotent), leave, kick, ban, unban, promote/demote, transfer host, end. Each acts as
-- auth.uid() and fails with a stable code in the message (SQLSTATE P0001, or 42501 for a
-- missing permission): room_not_found, room_ended, room_full, banned, not_a_member,
-- forbidden, invalid_target, not_authenticated.

create or replace function private.require_user()
  returns uuid
  language plpgsql
  stable
  set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
begin
  if uid is null then
    raise exception 'not_authenticated' using errcode = '42501', detail = 'Sign in first';
  end if;
  return uid;
end
$$;

-- The room, locked for the rest of the transaction; fails unless the caller holds one of `roles`.
create or replace function private.locked_room_for(p_room_id uuid, p_roles text[])
  returns public.rooms
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  room public.rooms;
  uid uuid := private.require_user();
  role text;
begin
  select * into room from public.rooms r where r.id = p_room_id for update;
  role := private.room_role(p_room_id);
  if not found or role is null then
    -- Non-members learn nothing about the room, not even that it exists.
    raise exception 'not_a_member' using errcode = 'P0001', detail = 'You are not a member of this room';
  end if;
  if not role = any (p_roles) then
    raise exception 'forbidden' using errcode = '42501',
      detail = format('This needs the %s role; you are %s', array_to_string(p_roles, ' or '), role);
  end if;
  if room.status = 'ended' then
    raise exception 'room_ended' using errcode = 'P0001', detail = 'This room has ended';
  end if;
  return room;
end
$$;

-- Join by invite code (case, spaces and dashes ignored). Joining a room you are in returns
-- your membership unchanged.
create or replace function private.join_room(p_invite_code text)
  returns public.room_members
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  uid uuid := private.require_user();
  code text := upper(regexp_replace(coalesce(p_invite_code, ''), '[\s-]', '', 'g'));
  room public.rooms;
  membership public.room_members;
begin
  select * into room from public.rooms r where r.invite_code = code for update;
  if not found then
    raise exception 'room_not_found' using errcode = 'P0001', detail = 'No room has this invite code';
  end if;
  select * into membership from public.room_members m where m.room_id = room.id and m.user_id = uid;
  if found and membership.banned then
    raise exception 'banned' using errcode = 'P0001', detail = 'You were banned from this room';
  end if;
  if room.status = 'ended' then
    raise exception 'room_ended' using errcode = 'P0001', detail = 'This room has ended';
  end if;
  if found then
    return membership;
  end if;
  if room.member_count >= room.max_members then
    raise exception 'room_full' using errcode = 'P0001',
      detail = format('This room has %s of %s members', room.member_count, room.max_members);
  end if;
  insert into public.room_members (room_id, user_id, role) values (room.id, uid, 'member')
  returning * into membership;
  return membership;
end
$$;

create or replace function private.leave_room(p_room_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  uid uuid := private.require_user();
begin
  perform private.locked_room_for(p_room_id, array['host', 'moderator', 'member']);
  delete from public.room_members where room_id = p_room_id and user_id = uid;
end
$$;

-- The target of a moderation action: a non-banned member other than the caller, and not
-- someone of equal or higher role unless the caller is the host.
create or replace function private.moderation_target(p_room_id uuid, p_user_id uuid)
  returns public.room_members
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  target public.room_members;
  actor text := private.room_role(p_room_id);
begin
  select * into target from public.room_members m where m.room_id = p_room_id and m.user_id = p_user_id;
  if not found or p_user_id = (select auth.uid()) then
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'No such other member in this room';
  end if;
  if target.role = 'host' or (target.role = 'moderator' and actor <> 'host') then
    raise exception 'forbidden' using errcode = '42501', detail = format('A %s cannot act on the %s', actor, target.role);
  end if;
  return target;
end
$$;

create or replace function private.kick_member(p_room_id uuid, p_user_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  target public.room_members;
begin
  perform private.locked_room_for(p_room_id, array['host', 'moderator']);
  target := private.moderation_target(p_room_id, p_user_id);
  if target.banned then
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'This member is banned, not present';
  end if;
  delete from public.room_members where room_id = p_room_id and user_id = p_user_id;
end
$$;

create or replace function private.ban_member(p_room_id uuid, p_user_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  uid uuid := private.require_user();
begin
  perform private.locked_room_for(p_room_id, array['host', 'moderator']);
  if p_user_id = uid then
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'You cannot ban yourself';
  end if;
  if exists (select from public.room_members m where m.room_id = p_room_id and m.user_id = p_user_id) then
    perform private.moderation_target(p_room_id, p_user_id);
    update public.room_members set banned = true, banned_at = now(), role = 'member'
     where room_id = p_room_id and user_id = p_user_id and not banned;
  elsif exists (select from public.profiles p where p.id = p_user_id) then
    -- Banning someone who is not (or no longer) here keeps them out too.
    insert into public.room_members (room_id, user_id, role, banned, banned_at)
    values (p_room_id, p_user_id, 'member', true, now());
  else
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'No such user';
  end if;
end
$$;

create or replace function private.unban_member(p_room_id uuid, p_user_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform private.locked_room_for(p_room_id, array['host', 'moderator']);
  delete from public.room_members where room_id = p_room_id and user_id = p_user_id and banned;
  if not found then
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'This user is not banned here';
  end if;
end
$$;

-- Promote to moderator or demote to member; the host only.
create or replace function private.set_member_role(p_room_id uuid, p_user_id uuid, p_role text)
  returns public.room_members
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  membership public.room_members;
begin
  perform private.locked_room_for(p_room_id, array['host']);
  if p_role is null or p_role not in ('moderator', 'member') then
    raise exception 'invalid_role' using errcode = 'P0001', detail = 'A role is moderator or member; use transfer_host for host';
  end if;
  update public.room_members set role = p_role
   where room_id = p_room_id and user_id = p_user_id and not banned and role <> 'host'
  returning * into membership;
  if not found then
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'No such other member in this room';
  end if;
  return membership;
end
$$;

-- Hand the room to another member; the old host stays on as a moderator.
create or replace function private.transfer_host(p_room_id uuid, p_user_id uuid)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  uid uuid := private.require_user();
begin
  perform private.locked_room_for(p_room_id, array['host']);
  if p_user_id = uid or not exists (
    select from public.room_members m where m.room_id = p_room_id and m.user_id = p_user_id and not m.banned
  ) then
    raise exception 'invalid_target' using errcode = 'P0001', detail = 'No such other member in this room';
  end if;
  perform set_config('watchroom.host_transfer', p_room_id::text, true);
  update public.room_members set role = 'moderator' where room_id = p_room_id and user_id = uid;
  update public.room_members set role = 'host' where room_id = p_room_id and user_id = p_user_id;
  update public.rooms set host_id = p_user_id where id = p_room_id;
  perform set_config('watchroom.host_transfer', '', true);
  perform private.post_system_comment(p_room_id, p_user_id, 'is now the host');
end
$$;

create or replace function private.end_room(p_room_id uuid)
  returns public.rooms
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  room public.rooms;
begin
  perform private.locked_room_for(p_room_id, array['host']);
  update public.rooms set status = 'ended', ended_at = now(), is_playing = false
   where id = p_room_id
  returning * into room;
  perform private.post_system_comment(p_room_id, (select auth.uid()), 'ended the room');
  return room;
end
$$;

grant execute on function
  private.join_room(text),
  private.leave_room(uuid),
  private.kick_member(uuid, uuid),
  private.ban_member(uuid, uuid),
  private.unban_member(uuid, uuid),
  private.set_member_role(uuid, uuid, text),
  private.transfer_host(uuid, uuid),
  private.end_room(uuid)
to authenticated, service_role;

-- The same operations as RPCs (supabase.rpc('join_room', { invite_code })): thin invoker
-- wrappers, so the privileged code stays in the private schema.
create or replace function public.join_room(invite_code text) returns public.room_members
  language sql security invoker set search_path = '' as $$ select * from private.join_room(invite_code) $$;
create or replace function public.leave_room(room_id uuid) returns void
  language sql security invoker set search_path = '' as $$ select private.leave_room(room_id) $$;
create or replace function public.kick_member(room_id uuid, user_id uuid) returns void
  language sql security invoker set search_path = '' as $$ select private.kick_member(room_id, user_id) $$;
create or replace function public.ban_member(room_id uuid, user_id uuid) returns void
  language sql security invoker set search_path = '' as $$ select private.ban_member(room_id, user_id) $$;
create or replace function public.unban_member(room_id uuid, user_id uuid) returns void
  language sql security invoker set search_path = '' as $$ select private.unban_member(room_id, user_id) $$;
create or replace function public.set_member_role(room_id uuid, user_id uuid, role text) returns public.room_members
  language sql security invoker set search_path = '' as $$ select * from private.set_member_role(room_id, user_id, role) $$;
create or replace function public.transfer_host(room_id uuid, user_id uuid) returns void
  language sql security invoker set search_path = '' as $$ select private.transfer_host(room_id, user_id) $$;
create or replace function public.end_room(room_id uuid) returns public.rooms
  language sql security invoker set search_path = '' as $$ select * from private.end_room(room_id) $$;

revoke execute on function
  public.join_room(text),
  public.leave_room(uuid),
  public.kick_member(uuid, uuid),
  public.ban_member(uuid, uuid),
  public.unban_member(uuid, uuid),
  public.set_member_role(uuid, uuid, text),
  public.transfer_host(uuid, uuid),
  public.end_room(uuid)
from public, anon;
grant execute on function
  public.join_room(text),
  public.leave_room(uuid),
  public.kick_member(uuid, uuid),
  public.ban_member(uuid, uuid),
  public.unban_member(uuid, uuid),
  public.set_member_role(uuid, uuid, text),
  public.transfer_host(uuid, uuid),
  public.end_room(uuid)
to authenticated, service_role;
