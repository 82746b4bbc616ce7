-- Ownership, row level security and grants of the auth tables, and the JWT helper functions
-- that RLS policies call.

-- Helpers ----------------------------------------------------------------------------------------
-- GoTrue's end-state definitions. Each reads the legacy per-claim setting first (old PostgREST,
-- test helpers that only set request.jwt.claim.sub), then the claims JSON. nullif(..., '') matters:
-- once a transaction that set these locally has ended, the setting reads back as '' on that
-- pooled connection instead of NULL.
--
-- Unlike every other function of the bootstrap these carry no `set search_path`: a function with
-- a SET clause is never inlined, and policies such as `auth.uid() = user_id` rely on the planner
-- inlining it. They are SECURITY INVOKER and name every function, operator and type by schema,
-- so the caller's search_path cannot redirect them.

create or replace function auth.uid()
  returns uuid
  language sql
  stable
as $uid$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim.sub', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::pg_catalog.jsonb
      operator(pg_catalog.->>) 'sub'
  )::pg_catalog.uuid
$uid$;

create or replace function auth.role()
  returns text
  language sql
  stable
as $role$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim.role', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::pg_catalog.jsonb
      operator(pg_catalog.->>) 'role'
  )::pg_catalog.text
$role$;

create or replace function auth.email()
  returns text
  language sql
  stable
as $email$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim.email', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::pg_catalog.jsonb
      operator(pg_catalog.->>) 'email'
  )::pg_catalog.text
$email$;

-- request.jwt.claim (singular) is what PostgREST < 9 set with the whole claim set.
create or replace function auth.jwt()
  returns jsonb
  language sql
  stable
as $jwt$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')
  )::pg_catalog.jsonb
$jwt$;

comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

-- Ownership and RLS --------------------------------------------------------------------------
-- GoTrue runs its migrations as supabase_auth_admin, so it owns everything here. RLS without any
-- policy: the API roles see nothing even if someone grants them a table.
do $owners$
declare
  name text;
begin
  foreach name in array array[
    'users', 'identities', 'oauth_clients', 'sessions', 'refresh_tokens', 'instances',
    'audit_log_entries', 'schema_migrations', 'mfa_factors', 'mfa_challenges', 'mfa_amr_claims',
    'flow_state', 'one_time_tokens', 'sso_providers', 'sso_domains', 'saml_providers',
    'saml_relay_states'
  ] loop
    -- Owned sequences (refresh_tokens.id) follow their table.
    execute pg_catalog.format('alter table auth.%I owner to supabase_auth_admin', name);
    execute pg_catalog.format('alter table auth.%I enable row level security', name);
    -- A superuser's GRANT is recorded as granted by the owner, as GoTrue's own would be.
    if name = 'schema_migrations' then
      -- The image revokes postgres' and dashboard_user's access to the migration history;
      -- GoTrue then grants SELECT back to postgres.
      execute pg_catalog.format('revoke all on auth.%I from dashboard_user', name);
    else
      execute pg_catalog.format('grant all on auth.%I to postgres, dashboard_user', name);
    end if;
    execute pg_catalog.format('grant select on auth.%I to postgres with grant option', name);
  end loop;

  foreach name in array array[
    'aal_level', 'factor_type', 'factor_status', 'code_challenge_method', 'one_time_token_type',
    'oauth_registration_type', 'oauth_client_type', 'oauth_authorization_status', 'oauth_response_type'
  ] loop
    execute pg_catalog.format('alter type auth.%I owner to supabase_auth_admin', name);
  end loop;
end
$owners$;

grant all on sequence auth.refresh_tokens_id_seq to postgres, dashboard_user;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to public;
grant all on function auth.uid(), auth.role(), auth.email(), auth.jwt() to postgres, dashboard_user;
-- Realtime evaluates RLS policies that call these while checking channel access.
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to supabase_realtime_admin;
