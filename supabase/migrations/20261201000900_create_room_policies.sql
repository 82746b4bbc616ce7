-- Who sees and changes rooms, memberships and comments. Non-members see nothing of a room
-- (public rooms are listed through the public_rooms view); banned members are non-members;
-- anonymous callers (no session) see none of it.

alter table public.rooms enable row level security;
alter table public.room_members enable row level security;
alter table public.comments enable row level security;

revoke all on public.rooms, public.room_members, public.comments from anon, authenticated;

-- rooms ----------------------------------------------------------------------------------------
grant select on public.rooms to authenticated;
grant insert (name, visibility, max_members, media_url, media_title, media_kind, media_duration, control_mode)
  on public.rooms to authenticated;
grant update (name, visibility, status, max_members, media_url, media_title, media_kind, media_duration,
              control_mode, is_playing, position, playback_rate)
  on public.rooms to authenticated;

create policy "Members can read their rooms" on public.rooms
  for select to authenticated
  -- The host clause lets `insert ... returning` see the new room before its host membership exists.
  using (host_id = (select auth.uid()) or private.is_room_member(id));
create policy "Signed-in users can create rooms they host" on public.rooms
  for insert to authenticated
  -- host_id is set to the caller by rooms_prepare_new before this check runs.
  with check (host_id = (select auth.uid()));
create policy "Hosts and playback controllers can update their rooms" on public.rooms
  for update to authenticated
  using (private.room_role(id) = 'host' or private.can_control_playback(id))
  with check (private.room_role(id) = 'host' or private.can_control_playback(id));

-- room_members -----------------------------------------------------------------------------------
grant select on public.room_members to authenticated;
grant update (last_seen_at, last_read_at, sync_state) on public.room_members to authenticated;
grant delete on public.room_members to authenticated;

create policy "Members can read their room's members" on public.room_members
  for select to authenticated
  using (private.is_room_member(room_id) or user_id = (select auth.uid()));
create policy "Members can update their own membership" on public.room_members
  for update to authenticated
  using (user_id = (select auth.uid()) and not banned)
  with check (user_id = (select auth.uid()) and not banned);
create policy "Members can leave their rooms" on public.room_members
  for delete to authenticated
  using (user_id = (select auth.uid()) and not banned);

-- comments -------------------------------------------------------------------------------------
grant select on public.comments to authenticated;
grant insert (id, room_id, body, video_ts, parent_id, client_id) on public.comments to authenticated;
grant update (body, deleted_at) on public.comments to authenticated;

create policy "Members can read their room's comments" on public.comments
  for select to authenticated
  using (private.is_room_member(room_id));
create policy "Members can comment in their open rooms" on public.comments
  for insert to authenticated
  with check (
    author_id = (select auth.uid()) and kind = 'user' and private.is_room_member(room_id)
    and exists (select from public.rooms r where r.id = room_id and r.status <> 'ended')
  );
create policy "Authors can edit and delete their comments" on public.comments
  for update to authenticated
  using (author_id = (select auth.uid()) and kind = 'user' and private.is_room_member(room_id))
  with check (author_id = (select auth.uid()) and private.is_room_member(room_id));
create policy "Moderators can delete comments in their rooms" on public.comments
  for update to authenticated
  using (private.room_role(room_id) in ('host', 'moderator'))
  with check (private.room_role(room_id) in ('host', 'moderator'));

-- New comments are the caller's own user comments, whatever the client sent; replies stay in
-- their room.
create or replace function private.prepare_new_comment()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.is_client_role() then
    new.author_id := (select auth.uid());
    new.kind := 'user';
    new.created_at := now();
    new.edited_at := null;
    new.deleted_at := null;
  end if;
  if new.body is not null then
    new.body := btrim(new.body);
  end if;
  if new.parent_id is not null
     and not exists (select from public.comments c where c.id = new.parent_id and c.room_id = new.room_id) then
    raise exception 'invalid_parent' using errcode = 'P0001', detail = 'A reply must answer a comment of the same room';
  end if;
  return new;
end
$$;
grant execute on function private.prepare_new_comment() to authenticated, service_role;

create trigger comments_prepare_new
  before insert on public.comments
  for each row execute function private.prepare_new_comment();

-- Edits: the author changes the text (stamped edited_at) or deletes; a moderator may only
-- delete. Deleting clears the text; a deleted comment changes no more.
create or replace function private.guard_comment_update()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  is_author boolean := old.author_id = (select auth.uid()) and old.kind = 'user';
begin
  -- Deleting clears the text, whoever deletes.
  if new.deleted_at is not null and old.deleted_at is null then
    new.deleted_at := now();
    new.body := null;
    return new;
  end if;
  if not private.is_client_role() then
    return new;
  end if;
  if old.deleted_at is not null then
    raise exception 'comment_deleted' using errcode = 'P0001', detail = 'A deleted comment cannot change';
  end if;
  if not is_author then
    raise exception 'forbidden' using errcode = '42501', detail = 'Only the author edits a comment; moderators may delete it';
  end if;
  new.body := btrim(new.body);
  if new.body is distinct from old.body then
    new.edited_at := now();
  end if;
  return new;
end
$$;
grant execute on function private.guard_comment_update() to authenticated, service_role;

create trigger comments_guard_update
  before update on public.comments
  for each row execute function private.guard_comment_update();
