-- The feed: users follow users; followers are notified when someone they follow publishes
-- content or opens a public room, and users are told about new followers.

create table public.follows (
  follower_id uuid not null references public.profiles (id) on delete cascade,
  followee_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (follower_id, followee_id),
  constraint follows_not_self check (follower_id <> followee_id)
);
create index follows_followee_idx on public.follows (followee_id);

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('new_content', 'new_room', 'new_follower')),
  actor_id uuid references public.profiles (id) on delete cascade,
  content_id uuid references public.contents (id) on delete cascade,
  room_id uuid references public.rooms (id) on delete cascade,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user_idx on public.notifications (user_id, created_at desc);

create or replace function private.own_follow()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.is_client_role() then
    new.follower_id := (select auth.uid());
    new.created_at := now();
  end if;
  return new;
end
$$;
grant execute on function private.own_follow() to authenticated, service_role;

create trigger follows_own before insert on public.follows
  for each row execute function private.own_follow();

-- Fan-out to followers, inside the publishing transaction.
create or replace function private.notify_followers()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  -- One branch per table: a field of another table's row cannot even be named here.
  if tg_table_name = 'contents' then
    if new.visibility = 'public' then
      insert into public.notifications (user_id, kind, actor_id, content_id)
      select f.follower_id, 'new_content', new.creator_id, new.id
        from public.follows f where f.followee_id = new.creator_id;
    end if;
  elsif tg_table_name = 'rooms' then
    if new.visibility = 'public' and new.host_id is not null then
      insert into public.notifications (user_id, kind, actor_id, room_id)
      select f.follower_id, 'new_room', new.host_id, new.id
        from public.follows f where f.followee_id = new.host_id;
    end if;
  else
    insert into public.notifications (user_id, kind, actor_id)
    values (new.followee_id, 'new_follower', new.follower_id);
  end if;
  return null;
end
$$;

create trigger contents_notify_followers after insert on public.contents
  for each row execute function private.notify_followers();
create trigger rooms_notify_followers after insert on public.rooms
  for each row execute function private.notify_followers();
create trigger follows_notify_followee after insert on public.follows
  for each row execute function private.notify_followers();

alter table public.follows enable row level security;
alter table public.notifications enable row level security;
revoke all on public.follows, public.notifications from anon, authenticated;
grant select, delete on public.follows to authenticated;
grant insert (followee_id) on public.follows to authenticated;
grant select, delete on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;

create policy "Signed-in users can read follows" on public.follows
  for select to authenticated using (true);
create policy "Users can follow others" on public.follows
  for insert to authenticated with check (follower_id = (select auth.uid()));
create policy "Users can unfollow" on public.follows
  for delete to authenticated using (follower_id = (select auth.uid()));

create policy "Users can read their notifications" on public.notifications
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users can mark their notifications read" on public.notifications
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy "Users can dismiss their notifications" on public.notifications
  for delete to authenticated using (user_id = (select auth.uid()));
