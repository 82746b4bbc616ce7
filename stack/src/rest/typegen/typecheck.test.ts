import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSchemaCache } from '../schema-cache/load.ts';
import { type FixtureDatabase, startFixtureDatabase } from '../schema-cache/test-fixture.ts';
import { generateTypes } from './index.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Compiled with the generated types: what supabase-js infers must be what a developer
 * expects, and mistakes must not compile (each `@ts-expect-error` fails the build if unused).
 */
const USAGE = `
import { createClient } from '@supabase/supabase-js';
import type { Database, Enums, Tables, TablesInsert } from './database.types.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const supabase = createClient<Database>('http://typecheck.invalid', 'anon-key');

export async function usage() {
  const { data: posts } = await supabase.from('posts').select('id, author:authors(name)');
  assertType<Equal<NonNullable<typeof posts>[number], { id: number; author: { name: string } }>>();

  const { data: comments } = await supabase.from('comments').select('body, moderator:authors!comments_moderator_id_fkey(name)');
  assertType<Equal<NonNullable<typeof comments>[number], { body: string; moderator: { name: string } | null }>>();

  const { data: tagged } = await supabase.from('posts').select('title, tags(name)').eq('status', 'published');
  assertType<Equal<NonNullable<typeof tagged>[number], { title: string; tags: { name: string }[] }>>();

  const { data: sum } = await supabase.rpc('add', { a: 1, b: 2 });
  assertType<Equal<typeof sum, number | null>>();

  const { data: summary } = await supabase.rpc('author_summary', { author_id: 1 });
  assertType<Equal<NonNullable<typeof summary>, { name: string; post_count: number }[]>>();

  assertType<Equal<Tables<'authors'>['mood'], 'happy' | 'sad' | null>>();
  assertType<Equal<Enums<'post_status'>, 'draft' | 'published' | 'archived'>>();
  const draft: TablesInsert<'posts'> = { author_id: 1, title: 'Draft' };
  await supabase.from('posts').insert(draft);

  // @ts-expect-error title is text
  await supabase.from('posts').insert({ author_id: 1, title: 5 });
  // @ts-expect-error authors.id is GENERATED ALWAYS
  await supabase.from('authors').insert({ id: 1, name: 'Ada' });
  // @ts-expect-error not an enum label
  await supabase.from('posts').update({ status: 'deleted' }).eq('id', 1);
  // @ts-expect-error add takes a and b
  await supabase.rpc('add', { a: 1 });
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    allowImportingTsExtensions: true,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  files: ['usage.ts'],
};

let db: FixtureDatabase;
let dir: string;

beforeAll(async () => {
  db = await startFixtureDatabase();
  dir = await mkdtemp(join(tmpdir(), 'watchroom-typegen-'));
  // The check resolves @supabase/supabase-js from the workspace's own install.
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
});
afterAll(async () => {
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('type-checks with supabase-js, which infers rows, embeds and RPC results from it', async () => {
  const cache = await loadSchemaCache(db.sql, ['public', 'api']);
  await writeFile(join(dir, 'database.types.ts'), generateTypes(cache));
  await writeFile(join(dir, 'usage.ts'), USAGE);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  const result = await run(tsc, ['-p', dir], { cwd: dir }).then(
    () => '',
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
  expect(result).toBe('');
});
