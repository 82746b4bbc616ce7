-- Roles of a Supabase database (end state of the image init scripts, image migrations and the
-- CLI). Roles are cluster-wide: a second database on the same server (db reset, DATABASE_URL)
-- finds them already there, so every role is created only when missing and its attributes are
-- then re-applied in full, which converges whatever an earlier run or another tool left behind.

do $roles$
declare
  spec record;
  password text := pg_catalog.current_setting('watchroom.role_password');
begin
  for spec in
    select *
    from (values
      -- API roles PostgREST switches to. Created NOINHERIT upstream, switched to INHERIT in 2023.
      ('anon',                       'NOLOGIN INHERIT NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'),
      ('authenticated',              'NOLOGIN INHERIT NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'),
      ('service_role',               'NOLOGIN INHERIT NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS'),
      -- NOINHERIT: the REST layer's login role holds no privileges until it switches role.
      ('authenticator',              'LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'),
      ('supabase_admin',             'LOGIN INHERIT SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS'),
      -- SUPERUSER is deliberately left as found: initdb made `postgres` the bootstrap superuser
      -- here (the reference allows keeping it), while on an image database it is demoted.
      ('postgres',                   'LOGIN INHERIT CREATEDB CREATEROLE REPLICATION BYPASSRLS'),
      -- The newest image revokes CREATEROLE from the auth admin.
      ('supabase_auth_admin',        'LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'),
      ('supabase_storage_admin',     'LOGIN NOINHERIT NOCREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS'),
      ('supabase_functions_admin',   'LOGIN NOINHERIT NOCREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS'),
      ('supabase_realtime_admin',    'LOGIN NOINHERIT NOCREATEDB CREATEROLE REPLICATION NOBYPASSRLS'),
      ('supabase_replication_admin', 'LOGIN INHERIT NOCREATEDB NOCREATEROLE REPLICATION NOBYPASSRLS'),
      ('supabase_etl_admin',         'LOGIN INHERIT NOCREATEDB NOCREATEROLE REPLICATION NOBYPASSRLS'),
      ('supabase_read_only_user',    'LOGIN INHERIT NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS'),
      ('dashboard_user',             'NOLOGIN INHERIT CREATEDB CREATEROLE REPLICATION NOBYPASSRLS'),
      ('pgbouncer',                  'LOGIN INHERIT NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS')
    ) as roles (name, attributes)
  loop
    if not exists (select from pg_catalog.pg_roles where rolname = spec.name) then
      begin
        execute pg_catalog.format('create role %I', spec.name);
      exception
        -- Another database of this cluster bootstrapping at the same moment: the advisory lock
        -- is per database, the role catalog is not.
        when duplicate_object or unique_violation then null;
      end;
    end if;

    if spec.name <> 'postgres' then
      -- Only postgres keeps its superuser bit untouched; everyone else is set explicitly so a
      -- hand-promoted role converges back.
      execute pg_catalog.format(
        'alter role %I with %s',
        spec.name,
        case when spec.attributes like '%SUPERUSER%' then spec.attributes
             else spec.attributes || ' NOSUPERUSER' end
      );
    else
      execute pg_catalog.format('alter role %I with %s', spec.name, spec.attributes);
    end if;

    -- The role this session logged in as keeps its password: the caller already holds it, and
    -- changing it under an existing server (DATABASE_URL) would lock its owner out.
    if spec.attributes like 'LOGIN%' and spec.name <> current_user then
      execute pg_catalog.format('alter role %I with password %L', spec.name, password);
    end if;
  end loop;
end
$roles$;

-- Memberships. GRANT of an existing membership is a no-op (notice only), so these converge.
-- postgres, the storage and realtime admins can act as the API roles; authenticator must be
-- able to switch to them (it holds no privileges itself, being NOINHERIT).
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant anon, authenticated, service_role to supabase_storage_admin;
grant anon, authenticated, service_role to supabase_realtime_admin;
grant authenticator to supabase_storage_admin;
-- Lets postgres manage webhook triggers the functions admin owns (image migration of 2024).
grant supabase_functions_admin to postgres;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
grant pg_read_all_data to supabase_read_only_user;

-- realtime.list_changes lowers log_min_messages, a superuser-only setting otherwise.
grant set on parameter log_min_messages to supabase_realtime_admin;

-- Per-role settings. They apply when the role logs in (not on SET ROLE); PostgREST copies the
-- impersonated role's statement_timeout into each request itself.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_admin set search_path = "$user", public, auth, extensions;
-- Migrations and seeds call uuid_generate_v4(), crypt() and gen_salt() unqualified.
alter role postgres set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout = 60000;
alter role supabase_storage_admin set search_path = storage;
alter role supabase_functions_admin set search_path = supabase_functions;
alter role supabase_realtime_admin set search_path = public, extensions, realtime;

-- Supabase preloads pg-safeupdate (and supautils) for the REST login role. A library named in
-- session_preload_libraries that the server lacks makes every login of that role fail, so it is
-- set only when the library is installed here and cleared otherwise.
do $preload$
declare
  libdir text := (select setting from pg_catalog.pg_config where name = 'PKGLIBDIR');
  libraries text[] := '{}';
begin
  if (pg_catalog.pg_stat_file(libdir || '/supautils.so', true)).size is not null then
    libraries := libraries || 'supautils'::text;
  end if;
  if (pg_catalog.pg_stat_file(libdir || '/plugins/safeupdate.so', true)).size is not null then
    libraries := libraries || '$libdir/plugins/safeupdate'::text;
  elsif (pg_catalog.pg_stat_file(libdir || '/safeupdate.so', true)).size is not null then
    libraries := libraries || 'safeupdate'::text;
  end if;

  if pg_catalog.cardinality(libraries) > 0 then
    execute pg_catalog.format(
      'alter role authenticator set session_preload_libraries = %L',
      pg_catalog.array_to_string(libraries, ', ')
    );
  else
    alter role authenticator reset session_preload_libraries;
  end if;
end
$preload$;
