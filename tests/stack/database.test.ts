import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStack, MigrationError } from '../../stack/src/index.ts';
import { resetDatabase } from '../../stack/src/postgres/index.ts';
import { type PostgresServer, startPostgres } from '../../stack/src/postgres/server.ts';
import { projectTracker } from '../helpers/project.ts';

const migrations = {
  '20240101000000_create_a.sql':
    'create table public.a (id int primary key);\ninsert into public.a values (1);',
  '20240102000000_create_b.sql': 'create table public.b (a_id int references public.a (id));',
  'README.md': 'not a migration',
  '20240103_bad-name.txt': 'ignored',
};

const projects = projectTracker();
afterEach(() => projects.cleanup());

describe('an embedded database', () => {
  it('bootstraps idempotently: a second start on the same data directory reuses it', async () => {
    const projectDir = await projects.create({ migrations, seed: 'insert into public.b values (1);' });
    const dataDir = join(await mkdtemp(join(tmpdir(), 'watchroom-data-')), 'db');
    const first = await createStack({ projectDir, dataDir, apiPort: 0, dbPort: 0 });
    await first.stop();
    const second = await createStack({ projectDir, dataDir, apiPort: 0, dbPort: 0 });
    const sql = postgres(second.dbUrl, { max: 1 });
    try {
      const history =
        await sql`select version, name from supabase_migrations.schema_migrations order by version`;
      expect(history.map((r) => `${r.version}_${r.name}`)).toEqual([
        '20240101000000_create_a',
        '20240102000000_create_b',
      ]);
      // The seed ran once, on the fresh database only.
      expect(await sql`select count(*)::int as n from public.b`).toEqual([{ n: 1 }]);
      const [roles] =
        await sql`select count(*)::int as n from pg_roles where rolname in ('anon', 'authenticated', 'service_role')`;
      expect(roles?.n).toBe(3);
    } finally {
      await sql.end();
      await second.stop();
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});

describe('migrations on an existing server (DATABASE_URL)', () => {
  let server: PostgresServer;
  let dataRoot: string;

  beforeAll(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'watchroom-ext-'));
    server = await startPostgres({
      dataDir: join(dataRoot, 'db'),
      port: 0,
      password: 'postgres',
      durable: false,
    });
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataRoot, { recursive: true, force: true });
  });

  it('applies migrations in file-name order and reports a broken one by file, line and error', async () => {
    const projectDir = await projects.create({
      migrations: {
        ...migrations,
        '20240104000000_half_done.sql':
          '-- creates c, then fails: c must not survive\ncreate table public.c (id int);\n\nselect * from public.missing_table;\n',
        '20240105000000_after.sql': 'create table public.after_broken (id int);',
      },
    });
    const error = await createStack({ projectDir, databaseUrl: server.url, apiPort: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    const failure = (error as MigrationError).failure;
    expect(failure).toMatchObject({
      file: 'supabase/migrations/20240104000000_half_done.sql',
      line: 4,
      column: 15,
      sqlState: '42P01',
    });
    expect((error as Error).message).toContain('relation "public.missing_table" does not exist');
    expect((error as Error).message).toContain('supabase/migrations/20240104000000_half_done.sql:4:15');

    const sql = postgres(server.url, { max: 1 });
    try {
      const tables = await sql`select table_name from information_schema.tables
        where table_schema = 'public' order by table_name`;
      expect(tables.map((t) => t.table_name)).toEqual(['a', 'b']);
      const versions = await sql`select version from supabase_migrations.schema_migrations order by version`;
      expect(versions.map((v) => v.version)).toEqual(['20240101000000', '20240102000000']);
    } finally {
      await sql.end();
    }
  });

  it('skips Supabase-only extensions the server lacks instead of failing', async () => {
    const projectDir = await projects.create({
      migrations: {
        '20240101000000_extensions.sql':
          'create extension if not exists "pg_graphql" with schema "graphql";\ncreate extension if not exists pg_trgm with schema extensions;\ncreate table public.ext_ok (id int);',
      },
    });
    await resetDatabase(server.url, {
      supabaseDir: join(projectDir, 'supabase'),
      projectRoot: projectDir,
      password: 'postgres',
      autoExposeNewTables: true,
      migrations: true,
      seedPaths: false,
    });
    const sql = postgres(server.url, { max: 1 });
    try {
      const exts = await sql`select extname from pg_extension where extname in ('pg_trgm', 'pg_graphql')`;
      expect(exts.map((e) => e.extname)).toEqual(['pg_trgm']);
      expect(await sql`select to_regclass('public.ext_ok') is not null as ok`).toEqual([{ ok: true }]);
    } finally {
      await sql.end();
    }
  });

  it('db reset drops everything and rebuilds from migrations and seed', async () => {
    const projectDir = await projects.create({ migrations, seed: 'insert into public.b values (1);' });
    const options = {
      supabaseDir: join(projectDir, 'supabase'),
      projectRoot: projectDir,
      password: 'postgres',
      autoExposeNewTables: true,
      migrations: true,
      seedPaths: ['./seed.sql'],
    };
    await resetDatabase(server.url, options);
    const sql = postgres(server.url, { max: 1 });
    try {
      await sql`insert into public.a values (2)`;
      await sql`create table public.stray (id int)`;
    } finally {
      await sql.end();
    }
    await resetDatabase(server.url, options);
    const after = postgres(server.url, { max: 1 });
    try {
      expect(await after`select id from public.a order by id`).toEqual([{ id: 1 }]);
      expect(await after`select count(*)::int as n from public.b`).toEqual([{ n: 1 }]);
      expect(await after`select to_regclass('public.stray') as t`).toEqual([{ t: null }]);
    } finally {
      await after.end();
    }
  });
});
