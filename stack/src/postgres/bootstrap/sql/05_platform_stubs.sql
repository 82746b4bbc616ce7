-- Stand-ins for the parts of the platform this stack does not run as separate services
-- (Storage API, pg_net webhooks, Vault, pg_graphql), shaped so that migrations, seeds and
-- policies written against them apply; plus the event triggers that tell the REST layer to
-- reload its schema cache after DDL.

-- storage ----------------------------------------------------------------------------------------
do $buckettype$
begin
  create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
exception when duplicate_object then null;
end
$buckettype$;

-- Columns as the Storage API's migrations leave them. `owner` (uuid) is deprecated for owner_id
-- but still what older policies compare with auth.uid().
create table if not exists storage.buckets (
  id text not null,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD',
  constraint buckets_pkey primary key (id)
);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';
create unique index if not exists bname on storage.buckets using btree (name);

create table if not exists storage.objects (
  id uuid not null default gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb,
  constraint objects_pkey primary key (id),
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
create index if not exists name_prefix_search on storage.objects using btree (name text_pattern_ops);

-- The Storage API's migration history; empty, for the same reason as realtime.schema_migrations.
create table if not exists storage.migrations (
  id integer not null,
  name varchar(100) not null,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp,
  constraint migrations_pkey primary key (id),
  constraint migrations_name_key unique (name)
);

-- Path helpers policies use, e.g. (storage.foldername(name))[1] = auth.uid()::text.
create or replace function storage.foldername(name text)
  returns text[]
  language plpgsql
  immutable
  set search_path = ''
as $foldername$
declare
  parts text[] := pg_catalog.string_to_array(name, '/');
begin
  return parts[1 : pg_catalog.array_length(parts, 1) - 1];
end
$foldername$;

create or replace function storage.filename(name text)
  returns text
  language plpgsql
  immutable
  set search_path = ''
as $filename$
declare
  parts text[] := pg_catalog.string_to_array(name, '/');
begin
  return parts[pg_catalog.array_length(parts, 1)];
end
$filename$;

-- Text after the last dot of the last segment; the whole name when it has no dot.
create or replace function storage.extension(name text)
  returns text
  language plpgsql
  immutable
  set search_path = ''
as $extension$
declare
  parts text[] := pg_catalog.string_to_array(name, '/');
begin
  return pg_catalog.reverse(pg_catalog.split_part(pg_catalog.reverse(parts[pg_catalog.array_length(parts, 1)]), '.', 1));
end
$extension$;

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.migrations enable row level security;
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
alter table storage.migrations owner to supabase_storage_admin;
alter type storage.buckettype owner to supabase_storage_admin;
alter function storage.foldername(text) owner to supabase_storage_admin;
alter function storage.filename(text) owner to supabase_storage_admin;
alter function storage.extension(text) owner to supabase_storage_admin;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
revoke all on storage.migrations from anon, authenticated, service_role, postgres;
grant all on all sequences in schema storage to dashboard_user;
grant all on all routines in schema storage to dashboard_user;

-- supabase_functions (database webhooks) -------------------------------------------------------
create table if not exists supabase_functions.migrations (
  version text not null,
  inserted_at timestamptz not null default now(),
  constraint migrations_pkey primary key (version)
);
-- The rows the image seeds; Studio reads them to tell that webhooks are enabled.
insert into supabase_functions.migrations (version)
values ('initial'), ('20210809183423_update_grants')
on conflict do nothing;

create table if not exists supabase_functions.hooks (
  id bigserial not null,
  hook_table_id integer not null,
  hook_name text not null,
  created_at timestamptz not null default now(),
  request_id bigint,
  constraint hooks_pkey primary key (id)
);
comment on table supabase_functions.hooks is 'Supabase Functions Hooks: Audit trail for triggered hooks.';
create index if not exists supabase_functions_hooks_request_id_idx on supabase_functions.hooks using btree (request_id);
create index if not exists supabase_functions_hooks_h_table_id_h_name_idx
  on supabase_functions.hooks using btree (hook_table_id, hook_name);

-- Webhook triggers (Studio writes them into migrations) need this function to exist. Without
-- pg_net nothing can send the request, so it only says so. Where pg_net and the real function
-- exist (an image database behind DATABASE_URL) the real one is left alone.
do $http_request$
begin
  if pg_catalog.to_regprocedure('supabase_functions.http_request()') is null
     or not exists (select from pg_catalog.pg_extension where extname = 'pg_net') then
    create or replace function supabase_functions.http_request()
      returns trigger
      language plpgsql
      security definer
      set search_path = ''
    as $fn$
    begin
      raise notice 'supabase_functions.http_request: pg_net is not available on this server; % % for trigger % on %.% was not sent',
        tg_argv[1], tg_argv[0], tg_name, tg_table_schema, tg_table_name;
      return new;
    end
    $fn$;
  end if;
end
$http_request$;

alter table supabase_functions.migrations owner to supabase_functions_admin;
alter table supabase_functions.hooks owner to supabase_functions_admin;
alter function supabase_functions.http_request() owner to supabase_functions_admin;
revoke all on function supabase_functions.http_request() from public;
grant execute on function supabase_functions.http_request() to postgres, anon, authenticated, service_role;
grant all on all tables in schema supabase_functions to supabase_functions_admin;
grant all on all sequences in schema supabase_functions to supabase_functions_admin;

-- vault ------------------------------------------------------------------------------------------
-- Same surface as the supabase_vault extension, without encryption: secrets are stored as given
-- and decrypted_secrets shows them back. Skipped where the real extension is installed.
do $vault$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'supabase_vault') then
    return;
  end if;

  create table if not exists vault.secrets (
    id uuid not null default gen_random_uuid(),
    name text,
    description text not null default '',
    secret text not null,
    key_id uuid,
    nonce bytea default pg_catalog.uuid_send(gen_random_uuid()),
    created_at timestamptz not null default current_timestamp,
    updated_at timestamptz not null default current_timestamp,
    constraint secrets_pkey primary key (id)
  );
  comment on table vault.secrets is 'Local stand-in for supabase_vault: secrets are stored unencrypted.';
  create unique index if not exists secrets_name_idx on vault.secrets using btree (name) where name is not null;

  create or replace view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret, s.secret as decrypted_secret, s.key_id, s.nonce,
         s.created_at, s.updated_at
    from vault.secrets s;

  -- SECURITY DEFINER so the roles granted EXECUTE below can store secrets without holding
  -- INSERT/UPDATE on the table, as with the image's grants.
  create or replace function vault.create_secret(
    new_secret text,
    new_name text default null,
    new_description text default '',
    new_key_id uuid default null
  )
    returns uuid
    language plpgsql
    security definer
    set search_path = ''
  as $fn$
  declare
    secret_id uuid;
  begin
    insert into vault.secrets (secret, name, description)
    values (new_secret, new_name, new_description)
    returning id into secret_id;
    return secret_id;
  end
  $fn$;

  create or replace function vault.update_secret(
    secret_id uuid,
    new_secret text default null,
    new_name text default null,
    new_description text default null,
    new_key_id uuid default null
  )
    returns void
    language plpgsql
    security definer
    set search_path = ''
  as $fn$
  begin
    update vault.secrets s
       set secret = coalesce(new_secret, s.secret),
           name = coalesce(new_name, s.name),
           description = coalesce(new_description, s.description),
           updated_at = pg_catalog.now()
     where s.id = secret_id;
  end
  $fn$;

  alter table vault.secrets owner to supabase_admin;
  alter view vault.decrypted_secrets owner to supabase_admin;
  alter function vault.create_secret(text, text, text, uuid) owner to supabase_admin;
  alter function vault.update_secret(uuid, text, text, text, uuid) owner to supabase_admin;
  revoke all on function vault.create_secret(text, text, text, uuid) from public;
  revoke all on function vault.update_secret(uuid, text, text, text, uuid) from public;
  grant select, delete, truncate, references on vault.secrets, vault.decrypted_secrets
    to postgres with grant option;
  grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid)
    to postgres with grant option;
  grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
  grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid)
    to service_role;
