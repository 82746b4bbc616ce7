-- The realtime schema as the Realtime service's tenant migrations leave it, as far as projects
-- see it: realtime.messages (broadcast from the database, private-channel policies),
-- realtime.topic()/send()/send_binary()/broadcast_changes(), realtime.subscription (Postgres
-- Changes bindings, with its validation trigger) and the supabase_realtime publication. The
-- WAL-decoding functions (apply_rls, list_changes, ...) are not reproduced: they serve only the
-- upstream server's own change pipeline, and no project code calls them.

-- Types ----------------------------------------------------------------------------------------
do $types$
begin
  begin
    create type realtime.equality_op as enum (
      'eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct'
    );
  exception when duplicate_object then null;
  end;
  begin
    create type realtime.user_defined_filter as (
      column_name text,
      op realtime.equality_op,
      value text,
      negate boolean
    );
  exception when duplicate_object then null;
  end;
  begin
    create type realtime.action as enum ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'ERROR');
  exception when duplicate_object then null;
  end;
end
$types$;

-- Helpers for subscription validation --------------------------------------------------------
-- Declared immutable (as upstream) because the generated column claims_role calls it.
create or replace function realtime.to_regrole(role_name text)
  returns regrole
  language sql
  immutable
  set search_path = ''
as $to_regrole$
  select role_name::pg_catalog.regrole
$to_regrole$;

-- A filter value cast to the column's type, as JSON; raises if it does not cast.
create or replace function realtime."cast"(val text, type_ regtype)
  returns jsonb
  language plpgsql
  immutable
  set search_path = ''
as $cast$
declare
  res jsonb;
begin
  -- bytea text is already hex; casting and re-encoding it would encode it twice.
  if type_ = 'bytea'::pg_catalog.regtype then
    return pg_catalog.to_jsonb(val);
  end if;
  -- regtype prints schema-qualified here (empty search_path), so any column type resolves.
  execute pg_catalog.format('select pg_catalog.to_jsonb(%L::%s)', val, type_) into res;
  return res;
end
$cast$;

-- Rejects bindings that could only fail later, while changes are being streamed: columns the
-- subscriber's role cannot read, values that do not cast, operators the column type lacks.
-- Filters and selected columns are put in a canonical order so the unique index below sees two
-- spellings of one binding as the same row.
create or replace function realtime.subscription_check_filters()
  returns trigger
  language plpgsql
  set search_path = ''
as $check$
declare
  readable text[];
  filter realtime.user_defined_filter;
  column_type regtype;
  listed jsonb;
  selected text;
begin
  select coalesce(pg_catalog.array_agg(a.attname::text order by a.attnum), '{}')
    into readable
    from pg_catalog.pg_attribute a
   where a.attrelid = new.entity
     and a.attnum > 0
     and not a.attisdropped
     and pg_catalog.has_column_privilege(new.claims operator(pg_catalog.->>) 'role', a.attrelid, a.attnum, 'SELECT');

  foreach filter in array coalesce(new.filters, '{}') loop
    if not filter.column_name = any (readable) then
      raise exception 'invalid column for filter %', filter.column_name;
    end if;
    select a.atttypid::pg_catalog.regtype into column_type
      from pg_catalog.pg_attribute a
     where a.attrelid = new.entity and a.attname = filter.column_name;

    if filter.op = 'in' then
      listed := realtime."cast"(filter.value, (column_type::text || '[]')::pg_catalog.regtype);
      if coalesce(pg_catalog.jsonb_array_length(listed), 0) > 100 then
        raise exception 'too many values for `in` filter. Maximum 100';
      end if;
    elsif filter.op = 'is' then
      if filter.value not in ('null', 'true', 'false', 'unknown') then
        raise exception 'invalid value for is filter: must be null, true, false, or unknown';
      end if;
      if filter.value <> 'null' and column_type <> 'boolean'::pg_catalog.regtype then
        raise exception 'is % filter requires a boolean column, got %', filter.value, column_type;
      end if;
    elsif filter.op in ('like', 'ilike', 'match', 'imatch') then
      if not exists (
        select from pg_catalog.pg_operator o
         where o.oprleft = column_type
           and o.oprresult = 'boolean'::pg_catalog.regtype
           and o.oprname = case filter.op when 'like' then '~~' when 'ilike' then '~~*'
                                          when 'match' then '~' else '~*' end
      ) then
        raise exception 'operator % requires a text-compatible column type, got %', filter.op, column_type;
      end if;
      if filter.op in ('match', 'imatch') then
        begin
          perform '' operator(pg_catalog.~) filter.value;
        exception when others then
          raise exception 'invalid regular expression for % filter: %', filter.op, sqlerrm;
        end;
      end if;
    else
      perform realtime."cast"(filter.value, column_type);
    end if;
  end loop;

  foreach selected in array coalesce(new.selected_columns, '{}') loop
    if not selected = any (readable) then
      raise exception 'invalid column for select %', selected;
    end if;
  end loop;

  new.filters := coalesce(
    (select pg_catalog.array_agg(f order by f.column_name, f.op, f.value, f.negate)
       from pg_catalog.unnest(new.filters) f),
    '{}'
  );
  new.selected_columns := (
    select pg_catalog.array_agg(c order by c) from pg_catalog.unnest(new.selected_columns) c
  );
  return new;
