import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaCache } from '../schema-cache/load.ts';
import type { SchemaCache } from '../schema-cache/model.ts';
import { type FixtureDatabase, startFixtureDatabase } from '../schema-cache/test-fixture.ts';
import { EDGE_SQL } from './edge-fixture.ts';
import { generateTypes } from './index.ts';

/**
 * The expected files are what `supabase gen types typescript --local` (postgres-meta's
 * TypeScript template and its Prettier pass) printed for the same SQL on PostgreSQL 17.
 */
const expected = (name: string) => readFile(new URL(`testdata/${name}`, import.meta.url), 'utf8');

let db: FixtureDatabase;
let cache: SchemaCache;
let edge: SchemaCache;
let types: string;

beforeAll(async () => {
  db = await startFixtureDatabase();
  cache = await loadSchemaCache(db.sql, ['public', 'api']);
  await db.sql`create database edge`;
  const url = new URL(db.url);
  url.pathname = '/edge';
  const edgeSql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    await edgeSql.unsafe(EDGE_SQL);
    edge = await loadSchemaCache(edgeSql, ['public', 'other']);
  } finally {
    await edgeSql.end();
  }
  types = generateTypes(cache);
});
afterAll(() => db?.stop());

/**
 * The member of `source` whose first line starts with `start`, through its closing bracket,
 * dedented.
 */
function block(start: string, source = types): string {
  const lines = source.split('\n');
  const from = lines.findIndex((l) => l.trimStart().startsWith(start));
  if (from < 0) throw new Error(`no line starting with ${start}`);
  const indent = (lines[from] as string).search(/\S/);
  let to = lines.findIndex((l, i) => i > from && l.search(/\S/) <= indent);
  if (to < 0) to = lines.length;
  if (/^\s*[}\]]/.test(lines[to] ?? '')) to++;
  return lines
    .slice(from, to)
    .map((l) => l.slice(indent))
    .join('\n');
}

describe('generateTypes', () => {
  it('prints byte for byte what supabase gen types prints', async () => {
    expect(types).toBe(await expected('fixture.expected.txt'));
  });

  it('matches it on corner cases too (quoting, wrapping, overload conflicts, foreign tables)', async () => {
    expect(generateTypes(edge, { postgrestVersion: '13.0.5' })).toBe(await expected('edge.expected.txt'));
  });

  it('types columns for Row, Insert and Update', () => {
    expect(block('Insert: {', block('authors: {'))).toBe(
      [
        'Insert: {',
        '  address?: Database["public"]["CompositeTypes"]["address"] | null',
        '  created_at?: string',
        '  email?: string | null',
        '  handle?: string | null',
        '  id?: never',
        '  mood?: "happy" | "sad" | null',
        '  name: string',
        '  tags?: string[]',
        '}',
      ].join('\n'),
    );
    const posts = block('posts: {');
    expect(posts).toContain('  id?: number\n');
    expect(posts).toContain('  scores: number[] | null\n');
    expect(posts).toContain('  status: Database["public"]["Enums"]["post_status"]\n');
    // A computed field (a function of the row) in Row only.
    expect(posts).toContain('  title_length: number | null\n');
    expect(posts).toContain('  word_count?: number | null\n');
  });

  it('lists each foreign key its relation owns, through views as well', () => {
    expect(block('Relationships: [', block('profiles: {'))).toBe(
      [
        'Relationships: [',
        '  {',
        '    foreignKeyName: "profiles_author_id_fkey"',
        '    columns: ["author_id"]',
        '    isOneToOne: true',
        '    referencedRelation: "authors"',
        '    referencedColumns: ["id"]',
        '  },',
        ']',
      ].join('\n'),
    );
    expect(block('published_posts: {')).toContain('foreignKeyName: "posts_author_id_fkey"');
    expect(block('author_stats: {')).not.toContain('Insert');
  });

  it('types functions by their arguments and returns', () => {
    expect(types).toContain('add: { Args: { a: number; b: number }; Returns: number }');
    expect(types).toContain('touch: { Args: never; Returns: undefined }');
    expect(types).toContain('sum_all: { Args: { nums: number[] }; Returns: number }');
    expect(types).toContain('echo: { Args: { "": Json }; Returns: Json }');
    expect(block('greet:')).toBe(
      [
        'greet:',
        '  | { Args: never; Returns: string }',
        '  | { Args: { name: string }; Returns: string }',
        '  | { Args: { greeting?: string; name: string }; Returns: string }',
      ].join('\n'),
    );
    expect(block('author_summary: {')).toBe(
      [
        'author_summary: {',
        '  Args: { author_id: number }',
        '  Returns: {',
        '    name: string',
        '    post_count: number',
        '  }[]',
        '}',
      ].join('\n'),
    );
    expect(block('posts_by_status: {')).toContain(
      ['  }[]', '  SetofOptions: {', '    from: "*"', '    to: "posts"', '    isOneToOne: false'].join('\n'),
    );
    expect(block('title_length: {')).toContain('} & "the function public.title_length with parameter');
    expect(types).not.toContain('shout');
    expect(types).not.toContain('on_post_change');
  });

  it('ends with the helper types and the enum constants', () => {
    expect(types).toContain('export type TablesInsert<');
    expect(
      types.endsWith(`post_status: ["draft", "published", "archived"],\n    },\n  },\n} as const\n`),
    ).toBe(true);
  });

  it('honours the options', () => {
    expect(types).not.toContain('__InternalSupabase: {');
    expect(generateTypes(cache, { postgrestVersion: '12.2.3' })).toContain(
      '  __InternalSupabase: {\n    PostgrestVersion: "12.2.3"\n  }\n',
    );
    expect(generateTypes(cache, { detectOneToOneRelationships: false })).toContain(
      '    columns: ["author_id"]\n            referencedRelation: "authors"',
    );
    const apiOnly = generateTypes(cache, { schemas: ['api', 'private'] });
    expect(apiOnly).toContain('export type Database = {\n  api: {');
    expect(apiOnly).not.toContain('  public: {');
    // Columns using an enum of a schema not generated spell its labels out.
    expect(generateTypes(cache, { schemas: ['api'] })).toContain(
      'export const Constants = {\n  api: {\n    Enums: {},',
    );
  });
});
