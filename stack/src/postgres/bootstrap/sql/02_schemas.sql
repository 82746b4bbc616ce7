-- Schemas, default extensions, schema and database grants, and the default privileges that make
-- a table created by a migration reachable through the Data API without explicit GRANTs.

create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists storage;
create schema if not exists realtime;
create schema if not exists graphql;
create schema if not exists graphql_public;
create schema if not exists vault;
create schema if not exists supabase_functions;
-- The CLI creates _realtime for the Realtime service's own metadata.
create schema if not exists _realtime;

-- Owners as the image has them. Re-applied every run so an existing database converges.
alter schema extensions owner to supabase_admin;
alter schema auth owner to supabase_admin;
alter schema storage owner to supabase_admin;
alter schema realtime owner to supabase_admin;
alter schema graphql owner to supabase_admin;
alter schema graphql_public owner to supabase_admin;
alter schema vault owner to supabase_admin;
alter schema supabase_functions owner to supabase_admin;
alter schema _realtime owner to postgres;

-- Seeds and migrations use these unqualified (crypt(), gen_salt(), uuid_generate_v4()) with
-- `extensions` on the search_path. IF NOT EXISTS never moves one installed elsewhere.
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;

-- Database-level grants name the current database: db reset may run against any name.
do $database$
begin
  execute pg_catalog.format('grant all on database %I to postgres, dashboard_user', current_database());
  execute pg_catalog.format(
    'grant create on database %I to supabase_storage_admin, supabase_realtime_admin, supabase_auth_admin',
    current_database()
  );
end
$database$;

-- public ---------------------------------------------------------------------------------------
grant usage on schema public to postgres, anon, authenticated, service_role;
grant create on schema public to postgres;
grant create, usage on schema public to supabase_realtime_admin;

-- extensions -----------------------------------------------------------------------------------
grant usage on schema extensions to postgres, anon, authenticated, service_role, supabase_realtime_admin;
grant all on schema extensions to postgres, dashboard_user;
grant all on all tables in schema extensions to postgres with grant option;
grant all on all sequences in schema extensions to postgres with grant option;
grant all on all routines in schema extensions to postgres with grant option;
grant all on all tables in schema extensions to dashboard_user;
grant all on all sequences in schema extensions to dashboard_user;
grant all on all routines in schema extensions to dashboard_user;

-- auth (tables in 03*) ----------------------------------------------------------------------
grant usage on schema auth to anon, authenticated, service_role, postgres, supabase_realtime_admin;
grant all on schema auth to supabase_auth_admin, dashboard_user;

-- storage (tables in 05) ---------------------------------------------------------------------
grant usage on schema storage to postgres, anon, authenticated, service_role;
grant all on schema storage to supabase_storage_admin with grant option;
grant all on schema storage to dashboard_user;

-- realtime (tables in 04) --------------------------------------------------------------------
grant usage on schema realtime to postgres with grant option;
grant usage on schema realtime to anon, authenticated, service_role;
grant create, usage on schema realtime to supabase_realtime_admin with grant option;

-- graphql, graphql_public (graphql_public is in PostgREST's default exposed schemas) ------------
grant usage on schema graphql, graphql_public to postgres with grant option;
grant usage on schema graphql, graphql_public to anon, authenticated, service_role;

-- vault (stub in 05) -----------------------------------------------------------------------------
grant usage on schema vault to postgres with grant option;
grant usage on schema vault to service_role;

-- supabase_functions (database webhooks, 05) ---------------------------------------------------
grant usage on schema supabase_functions to postgres, anon, authenticated, service_role;
grant all on schema supabase_functions to supabase_functions_admin;

-- Default privileges ---------------------------------------------------------------------------
-- Per grantor: objects created by postgres (the migration runner) and by supabase_admin (the
-- platform, Studio) in these schemas are open to the API roles; RLS then decides which rows.
-- 90_hide_new_tables.sql narrows the public/postgres case when auto_expose_new_tables = false.
do $defaults$
declare
  grantor text;
  target text;
begin
  foreach grantor in array array['postgres', 'supabase_admin'] loop
    foreach target in array array['public', 'storage', 'graphql', 'graphql_public', 'supabase_functions'] loop
      execute pg_catalog.format(
        'alter default privileges for role %I in schema %I grant all on tables to postgres, anon, authenticated, service_role',
        grantor, target);
      execute pg_catalog.format(
        'alter default privileges for role %I in schema %I grant all on sequences to postgres, anon, authenticated, service_role',
        grantor, target);
      execute pg_catalog.format(
        'alter default privileges for role %I in schema %I grant all on functions to postgres, anon, authenticated, service_role',
        grantor, target);
    end loop;
  end loop;
end
$defaults$;

-- The service owners create their own objects; the image gives the same access for those.
alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_auth_admin in schema auth
  grant all on tables to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth
  grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth
  grant all on routines to postgres, dashboard_user;

alter default privileges for role supabase_admin in schema realtime
  grant all on tables to postgres, dashboard_user;
alter default privileges for role supabase_admin in schema realtime
  grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_admin in schema realtime
  grant all on routines to postgres, dashboard_user;

alter default privileges for role supabase_admin in schema extensions
  grant all on tables to postgres with grant option;
alter default privileges for role supabase_admin in schema extensions
  grant all on sequences to postgres with grant option;
alter default privileges for role supabase_admin in schema extensions
  grant all on routines to postgres with grant option;
