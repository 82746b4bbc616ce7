/**
 * The product's migrations: named and ordered as the supabase CLI expects, applied from scratch
 * (the suite's own stack) and on top of an earlier schema that already holds data.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStack } from '../../stack/src/index.ts';
import { closeSql, sql } from './world.ts';

const repo = new URL('../../', import.meta.url).pathname;
const migrationsDir = join(repo, 'supabase', 'migrations');
let files: string[];

beforeAll(async () => {
  files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
});
afterAll(closeSql);

describe('migration files', () => {
  it('are named YYYYMMDDHHMMSS_verb_object.sql and start with a banner comment', async () => {
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      expect(file).toMatch(/^\d{14}_[a-z]+(_[a-z]+)+\.sql$/);
      expect((await readFile(join(migrationsDir, file), 'utf8')).startsWith('-- '), file).toBe(true);
    }
  });

  it('were all applied from scratch and recorded as the CLI records them', async () => {
    const rows = await sql()<{ version: string; name: string }[]>`
      select version, name from supabase_migrations.schema_migrations order by version`;
    expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(files);
  });
});

describe('on top of an earlier schema with data', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'watchroom-upgrade-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('applies the later migrations to a database that already has rooms, members and comments', async () => {
    const project = join(root, 'project');
    await mkdir(join(project, 'supabase', 'migrations'), { recursive: true });
    await cp(join(repo, 'supabase', 'config.toml'), join(project, 'supabase', 'config.toml'));
    // The earlier release: everything up to and including the room policies.
    const earlier = files.filter((f) => f <= '20261201000900');
    for (const file of earlier)
      await cp(join(migrationsDir, file), join(project, 'supabase', 'migrations', file));
    const options = { projectDir: project, dataDir: join(root, 'db'), apiPort: 0, dbPort: 0 };

    const first = await createStack(options);
    const db = postgres(first.dbUrl, { max: 1, onnotice: () => undefined });
    const [user] = await db<{ id: string }[]>`
      insert into auth.users (id, email, raw_user_meta_data) values (gen_random_uuid(), 'old@example.com', '{"display_name":"Old"}')
      returning id`;
    const [room] = await db<{ id: string }[]>`
      insert into public.rooms (name, host_id) values ('Old room', ${user?.id as string}) returning id`;
    await db`insert into public.comments (room_id, author_id, body) values (${room?.id as string}, ${user?.id as string}, 'from before')`;
    await db.end();
    await first.stop();

    for (const file of files)
      await cp(join(migrationsDir, file), join(project, 'supabase', 'migrations', file));
    const second = await createStack(options);
    const after = postgres(second.dbUrl, { max: 1, onnotice: () => undefined });
    try {
      const applied = await after<
        { n: number }[]
      >`select count(*)::int as n from supabase_migrations.schema_migrations`;
      expect(applied[0]?.n).toBe(files.length);
      const [kept] = await after<{ member_count: number; host: string; comments: number }[]>`
        select r.member_count, m.role as host, (select count(*)::int from public.comments c where c.room_id = r.id) as comments
          from public.rooms r join public.room_members m on m.room_id = r.id where r.id = ${room?.id as string}`;
      expect(kept).toEqual({ member_count: 1, host: 'host', comments: 2 });
      // Features of the later migrations work on the old rows.
      const [comment] = await after<
        { id: string }[]
      >`select id from public.comments where body = 'from before'`;
      await after`insert into public.comment_reactions (comment_id, user_id, emoji) values (${comment?.id as string}, ${user?.id as string}, '👍')`;
      const published = await after<{ tablename: string }[]>`
        select tablename from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' order by 1`;
      expect(published.map((r) => r.tablename)).toEqual(['comments', 'room_members', 'rooms']);
    } finally {
      await after.end();
      await second.stop();
    }
  }, 120_000);
});
