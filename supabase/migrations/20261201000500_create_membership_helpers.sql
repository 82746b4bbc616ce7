-- Membership checks for policies. Security definer, so a policy on room_members can ask about
-- room_members without recursing into its own policies; each reads the caller from auth.uid().

create or replace function private.is_room_member(p_room_id uuid)
  returns boolean
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select exists (
    select from public.room_members m
     where m.room_id = p_room_id and m.user_id = (select auth.uid()) and not m.banned
  )
$$;

-- 'host', 'moderator', 'member', or null for non-members and banned members.
create or replace function private.room_role(p_room_id uuid)
  returns text
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select m.role from public.room_members m
   where m.room_id = p_room_id and m.user_id = (select auth.uid()) and not m.banned
$$;

-- Host and moderators control playback; everyone does in 'everyone' mode. Never in ended rooms.
create or replace function private.can_control_playback(p_room_id uuid)
  returns boolean
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select coalesce((
    select m.role in ('host', 'moderator') or r.control_mode = 'everyone'
      from public.rooms r
      join public.room_members m on m.room_id = r.id
     where r.id = p_room_id and r.status <> 'ended'
       and m.user_id = (select auth.uid()) and not m.banned
  ), false)
$$;

-- The room of a Realtime topic `room:<uuid>`, or null for any other topic.
create or replace function private.topic_room_id(p_topic text)
  returns uuid
  language sql
  immutable
  set search_path = ''
as $$
  select case when p_topic ~ '^room:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
              then substr(p_topic, 6)::uuid end
$$;

grant execute on function private.is_room_member(uuid) to authenticated, service_role;
grant execute on function private.room_role(uuid) to authenticated, service_role;
grant execute on function private.can_control_playback(uuid) to authenticated, service_role;
grant execute on function private.topic_room_id(text) to authenticated, service_role;