end
$check$;

-- Tables ---------------------------------------------------------------------------------------
-- Broadcast messages. Realtime streams committed INSERTs of this table; RLS policies on it
-- decide who may read or write a private channel's topic.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  constraint messages_pkey primary key (id, inserted_at),
  constraint messages_payload_exclusive check (payload is null or binary_payload is null)
) partition by range (inserted_at);

-- Partitions. Upstream keeps daily partitions realtime.messages_YYYY_MM_DD for yesterday through
-- today + 3 (UTC), created by the Realtime service's janitor, which also drops old ones; an insert
-- outside them fails, and realtime.send() swallows that into a warning, so the broadcast is
-- silently lost. We create the same daily partitions on every bootstrap, so a janitor-like
-- process finds the layout it expects, and add a DEFAULT partition so an insert never fails when
-- no janitor runs (a stack left running for days). The cost: a daily partition cannot be created
-- for a day whose rows already sit in the default partition, so such days are skipped here and
-- stay in the default partition.
do $partitions$
declare
  today date := (pg_catalog.now() at time zone 'utc')::date;
  default_partition oid;
  day date;
  part text;
begin
  select partdefid into default_partition
    from pg_catalog.pg_partitioned_table
   where partrelid = 'realtime.messages'::pg_catalog.regclass;
  if default_partition = 0 then
    create table realtime.messages_default partition of realtime.messages default;
    default_partition := 'realtime.messages_default'::pg_catalog.regclass;
  end if;
  execute pg_catalog.format('alter table %s owner to supabase_realtime_admin', default_partition::pg_catalog.regclass);

  for day in select today + offset_days from pg_catalog.generate_series(-1, 3) as offset_days loop
    part := 'messages_' || pg_catalog.to_char(day, 'YYYY_MM_DD');
    continue when pg_catalog.to_regclass('realtime.' || part) is not null;
    -- No partition covers this day yet, so any row of it is in the default partition.
    continue when exists (select from realtime.messages where inserted_at >= day and inserted_at < day + 1);
    execute pg_catalog.format(
      'create table realtime.%I partition of realtime.messages for values from (%L) to (%L)',
      part, day, day + 1
    );
    execute pg_catalog.format('alter table realtime.%I owner to supabase_realtime_admin', part);
  end loop;
end
$partitions$;

-- Replay of private broadcasts reads the newest rows of a topic.
create index if not exists messages_inserted_at_topic_index on realtime.messages
  using btree (inserted_at desc, topic) where extension = 'broadcast' and private is true;

alter table realtime.messages enable row level security;
alter table realtime.messages owner to supabase_realtime_admin;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;
grant all on realtime.messages to postgres, dashboard_user;

-- Postgres Changes bindings: one row per binding and matching table, with the subscriber's
-- claims so changes can be checked against RLS as that user.
create table if not exists realtime.subscription (
  id bigint generated always as identity,
  subscription_id uuid not null,
  entity regclass not null,
  filters realtime.user_defined_filter[] not null default '{}',
  claims jsonb not null,
  claims_role regrole not null generated always as (realtime.to_regrole(claims ->> 'role')) stored,
  created_at timestamp not null default timezone('utc', now()),
  action_filter text default '*',
  selected_columns text[],
  constraint pk_subscription primary key (id),
  constraint subscription_action_filter_check
    check (action_filter = any (array['*', 'INSERT', 'UPDATE', 'DELETE']))
);
create index if not exists ix_realtime_subscription_entity on realtime.subscription using btree (entity);
create unique index if not exists subscription_subscription_id_entity_filters_action_filter_selec
  on realtime.subscription using btree
  (subscription_id, entity, filters, action_filter, coalesce(selected_columns, '{}'));
