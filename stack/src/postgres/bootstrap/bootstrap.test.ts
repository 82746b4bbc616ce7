import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../server.ts';
import { catalogSnapshot } from './catalog-snapshot.ts';
import { BootstrapError, bootstrapPlatform } from './index.ts';

const PASSWORD = 'bootstrap-test-pw';
const USER_ID = '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01';
const OTHER_ID = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';

let server: PostgresServer;
let root: string;
let admin: Sql;
const clients: Sql[] = [];
let databases = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'watchroom-bootstrap-'));
  server = await startPostgres({ dataDir: join(root, 'db'), port: 0, password: PASSWORD, durable: false });
  admin = connect(server.url);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function connect(url: string, max = 2): Sql {
  const sql = postgres(url, { max, onnotice: () => undefined });
  clients.push(sql);
  return sql;
}

function urlOf(database: string, user = 'postgres', password = PASSWORD): string {
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  url.username = user;
  url.password = password;
  return url.toString();
}

/** A new, empty database on the shared server; roles are cluster-wide and may already exist. */
async function freshDatabase(): Promise<{ name: string; sql: Sql }> {
  const name = `bootstrap_${++databases}`;
  await admin.unsafe(`create database ${name}`);
  return { name, sql: connect(urlOf(name)) };
}

async function bootstrapped(autoExposeNewTables = true): Promise<{ name: string; sql: Sql }> {
  const db = await freshDatabase();
  await bootstrapPlatform(db.sql, { rolePassword: PASSWORD, autoExposeNewTables });
  return db;
}

const TABLE_PRIVILEGES = ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'];

async function tablePrivileges(sql: Sql, table: string, role: string): Promise<string[]> {
  const rows = await sql<{ privilege: string }[]>`
    select privilege from unnest(${TABLE_PRIVILEGES}::text[]) privilege
    where has_table_privilege(${role}, ${table}::regclass, privilege)`;
  return rows.map((r) => r.privilege).sort();
}

describe('bootstrapPlatform', () => {
  it('bootstraps a fresh database, and a second run changes nothing', async () => {
    const { sql } = await bootstrapped();
    const first = await catalogSnapshot(sql);
    expect((first.schemas ?? []).map((s) => s.split(' ')[0])).toEqual(
      expect.arrayContaining(['auth', 'extensions', 'graphql', 'graphql_public', 'realtime', 'storage']),
    );
    await bootstrapPlatform(sql, { rolePassword: PASSWORD, autoExposeNewTables: true });
    expect(await catalogSnapshot(sql)).toEqual(first);
  });

  it('opens tables postgres creates in public to the API roles', async () => {
    const { sql } = await bootstrapped();
    await sql`create table public.notes (id bigint generated always as identity primary key, body text)`;
    for (const role of ['anon', 'authenticated', 'service_role']) {
      expect(await tablePrivileges(sql, 'public.notes', role)).toEqual(TABLE_PRIVILEGES);
    }
  });

  it('keeps new tables closed with autoExposeNewTables=false, and reopens them when set back', async () => {
    const { sql } = await bootstrapped(false);
    await sql`create table public.hidden (id int primary key)`;
    for (const role of ['anon', 'authenticated', 'service_role']) {
      expect(await tablePrivileges(sql, 'public.hidden', role)).toEqual([
        'REFERENCES',
        'TRIGGER',
        'TRUNCATE',
      ]);
    }

    await bootstrapPlatform(sql, { rolePassword: PASSWORD, autoExposeNewTables: true });
    await sql`create table public.shown (id int primary key)`;
    expect(await tablePrivileges(sql, 'public.shown', 'anon')).toEqual(TABLE_PRIVILEGES);
    // Only the defaults change: what already existed keeps its grants.
    expect(await tablePrivileges(sql, 'public.hidden', 'anon')).toEqual([
      'REFERENCES',
      'TRIGGER',
      'TRUNCATE',
    ]);
  });

  it('gives LOGIN roles the password, and lets authenticator switch to the API roles', async () => {
    const { name } = await bootstrapped();
    const authenticator = connect(urlOf(name, 'authenticator'), 1);
    const role = await authenticator.begin(async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      const [row] = await tx<{ role: string }[]>`select current_user as role`;
      return row?.role;
    });
    expect(role).toBe('service_role');
    const [postgresRole] = await admin`select rolsuper from pg_roles where rolname = 'postgres'`;
    expect(postgresRole?.rolsuper).toBe(true);
  });

  it('rolls everything back and names the file when a statement fails', async () => {
    const { sql } = await freshDatabase();
    // An auth.users that is not GoTrue's: CREATE TABLE IF NOT EXISTS keeps it, its indexes fail.
    await sql`create schema auth`;
    await sql`create table auth.users (id uuid primary key)`;
    const error = await bootstrapPlatform(sql, { rolePassword: PASSWORD, autoExposeNewTables: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BootstrapError);
    const failure = error as BootstrapError;
    expect(failure.code).toBe('bootstrap_failed');
    expect(failure.file).toBe('03a_auth_tables.sql');
    expect(failure.sqlState).toBe('42703');
    expect(failure.postgresMessage).toMatch(/^column "[a-z_]+" of relation "auth.users" does not exist$/);
    // The first statement that touches a missing column: GoTrue's comment on is_sso_user.
    const script = await readFile(new URL('./sql/03a_auth_tables.sql', import.meta.url), 'utf8');
    const line = script
      .slice(0, script.indexOf('comment on column auth.users.is_sso_user'))
      .split('\n').length;
    expect(failure.line).toBe(line);
    expect(failure.message).toMatch(
      new RegExp(`^platform bootstrap failed in 03a_auth_tables\\.sql:${line}: column`),
    );
    expect(await sql`select to_regnamespace('storage') as storage`).toEqual([{ storage: null }]);
  });

  it('serializes concurrent bootstraps of one database', async () => {
    const { name } = await freshDatabase();
    const a = connect(urlOf(name));
    const b = connect(urlOf(name));
    const options = { rolePassword: PASSWORD, autoExposeNewTables: true };
    await Promise.all([bootstrapPlatform(a, options), bootstrapPlatform(b, options)]);
    const [row] = await a`select count(*)::int as n from pg_tables where schemaname = 'auth'`;
    expect(row?.n).toBeGreaterThanOrEqual(17);
  });
});

