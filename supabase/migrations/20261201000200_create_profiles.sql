-- Profiles: one per auth.users row, created by trigger; display name, avatar and a status.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(display_name) between 1 and 50),
  avatar_url text check (avatar_url is null or avatar_url ~ '^https?://'),
  status text not null default 'offline' check (status in ('online', 'away', 'busy', 'offline')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'Public face of a user: what other members see next to their comments and presence.';

alter table public.profiles enable row level security;

create policy "Signed-in users can read profiles" on public.profiles
  for select to authenticated using (true);
create policy "Users can update their own profile" on public.profiles
  for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

revoke all on public.profiles from anon, authenticated;
grant select, update (display_name, avatar_url, status) on public.profiles to authenticated;

-- A display name from what sign-up gave: metadata, the email's local part, else "Guest".
create or replace function private.create_profile()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  name text := coalesce(
    nullif(btrim(new.raw_user_meta_data ->> 'display_name'), ''),
    nullif(split_part(coalesce(new.email, ''), '@', 1), ''),
    'Guest'
  );
begin
  insert into public.profiles (id, display_name, avatar_url)
  values (new.id, left(name, 50), nullif(new.raw_user_meta_data ->> 'avatar_url', ''))
  on conflict (id) do nothing;
  return new;
end
$$;

create trigger on_auth_user_created_create_profile
  after insert on auth.users
  for each row execute function private.create_profile();

create or replace function private.touch_updated_at()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
grant execute on function private.touch_updated_at() to authenticated, service_role;

create trigger profiles_touch_updated_at
  before update on public.profiles
  for each row execute function private.touch_updated_at();
