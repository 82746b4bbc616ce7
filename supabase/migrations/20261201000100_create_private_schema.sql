-- Private schema for privileged helpers: security definer functions with an empty search_path,
-- not exposed by the API (only [api] schemas are), EXECUTE revoked from PUBLIC by default and
-- granted function by function.

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

alter default privileges in schema private revoke execute on functions from public;
alter default privileges in schema private revoke execute on functions from anon, authenticated;

-- Whether the current SQL role is one a client request runs as. Triggers use it to tell a
-- request's own statement from the work of a security definer helper or the service role.
create or replace function private.is_client_role()
  returns boolean
  language sql
  stable
  set search_path = ''
as $$
  select current_user in ('anon', 'authenticated')
$$;
grant execute on function private.is_client_role() to authenticated, service_role;