describe('the bootstrapped database', () => {
  let sql: Sql;
  let dbName: string;

  beforeAll(async () => {
    ({ sql, name: dbName } = await bootstrapped());
  });

  it('auth.uid() reads request.jwt.claims, the legacy per-claim setting, and neither', async () => {
    const one = connect(urlOf(dbName), 1);
    const claims = JSON.stringify({ sub: USER_ID, role: 'authenticated', email: 'a@example.test' });
    const inTransaction = (settings: Record<string, string>, query: string) =>
      one.begin(async (tx) => {
        for (const [name, value] of Object.entries(settings)) {
          await tx`select set_config(${name}, ${value}, true)`;
        }
        const [row] = await tx.unsafe(query);
        return row;
      });

    expect(
      await inTransaction(
        { 'request.jwt.claims': claims },
        `select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> 'sub' as sub`,
      ),
    ).toEqual({ uid: USER_ID, role: 'authenticated', email: 'a@example.test', sub: USER_ID });

    // The legacy per-claim settings alone (old helpers set only these) ...
    expect(
      await inTransaction(
        { 'request.jwt.claim.sub': OTHER_ID, 'request.jwt.claim.role': 'service_role' },
        'select auth.uid() as uid, auth.role() as role',
      ),
    ).toEqual({ uid: OTHER_ID, role: 'service_role' });
    // ... and they win over the JSON, as in GoTrue's definition.
    expect(
      await inTransaction(
        { 'request.jwt.claims': claims, 'request.jwt.claim.sub': OTHER_ID },
        'select auth.uid() as uid',
      ),
    ).toEqual({ uid: OTHER_ID });
    expect(
      await inTransaction({ 'request.jwt.claim': claims }, `select auth.jwt() ->> 'email' as email`),
    ).toEqual({ email: 'a@example.test' });

    // Same connection, after the transactions that set them locally: the settings read ''.
    const [after] = await one`
      select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() as jwt,
             current_setting('request.jwt.claims', true) as raw`;
    expect(after).toEqual({ uid: null, role: null, email: null, jwt: null, raw: '' });

    const fresh = connect(urlOf(dbName), 1);
    expect(await fresh`select auth.uid() as uid, auth.jwt() as jwt`).toEqual([{ uid: null, jwt: null }]);
  });

  it('accepts a user row with only id and email, as seeds and pgTAP helpers insert', async () => {
    await sql`insert into auth.users (id, email) values (${USER_ID}, 'seed@example.test')`;
    const [user] = await sql`
      select aud, confirmed_at, phone, phone_change, email_change_confirm_status, is_sso_user, is_anonymous
      from auth.users where id = ${USER_ID}`;
    expect(user).toEqual({
      aud: null,
      confirmed_at: null,
      phone: null,
      phone_change: '',
      email_change_confirm_status: 0,
      is_sso_user: false,
      is_anonymous: false,
    });
    await sql`update auth.users set email_confirmed_at = now() where id = ${USER_ID}`;
    const [confirmed] =
      await sql`select confirmed_at = email_confirmed_at as same from auth.users where id = ${USER_ID}`;
    expect(confirmed?.same).toBe(true);
    await sql`delete from auth.users where id = ${USER_ID}`;
  });

  it('lets supabase_auth_admin, which owns the auth tables, write users and sessions', async () => {
    const auth = connect(urlOf(dbName, 'supabase_auth_admin'), 1);
    await auth.begin(async (tx) => {
      await tx`insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data,
                 created_at, updated_at)
               values ('00000000-0000-0000-0000-000000000000', ${OTHER_ID}, 'authenticated', 'authenticated',
                 'owner@example.test', '{"provider":"email","providers":["email"]}', '{}', now(), now())`;
      await tx`insert into auth.identities (provider_id, user_id, identity_data, provider)
               values (${OTHER_ID}, ${OTHER_ID}, ${auth.json({ sub: OTHER_ID })}, 'email')`;
      await tx`insert into auth.sessions (id, user_id, aal) values (${USER_ID}, ${OTHER_ID}, 'aal1')`;
      await tx`insert into auth.refresh_tokens (token, user_id, session_id, revoked)
               values ('tok-1', ${OTHER_ID}, ${USER_ID}, false)`;
    });
    await auth`delete from auth.users where id = ${OTHER_ID}`;
    expect(await sql`select count(*)::int as n from auth.refresh_tokens`).toEqual([{ n: 0 }]);
  });

  it('realtime.send() inserts a broadcast row; failures only warn', async () => {
    await sql`select realtime.send(${sql.json({ body: 'hi' })}, 'message', 'room:send', false)`;
    const [row] = await sql`
      select topic, event, extension, private, payload from realtime.messages where topic = 'room:send'`;
    expect(row).toMatchObject({
      topic: 'room:send',
      event: 'message',
      extension: 'broadcast',
      private: false,
    });
    expect(row?.payload).toMatchObject({ body: 'hi', id: expect.any(String) });

    // Private channel policies see the topic through realtime.topic(); a send that violates
    // them is dropped with a warning, never raised to the caller.
    await sql.unsafe(`
      create policy "room-1 writers" on realtime.messages for insert to authenticated
        with check ((select realtime.topic()) = 'room-1' and extension = 'broadcast');
      create policy "room-1 readers" on realtime.messages for select to authenticated
        using ((select realtime.topic()) = 'room-1' and extension = 'broadcast');`);
    const warnings: string[] = [];
    const user = postgres(urlOf(dbName), { max: 1, onnotice: (n) => warnings.push(String(n.message)) });
    clients.push(user);
    await user.begin((tx) => [
      tx`select set_config('role', 'authenticated', true)`,
      tx`select realtime.send('{"n":1}'::jsonb, 'move', 'room-1')`,
      tx`select realtime.send('{"n":2}'::jsonb, 'move', 'room-2')`,
    ]);
    expect(warnings.some((w) => w.startsWith('WarnSendingBroadcastMessage:'))).toBe(true);
    const sent = await sql`select topic, private from realtime.messages where event = 'move'`;
    expect(sent).toEqual([{ topic: 'room-1', private: true }]);
  });

  it('realtime.broadcast_changes() sends the changed row from a trigger', async () => {
    await sql.unsafe(`
      create table public.todos (id int primary key, task text);
      create function public.todos_broadcast() returns trigger
        language plpgsql security definer set search_path = '' as $$
      begin
        perform realtime.broadcast_changes('todos:' || coalesce(new.id, old.id), tg_op, tg_op,
          tg_table_name, tg_table_schema, new, old);
        return null;
      end $$;
      create trigger todos_broadcast after insert or update or delete on public.todos
        for each row execute function public.todos_broadcast();
      insert into public.todos values (1, 'write tests');`);
    const [row] = await sql`select event, private, payload from realtime.messages where topic = 'todos:1'`;
    expect(row).toMatchObject({ event: 'INSERT', private: true });
    expect(row?.payload).toEqual({
      id: expect.any(String),
      operation: 'INSERT',
      schema: 'public',
      table: 'todos',
      record: { id: 1, task: 'write tests' },
      old_record: null,
    });
  });

  it('validates realtime.subscription rows', async () => {
    await sql`create table public.scores (id int primary key, points int, player text)`;
    const claims = { role: 'authenticated', sub: USER_ID };
    await sql`insert into realtime.subscription (subscription_id, entity, filters, claims)
              values (gen_random_uuid(), 'public.scores', array[('points', 'gt', '10', false)]::realtime.user_defined_filter[],
                      ${sql.json(claims)})`;
    const [row] = await sql`select claims_role::text as role from realtime.subscription`;
    expect(row?.role).toBe('authenticated');
    await expect(
      sql`insert into realtime.subscription (subscription_id, entity, filters, claims)
          values (gen_random_uuid(), 'public.scores', array[('points', 'eq', 'ten', false)]::realtime.user_defined_filter[],
                  ${sql.json(claims)})`,
    ).rejects.toThrow(/invalid input syntax for type integer/);
    await expect(
      sql`insert into realtime.subscription (subscription_id, entity, filters, claims)
          values (gen_random_uuid(), 'public.scores', array[('nope', 'eq', '1', false)]::realtime.user_defined_filter[],
                  ${sql.json(claims)})`,
    ).rejects.toThrow(/invalid column for filter nope/);
  });

  it('applies the statements typical Supabase migrations contain', async () => {
    const migration = `
      create table public.profiles (
        id uuid primary key references auth.users (id) on delete cascade,
        full_name text,
        avatar_url text
      );
      comment on table public.profiles is 'One row per user.';
      alter table public.profiles enable row level security;
      create policy "own profile" on public.profiles for select to authenticated
        using ((select auth.uid()) = id);
      create policy "own profile update" on public.profiles for update to authenticated
        using (auth.uid() = id);
      grant select, update on public.profiles to authenticated;

      create function public.handle_new_user() returns trigger
        language plpgsql security definer set search_path = '' as $$
      begin
        insert into public.profiles (id, full_name) values (new.id, new.raw_user_meta_data ->> 'full_name');
        return new;
      end $$;
      create trigger on_auth_user_created after insert on auth.users
        for each row execute procedure public.handle_new_user();

      alter table public.profiles replica identity full;
      alter publication supabase_realtime add table public.profiles;

      insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
      create policy "avatar uploads" on storage.objects for insert to authenticated
        with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));

      create extension if not exists pg_trgm with schema extensions;
      select extensions.uuid_generate_v4(), extensions.crypt('pw', extensions.gen_salt('bf'));
      notify pgrst, 'reload schema';`;
    await sql.begin((tx) => tx.unsafe(migration).simple());

    await sql`insert into auth.users (id, email, raw_user_meta_data)
              values (${USER_ID}, 'p@example.test', ${sql.json({ full_name: 'Pat' })}), (${OTHER_ID}, 'q@example.test', '{}')`;
    const visible = await sql.begin((tx) => [
      tx`select set_config('role', 'authenticated', true),
                set_config('request.jwt.claims', ${JSON.stringify({ sub: USER_ID, role: 'authenticated' })}, true)`,
      tx`select id, full_name from public.profiles`,
    ]);
    expect(visible[1]).toEqual([{ id: USER_ID, full_name: 'Pat' }]);

    const published =
      await sql`select tablename from pg_publication_tables where pubname = 'supabase_realtime'`;
    expect(published).toEqual([{ tablename: 'profiles' }]);
    expect(
      await sql`select storage.foldername('u1/photos/a.png') as folders, storage.filename('u1/photos/a.png') as file,
                       storage.extension('u1/photos/a.png') as ext`,
    ).toEqual([{ folders: ['u1', 'photos'], file: 'a.png', ext: 'png' }]);

    await sql`delete from auth.users where id in (${USER_ID}, ${OTHER_ID})`;
    expect(await sql`select count(*)::int as n from public.profiles`).toEqual([{ n: 0 }]);
  });

  it('tells the REST layer to reload its schema cache after DDL', async () => {
    const listener = connect(urlOf(dbName), 1);
    let notified: (payload: string) => void = () => undefined;
    const received = new Promise<string>((resolve) => {
      notified = resolve;
    });
    await listener.listen('pgrst', (payload) => notified(payload));
    await sql`create table public.reload_me (id int)`;
    expect(await received).toBe('reload schema');
  });

  it('provides the vault, webhook and graphql stand-ins', async () => {
    const [secret] = await sql`select vault.create_secret('s3cret', 'api_key', 'for tests') as id`;
    expect(
      await sql`select name, decrypted_secret from vault.decrypted_secrets where id = ${secret?.id}`,
    ).toEqual([{ name: 'api_key', decrypted_secret: 's3cret' }]);

    const notices: string[] = [];
    const hooks = postgres(urlOf(dbName), { max: 1, onnotice: (n) => notices.push(String(n.message)) });
    clients.push(hooks);
    await hooks.unsafe(`
      create table public.orders (id int primary key);
      create trigger orders_webhook after insert on public.orders for each row
        execute function supabase_functions.http_request(
          'http://hooks.test/functions/v1/hook', 'POST', '{"Content-Type":"application/json"}', '{}', '5000');
      insert into public.orders values (1);`);
    expect(notices.some((n) => n.includes('pg_net is not available'))).toBe(true);

    const [graphql] = await sql`select graphql_public.graphql(query => '{ __typename }') as result`;
    expect(graphql?.result).toEqual({ errors: [{ message: 'pg_graphql extension is not enabled.' }] });
  });
});
