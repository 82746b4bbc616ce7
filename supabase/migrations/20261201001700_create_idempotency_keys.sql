-- Results of creates made with an idempotency key, so a client retrying a create (after a
-- timeout, say) gets the first result back instead of a second room.

create table private.idempotent_results (
  user_id uuid not null,
  scope text not null,
  key text not null check (char_length(key) between 1 and 200),
  result jsonb not null,
  created_at timestamptz not null default now(),
  primary key (user_id, scope, key)
);
alter table private.idempotent_results enable row level security;

-- Starts an idempotent create: serializes calls with the same key (a transaction lock), then
-- returns the caller's earlier result for it, or null when this call is the first.
create or replace function private.begin_idempotent(p_scope text, p_key text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  uid uuid := private.require_user();
begin
  perform pg_advisory_xact_lock(hashtextextended(uid::text || '/' || p_scope || '/' || p_key, 0));
  return (
    select r.result from private.idempotent_results r
     where r.user_id = uid and r.scope = p_scope and r.key = p_key and r.created_at > now() - interval '24 hours'
  );
end
$$;

-- Stores the result and returns what is stored: a key reused after its 24 hours starts over.
create or replace function private.remember_result(p_scope text, p_key text, p_result jsonb)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  stored jsonb;
begin
  insert into private.idempotent_results (user_id, scope, key, result)
  values (private.require_user(), p_scope, p_key, p_result)
  on conflict (user_id, scope, key) do update
    set result = excluded.result, created_at = excluded.created_at
    where private.idempotent_results.created_at <= now() - interval '24 hours'
  returning result into stored;
  if stored is null then
    select r.result into stored from private.idempotent_results r
     where r.user_id = private.require_user() and r.scope = p_scope and r.key = p_key;
  end if;
  return stored;
end
$$;

grant execute on function private.begin_idempotent(text, text), private.remember_result(text, text, jsonb)
  to authenticated, service_role;
