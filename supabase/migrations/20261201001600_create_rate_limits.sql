-- Per-user rate limits, kept in Postgres so every function worker (and every instance of one)
-- counts against the same budget. Sliding windows over a log of accepted hits: "10 per 10 s"
-- means no 10 s span holds more than 10, whatever the window boundaries.

create table private.rate_limit_hits (
  user_id uuid not null,
  action text not null,
  at timestamptz not null
);
create index rate_limit_hits_user_action_at_idx on private.rate_limit_hits (user_id, action, at);
alter table private.rate_limit_hits enable row level security;

-- Counts one hit of `p_action` for the caller. Returns 0 when allowed, else the milliseconds until
-- the oldest hit in the window leaves it (the Retry-After); a refused hit is not counted.
create or replace function private.take_rate_limit(p_action text, p_limit integer, p_window_seconds integer)
  returns integer
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  uid uuid := private.require_user();
  now_at timestamptz := clock_timestamp();
  span interval := make_interval(secs => p_window_seconds);
  oldest timestamptz;
begin
  -- Concurrent requests of one user for one action count one after the other.
  perform pg_advisory_xact_lock(hashtextextended('rate/' || uid::text || '/' || p_action, 0));
  delete from private.rate_limit_hits h where h.user_id = uid and h.action = p_action and h.at <= now_at - span;
  select h.at into oldest from private.rate_limit_hits h
   where h.user_id = uid and h.action = p_action
   order by h.at desc offset greatest(p_limit - 1, 0) limit 1;
  if found then
    return greatest(1, ceil(extract(epoch from oldest + span - now_at) * 1000))::integer;
  end if;
  insert into private.rate_limit_hits (user_id, action, at) values (uid, p_action, now_at);
  return 0;
end
$$;
grant execute on function private.take_rate_limit(text, integer, integer) to authenticated, service_role;