create or replace trigger tr_check_filters
  before insert or update on realtime.subscription
  for each row execute function realtime.subscription_check_filters();

alter table realtime.subscription owner to supabase_realtime_admin;
grant select on realtime.subscription to anon, authenticated, service_role;
grant all on realtime.subscription to postgres, dashboard_user;

-- The Realtime service's migration history (Ecto's layout). Left empty: we reproduce only part
-- of its end state, so a real Realtime server must not believe its migrations ran.
create table if not exists realtime.schema_migrations (
  version bigint not null,
  inserted_at timestamp(0),
  constraint schema_migrations_pkey primary key (version)
);
alter table realtime.schema_migrations owner to supabase_admin;
revoke all on realtime.schema_migrations
  from postgres, dashboard_user, anon, authenticated, service_role, supabase_realtime_admin;

-- Broadcast from the database -------------------------------------------------------------------
-- Like auth.uid(), topic() is meant for RLS policies: no SET clause, so it can be inlined.
create or replace function realtime.topic()
  returns text
  language sql
  stable
as $topic$
  select nullif(pg_catalog.current_setting('realtime.topic', true), '')::pg_catalog.text
$topic$;

-- Runs as the caller, so the insert passes the caller's RLS insert policies. Failures become a
-- warning and are swallowed: a trigger broadcasting a change must never fail the change itself.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
  returns void
  language plpgsql
  set search_path = ''
as $send$
declare
  message_id uuid;
  message jsonb;
begin
  begin
    message_id := gen_random_uuid();
    -- Clients tell messages apart by payload.id; one supplied by the caller wins.
    if payload operator(pg_catalog.?) 'id' then
      message := payload;
    else
      message := pg_catalog.jsonb_set(payload, '{id}', pg_catalog.to_jsonb(message_id));
    end if;
    -- Transaction-local, so insert policies calling realtime.topic() see this topic.
    perform pg_catalog.set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (message_id, message, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end
$send$;

create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
  returns void
  language plpgsql
  set search_path = ''
as $send_binary$
declare
  message_id uuid;
begin
  begin
    message_id := gen_random_uuid();
    perform pg_catalog.set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, binary_payload, event, topic, private, extension)
    values (message_id, payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end
$send_binary$;

-- Called from row triggers as
--   perform realtime.broadcast_changes('topic', TG_OP, TG_OP, TG_TABLE_NAME, TG_TABLE_SCHEMA, NEW, OLD);
-- Always a private message (send's default), unlike send() called directly.
create or replace function realtime.broadcast_changes(
  topic_name text,
  event_name text,
  operation text,
  table_name text,
  table_schema text,
  new record,
  old record,
  level text default 'ROW'
)
  returns void
  language plpgsql
  set search_path = ''
as $broadcast_changes$
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'Unexpected operation type: %', operation;
  end if;
  perform realtime.send(
    pg_catalog.jsonb_build_object(
      'old_record', old,
      'record', new,
      'operation', operation,
      'table', table_name,
      'schema', table_schema
    ),
    event_name,
    topic_name
  );
exception when others then
  raise exception 'Failed to process the row: %', sqlerrm;
end
$broadcast_changes$;

-- Ownership and grants of the schema's functions and types --------------------------------------
alter type realtime.equality_op owner to supabase_realtime_admin;
alter type realtime.user_defined_filter owner to supabase_realtime_admin;
alter type realtime.action owner to supabase_realtime_admin;
alter function realtime.to_regrole(text) owner to supabase_realtime_admin;
alter function realtime."cast"(text, regtype) owner to supabase_realtime_admin;
alter function realtime.subscription_check_filters() owner to supabase_realtime_admin;
alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.send_binary(bytea, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  owner to supabase_realtime_admin;
grant execute on all functions in schema realtime to postgres, anon, authenticated, service_role;
grant usage on all sequences in schema realtime to postgres, anon, authenticated, service_role;

-- The publication Postgres Changes follow. Created once and never replaced: migrations add their
-- tables to it, and recreating it would silently drop them.
do $publication$
begin
  if not exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$publication$;
