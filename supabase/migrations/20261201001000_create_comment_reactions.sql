-- Reactions on comments: one of each emoji per user per comment.

create table public.comment_reactions (
  comment_id uuid not null references public.comments (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  emoji text not null check (char_length(emoji) between 1 and 16 and emoji !~ '\s'),
  -- The comment's room, copied by trigger so policies need no join.
  room_id uuid not null references public.rooms (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (comment_id, user_id, emoji)
);
create index comment_reactions_room_idx on public.comment_reactions (room_id);

alter table public.comment_reactions enable row level security;
revoke all on public.comment_reactions from anon, authenticated;
grant select, delete on public.comment_reactions to authenticated;
grant insert (comment_id, emoji) on public.comment_reactions to authenticated;

-- The room of a live comment, whoever asks (the policy then decides whether they may react).
create or replace function private.live_comment_room(p_comment_id uuid)
  returns uuid
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select c.room_id from public.comments c where c.id = p_comment_id and c.deleted_at is null
$$;

create or replace function private.prepare_new_reaction()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.room_id := private.live_comment_room(new.comment_id);
  if new.room_id is null then
    raise exception 'comment_not_found' using errcode = 'P0001', detail = 'No live comment with this id';
  end if;
  if private.is_client_role() then
    new.user_id := (select auth.uid());
    new.created_at := now();
  end if;
  return new;
end
$$;

grant execute on function private.live_comment_room(uuid), private.prepare_new_reaction() to authenticated, service_role;

create trigger comment_reactions_prepare_new
  before insert on public.comment_reactions
  for each row execute function private.prepare_new_reaction();

create policy "Members can read reactions in their rooms" on public.comment_reactions
  for select to authenticated using (private.is_room_member(room_id));
create policy "Members can react in their rooms" on public.comment_reactions
  for insert to authenticated
  with check (user_id = (select auth.uid()) and private.is_room_member(room_id));
create policy "Members can take back their reactions" on public.comment_reactions
  for delete to authenticated using (user_id = (select auth.uid()));