end
$vault$;

-- graphql ----------------------------------------------------------------------------------------
-- The placeholder the image keeps while pg_graphql is not installed; PostgREST exposes it as
-- POST /rest/v1/rpc/graphql under graphql_public.
do $graphql$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_graphql') then
    return;
  end if;
  create or replace function graphql_public.graphql(
    "operationName" text default null,
    query text default null,
    variables jsonb default null,
    extensions jsonb default null
  )
    returns jsonb
    language plpgsql
    set search_path = ''
  as $fn$
  begin
    return pg_catalog.jsonb_build_object(
      'errors', pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('message', 'pg_graphql extension is not enabled.')
      )
    );
  end
  $fn$;
  alter function graphql_public.graphql(text, text, jsonb, jsonb) owner to supabase_admin;
  grant execute on function graphql_public.graphql(text, text, jsonb, jsonb)
    to postgres, anon, authenticated, service_role;
end
$graphql$;

-- Schema cache reload ------------------------------------------------------------------------------
-- NOTIFY pgrst 'reload schema' after DDL that can change what the REST layer serves. Objects in
-- the platform's own schemas and in pg_temp do not count. NOTIFY is delivered at commit, once per
-- distinct payload, so a migration full of DDL still causes one reload.
create or replace function extensions.pgrst_ddl_watch()
  returns event_trigger
  language plpgsql
  set search_path = ''
