-- Content and its interactions (seed 001): a video with live like/view/share counters, likes
-- (one per user), views (one per user per hour), shares, and watch progress. Counters are kept
-- exact by triggers under the content row's lock, so concurrent likes never lose a count.

create table public.contents (
  id uuid primary key default gen_random_uuid(),
  creator_id uuid not null references public.profiles (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  media_url text not null check (media_url ~ '^https?://'),
  media_kind text not null default 'video' check (media_kind in ('video', 'audio', 'stream')),
  duration numeric check (duration is null or duration >= 0),
  visibility text not null default 'public' check (visibility in ('public', 'private')),
  likes_count bigint not null default 0 check (likes_count >= 0),
  views_count bigint not null default 0 check (views_count >= 0),
  shares_count bigint not null default 0 check (shares_count >= 0),
  created_at timestamptz not null default now()
);
create index contents_creator_idx on public.contents (creator_id, created_at desc);

create table public.content_likes (
  content_id uuid not null references public.contents (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (content_id, user_id)
);
create index content_likes_user_idx on public.content_likes (user_id);

-- A view counts once per user per hour: the window is set by the database, not the client.
create table public.content_views (
  content_id uuid not null references public.contents (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  view_window timestamptz not null default date_trunc('hour', now()),
  created_at timestamptz not null default now(),
  primary key (content_id, user_id, view_window)
);

create table public.content_shares (
  id uuid primary key default gen_random_uuid(),
  content_id uuid not null references public.contents (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  channel text not null default 'link' check (channel in ('link', 'room', 'social', 'other')),
  created_at timestamptz not null default now()
);
create index content_shares_content_idx on public.content_shares (content_id);

create table public.watch_progress (
  content_id uuid not null references public.contents (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  position numeric not null default 0 check (position >= 0),
  duration numeric check (duration is null or duration >= 0),
  completed boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (content_id, user_id)
);

-- Interactions are the caller's own, stamped by the database.
create or replace function private.own_interaction()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.is_client_role() then
    new.user_id := (select auth.uid());
    if tg_table_name = 'content_views' then
      new.view_window := date_trunc('hour', now());
    end if;
    if tg_table_name = 'watch_progress' then
      new.updated_at := now();
    else
      new.created_at := now();
    end if;
  end if;
  return new;
end
$$;
grant execute on function private.own_interaction() to authenticated, service_role;

create trigger content_likes_own before insert on public.content_likes
  for each row execute function private.own_interaction();
create trigger content_views_own before insert on public.content_views
  for each row execute function private.own_interaction();
create trigger content_shares_own before insert on public.content_shares
  for each row execute function private.own_interaction();
create trigger watch_progress_own before insert or update on public.watch_progress
  for each row execute function private.own_interaction();

-- Counters: one update of the content row per interaction, which also serializes them.
create or replace function private.count_interaction()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  delta integer := case when tg_op = 'INSERT' then 1 else -1 end;
  content uuid := coalesce(new.content_id, old.content_id);
begin
  if tg_table_name = 'content_likes' then
    update public.contents set likes_count = likes_count + delta where id = content;
  elsif tg_table_name = 'content_views' then
    update public.contents set views_count = views_count + delta where id = content;
  else
    update public.contents set shares_count = shares_count + delta where id = content;
  end if;
  return null;
end
$$;

create trigger content_likes_count after insert or delete on public.content_likes
  for each row execute function private.count_interaction();
create trigger content_views_count after insert or delete on public.content_views
  for each row execute function private.count_interaction();
create trigger content_shares_count after insert or delete on public.content_shares
  for each row execute function private.count_interaction();

-- Counters and the creator are the database's: clients edit title, media and visibility only.
create or replace function private.guard_content_update()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.is_client_role()
     and (new.id, new.creator_id, new.likes_count, new.views_count, new.shares_count, new.created_at)
         is distinct from (old.id, old.creator_id, old.likes_count, old.views_count, old.shares_count, old.created_at) then
    raise exception 'forbidden' using errcode = '42501', detail = 'Counters and the creator change only through interactions';
  end if;
  return new;
end
$$;
grant execute on function private.guard_content_update() to authenticated, service_role;

create trigger contents_guard_update before update on public.contents
  for each row execute function private.guard_content_update();

create or replace function private.prepare_new_content()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.is_client_role() then
    new.creator_id := (select auth.uid());
    new.likes_count := 0;
    new.views_count := 0;
    new.shares_count := 0;
    new.created_at := now();
  end if;
  return new;
end
$$;
grant execute on function private.prepare_new_content() to authenticated, service_role;

create trigger contents_prepare_new before insert on public.contents
  for each row execute function private.prepare_new_content();

-- Policies -------------------------------------------------------------------------------------
alter table public.contents enable row level security;
alter table public.content_likes enable row level security;
alter table public.content_views enable row level security;
alter table public.content_shares enable row level security;
alter table public.watch_progress enable row level security;
revoke all on public.contents, public.content_likes, public.content_views, public.content_shares, public.watch_progress
  from anon, authenticated;

grant select on public.contents to anon, authenticated;
grant insert (title, media_url, media_kind, duration, visibility) on public.contents to authenticated;
grant update (title, media_url, media_kind, duration, visibility) on public.contents to authenticated;
grant delete on public.contents to authenticated;
grant select, delete on public.content_likes to authenticated;
grant insert (content_id) on public.content_likes to authenticated;
grant select on public.content_views to authenticated;
grant insert (content_id) on public.content_views to authenticated;
grant select on public.content_shares to authenticated;
grant insert (content_id, channel) on public.content_shares to authenticated;
grant select, delete on public.watch_progress to authenticated;
grant insert (content_id, position, duration, completed), update (position, duration, completed)
  on public.watch_progress to authenticated;

-- Whether the caller may see a content item: public, or their own.
create or replace function private.can_see_content(p_content_id uuid)
  returns boolean
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select exists (
    select from public.contents c
     where c.id = p_content_id and (c.visibility = 'public' or c.creator_id = (select auth.uid()))
  )
$$;
grant execute on function private.can_see_content(uuid) to authenticated, service_role;

create policy "Anyone can read public content" on public.contents
  for select to anon, authenticated using (visibility = 'public');
create policy "Creators can read their own content" on public.contents
  for select to authenticated using (creator_id = (select auth.uid()));
create policy "Signed-in users can publish content" on public.contents
  for insert to authenticated with check (creator_id = (select auth.uid()));
create policy "Creators can edit their content" on public.contents
  for update to authenticated
  using (creator_id = (select auth.uid()))
  with check (creator_id = (select auth.uid()));
create policy "Creators can delete their content" on public.contents
  for delete to authenticated using (creator_id = (select auth.uid()));

create policy "Signed-in users can read likes of content they see" on public.content_likes
  for select to authenticated using (private.can_see_content(content_id));
create policy "Users can like content they see" on public.content_likes
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.can_see_content(content_id));
create policy "Users can take back their likes" on public.content_likes
  for delete to authenticated using (user_id = (select auth.uid()));

create policy "Users can read their own views" on public.content_views
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users can record views of content they see" on public.content_views
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.can_see_content(content_id));

create policy "Users can read their own shares" on public.content_shares
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users can share content they see" on public.content_shares
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.can_see_content(content_id));

create policy "Users can read their own progress" on public.watch_progress
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users can record their own progress" on public.watch_progress
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.can_see_content(content_id));
create policy "Users can update their own progress" on public.watch_progress
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy "Users can clear their own progress" on public.watch_progress
  for delete to authenticated using (user_id = (select auth.uid()));
