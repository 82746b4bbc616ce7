-- Realtime: postgres_changes for rooms, members and comments; the private channel
-- `room:<id>` (members read and write broadcast and presence, nobody else anything) fed by
-- triggers with comment, membership and counter changes; the private channel `user:<id>` with
-- that user's notifications; public counters on `content:<id>`.

alter publication supabase_realtime add table public.rooms, public.room_members, public.comments;
-- DELETEs carry the whole old row, so clients know which room a removed member or comment was in.
alter table public.room_members replica identity full;
alter table public.comments replica identity full;

-- Channel authorization on realtime.messages -----------------------------------------------------
create policy "Room members can read their room channel" on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension in ('broadcast', 'presence')
    and private.is_room_member(private.topic_room_id((select realtime.topic())))
  );
create policy "Room members can write to their room channel" on realtime.messages
  for insert to authenticated
  with check (
    realtime.messages.extension in ('broadcast', 'presence')
    and private.is_room_member(private.topic_room_id((select realtime.topic())))
  );
create policy "Users can read their own user channel" on realtime.messages
  for select to authenticated
  using ((select realtime.topic()) = 'user:' || (select auth.uid())::text);

-- Broadcasts from the database -------------------------------------------------------------------
-- As definer (postgres bypasses RLS): the writer of a comment may not write to every channel
-- the change must reach (a follower's user channel, say).
create or replace function private.broadcast_room_change()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  room uuid := coalesce(new.room_id, old.room_id);
begin
  perform realtime.broadcast_changes(
    'room:' || room, case tg_table_name when 'comments' then 'comment' else 'member' end,
    tg_op, tg_table_name, tg_table_schema, new, old
  );
  return null;
end
$$;

create trigger comments_broadcast after insert or update or delete on public.comments
  for each row execute function private.broadcast_room_change();
-- Heartbeats and read positions change last_seen_at/last_read_at all the time; only changes that
-- matter to others are broadcast.
create trigger room_members_broadcast after insert or delete on public.room_members
  for each row execute function private.broadcast_room_change();
create trigger room_members_broadcast_update after update on public.room_members
  for each row
  when ((old.role, old.banned, old.sync_state) is distinct from (new.role, new.banned, new.sync_state))
  execute function private.broadcast_room_change();

-- Counters: member_count of a room, reaction counts of a comment, interaction counts of content.
create or replace function private.broadcast_counters()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  reaction_comment uuid;
  reaction_room uuid;
begin
  if tg_table_name = 'rooms' then
    perform realtime.send(
      jsonb_build_object('room_id', new.id, 'member_count', new.member_count, 'max_members', new.max_members),
      'counters', 'room:' || new.id);
  elsif tg_table_name = 'comment_reactions' then
    reaction_comment := coalesce(new.comment_id, old.comment_id);
    reaction_room := coalesce(new.room_id, old.room_id);
    perform realtime.send(
      jsonb_build_object(
        'comment_id', reaction_comment,
        'reactions', coalesce((
          select jsonb_object_agg(x.emoji, x.n)
            from (select r.emoji, count(*) as n from public.comment_reactions r
                   where r.comment_id = reaction_comment group by r.emoji) x), '{}'::jsonb)),
      'reactions', 'room:' || reaction_room);
  elsif tg_table_name = 'contents' then
    perform realtime.send(
      jsonb_build_object('content_id', new.id, 'likes_count', new.likes_count,
                         'views_count', new.views_count, 'shares_count', new.shares_count),
      'counters', 'content:' || new.id, false);
  end if;
  return null;
end
$$;

create trigger rooms_broadcast_counters after update on public.rooms
  for each row when (old.member_count is distinct from new.member_count)
  execute function private.broadcast_counters();
create trigger comment_reactions_broadcast_counters after insert or delete on public.comment_reactions
  for each row execute function private.broadcast_counters();
create trigger contents_broadcast_counters after update on public.contents
  for each row
  when ((old.likes_count, old.views_count, old.shares_count) is distinct from (new.likes_count, new.views_count, new.shares_count))
  execute function private.broadcast_counters();

-- Notifications reach their user live.
create or replace function private.broadcast_notification()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform realtime.send(to_jsonb(new), 'notification', 'user:' || new.user_id);
  return null;
end
$$;

create trigger notifications_broadcast after insert on public.notifications
  for each row execute function private.broadcast_notification();