as $ddl_watch$
declare
  cmd record;
begin
  for cmd in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    if (cmd.command_tag in (
          'CREATE SCHEMA', 'ALTER SCHEMA',
          'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE',
          'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE',
          'CREATE VIEW', 'ALTER VIEW',
          'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
          'CREATE FUNCTION', 'ALTER FUNCTION',
          'CREATE TYPE', 'ALTER TYPE',
          'CREATE RULE',
          'COMMENT'
        )
        and coalesce(cmd.schema_name, '') not in ('pg_temp', 'auth', 'realtime', '_realtime', 'storage'))
       or (cmd.command_tag = 'CREATE TRIGGER' and cmd.object_identity not like '% pg\_temp.%')
    then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end
$ddl_watch$;

create or replace function extensions.pgrst_drop_watch()
  returns event_trigger
  language plpgsql
  set search_path = ''
as $drop_watch$
declare
  dropped record;
begin
  for dropped in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
    if (dropped.object_type in (
          'schema', 'table', 'foreign table', 'view', 'materialized view', 'function', 'type', 'rule'
        )
        and dropped.is_temporary is false
        and coalesce(dropped.schema_name, '') not in ('auth', 'realtime', '_realtime', 'storage'))
       or (dropped.object_type = 'trigger' and dropped.object_identity not like '% pg\_temp.%')
    then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end
$drop_watch$;

alter function extensions.pgrst_ddl_watch() owner to supabase_admin;
alter function extensions.pgrst_drop_watch() owner to supabase_admin;
-- What 02 grants on everything in extensions, so the first run already ends where a second would.
grant all on function extensions.pgrst_ddl_watch(), extensions.pgrst_drop_watch()
  to postgres with grant option;
grant all on function extensions.pgrst_ddl_watch(), extensions.pgrst_drop_watch() to dashboard_user;

do $event_triggers$
begin
  if not exists (select from pg_catalog.pg_event_trigger where evtname = 'pgrst_ddl_watch') then
    create event trigger pgrst_ddl_watch on ddl_command_end
      execute function extensions.pgrst_ddl_watch();
  end if;
  if not exists (select from pg_catalog.pg_event_trigger where evtname = 'pgrst_drop_watch') then
    create event trigger pgrst_drop_watch on sql_drop
      execute function extensions.pgrst_drop_watch();
  end if;
end
$event_triggers$;
-- Event triggers must belong to a superuser; the image gives them to supabase_admin.
alter event trigger pgrst_ddl_watch owner to supabase_admin;
alter event trigger pgrst_drop_watch owner to supabase_admin;
