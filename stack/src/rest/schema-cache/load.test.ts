import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaCache, SchemaCacheLoadError } from './load.ts';
import type { ForeignKeyRelationship, Relationship, SchemaCache } from './model.ts';
import { type FixtureDatabase, startFixtureDatabase } from './test-fixture.ts';

let db: FixtureDatabase;
let cache: SchemaCache;

beforeAll(async () => {
  db = await startFixtureDatabase();
  cache = await loadSchemaCache(db.sql, ['public', 'api', 'missing']);
});
afterAll(() => db?.stop());

const relation = (name: string, schema = 'public') => {
  const found = cache.relations[schema]?.[name];
  if (!found) throw new Error(`no ${schema}.${name}`);
  return found;
};
const column = (table: string, name: string) => relation(table).columns.find((c) => c.name === name);

/** `cardinality target via constraint (origin→target columns)`, in cache order. */
const describeFrom = (name: string, schema = 'public') =>
  (cache.relationships[schema]?.[name] ?? []).map((r: Relationship) => {
    const target = `${r.foreignTable.schema}.${r.foreignTable.name}`;
    if (r.type === 'computed') return `computed ${target} via ${r.function.name}()`;
    if (r.type === 'many-to-many') return `many-to-many ${target} via ${r.junction.table.name}`;
    return `${r.cardinality} ${target} via ${r.constraint} (${r.columns.map((p) => p.join('→')).join(', ')})`;
  });

describe('relations', () => {
  it('lists the exposed schemas that exist, in order', () => {
    expect(cache.schemas).toEqual(['public', 'api']);
  });

  it('loads every kind of relation and hides partitions', () => {
    expect(Object.keys(cache.relations.public ?? {}).sort()).toEqual([
      'author_stats',
      'authors',
      'comments',
      'events',
      'post_tags',
      'post_titles',
      'posts',
      'profiles',
      'published_posts',
      'tags',
    ]);
    expect(Object.keys(cache.relations.api ?? {})).toEqual(['reviews']);
    expect(cache.relations.private).toBeUndefined();
    expect(cache.partitions.map((p) => `${p.schema}.${p.name}:${p.kind}`)).toEqual([
      'public.events_2025:table',
    ]);
    expect(relation('events').kind).toBe('partitioned_table');
    expect(relation('author_stats')).toMatchObject({ kind: 'materialized_view', isView: true });
    expect(relation('authors').comment).toBe('People who write posts');
  });

  it('knows which commands each relation accepts', () => {
    const commands = (name: string) => {
      const r = relation(name);
      return [r.insertable, r.updatable, r.deletable, r.autoUpdatable];
    };
    expect(commands('posts')).toEqual([true, true, true, true]);
    expect(commands('published_posts')).toEqual([true, true, true, true]);
    expect(commands('author_stats')).toEqual([false, false, false, false]);
    expect(column('author_stats', 'post_count')?.updatable).toBe(false);
  });

  it('orders table primary keys by name, and traces view primary keys to the base table', () => {
    expect(relation('events').primaryKey).toEqual(['at', 'id']);
    expect(relation('post_tags').primaryKey).toEqual(['post_id', 'tag_id']);
    expect(relation('published_posts').primaryKey).toEqual(['id']);
    expect(relation('post_titles').primaryKey).toEqual([]);
    expect(relation('author_stats').primaryKey).toEqual([]);
    expect(relation('authors').uniqueKeys).toEqual([
      { name: 'authors_pkey', primary: true, columns: ['id'] },
      { name: 'authors_email_key', primary: false, columns: ['email'] },
    ]);
  });
});

describe('columns', () => {
  it('lists columns in ordinal order with PostgREST type names', () => {
    expect(relation('posts').columns.map((c) => [c.name, c.dataType])).toEqual([
      ['id', 'bigint'],
      ['author_id', 'bigint'],
      ['title', 'text'],
      ['body', 'text'],
      ['status', 'public.post_status'],
      ['metadata', 'jsonb'],
      ['word_count', 'integer'],
      ['scores', 'integer[]'],
      ['published_at', 'timestamp without time zone'],
    ]);
  });

  it('reports defaults, identity and generated columns like PostgREST', () => {
    expect(column('posts', 'id')).toMatchObject({
      identity: 'by default',
      default: "nextval('public.posts_id_seq')",
      defaultExpression: null,
      nullable: false,
    });
    expect(column('authors', 'id')).toMatchObject({ identity: 'always', default: null });
    expect(column('posts', 'word_count')).toMatchObject({
      generated: 'stored',
      default: null,
      defaultExpression: "length(COALESCE(body, ''::text))",
    });
    expect(column('posts', 'status')).toMatchObject({
      default: "'draft'::public.post_status",
      enum: ['draft', 'published', 'archived'],
    });
    expect(column('comments', 'id')?.default).toBe("nextval('public.comments_id_seq'::regclass)");
  });

  it('describes the udt: domains, enums of other schemas, arrays, composites, lengths', () => {
    const email = column('authors', 'email');
    expect(email).toMatchObject({ dataType: 'text', nominalType: 'public.email', nullable: true });
    expect(email?.type).toMatchObject({ schema: 'public', name: 'email', kind: 'domain' });
    expect(email?.type.base?.name).toBe('text');
    expect(column('authors', 'handle')).toMatchObject({
      dataType: 'character varying',
      nominalType: 'character varying(32)',
      maxLength: 32,
    });
    expect(column('authors', 'mood')).toMatchObject({ dataType: 'private.mood', enum: ['happy', 'sad'] });
    const tags = column('authors', 'tags');
    expect(tags).toMatchObject({ dataType: 'text[]', dimensions: 1, default: "'{}'::text[]" });
    expect(tags?.type).toMatchObject({ name: '_text', kind: 'array', text: 'text[]' });
    expect(tags?.type.element?.name).toBe('text');
    expect(column('posts', 'scores')?.dimensions).toBe(2);
    expect(column('authors', 'address')?.type).toMatchObject({
      kind: 'composite',
      relationKind: 'composite',
    });
    expect(column('authors', 'name')?.comment).toBe('Display name');
  });
});

describe('relationships', () => {
  it('derives many-to-one, one-to-many, one-to-one and many-to-many, through views too', () => {
    expect(describeFrom('posts')).toEqual([
      'one-to-many api.reviews via reviews_post_id_fkey (id→post_id)',
      'many-to-one public.authors via posts_author_id_fkey (author_id→id)',
      'one-to-many public.comments via comments_post_id_fkey (id→post_id)',
      'one-to-many public.post_tags via post_tags_post_id_fkey (id→post_id)',
      'many-to-many public.tags via post_tags',
    ]);
    expect(describeFrom('authors')).toEqual([
      'one-to-many public.author_stats via posts_author_id_fkey (id→author_id)',
      'one-to-many public.comments via comments_author_id_fkey (id→author_id)',
      'one-to-many public.comments via comments_moderator_id_fkey (id→moderator_id)',
      'one-to-many public.posts via posts_author_id_fkey (id→author_id)',
      'one-to-one public.profiles via profiles_author_id_fkey (id→author_id)',
      'one-to-many public.published_posts via posts_author_id_fkey (id→author_id)',
      'computed public.posts via latest_post()',
    ]);
    expect(describeFrom('profiles')).toEqual([
      'one-to-one public.authors via profiles_author_id_fkey (author_id→id)',
    ]);
    expect(describeFrom('published_posts')).toEqual([
      'one-to-many api.reviews via reviews_post_id_fkey (id→post_id)',
      'many-to-one public.authors via posts_author_id_fkey (author_id→id)',
      'one-to-many public.comments via comments_post_id_fkey (id→post_id)',
      'one-to-many public.post_tags via post_tags_post_id_fkey (id→post_id)',
      'many-to-many public.tags via post_tags',
    ]);
    expect(describeFrom('tags')).toEqual([
      'one-to-many public.post_tags via post_tags_tag_id_fkey (id→tag_id)',
      'many-to-many public.posts via post_tags',
      'many-to-many public.published_posts via post_tags',
    ]);
    // Cross-schema relationships are kept; embedding only looks within the origin's schema.
    expect(describeFrom('reviews', 'api')).toEqual([
      'many-to-one public.posts via reviews_post_id_fkey (post_id→id)',
      'many-to-one public.published_posts via reviews_post_id_fkey (post_id→id)',
    ]);
  });

  it('records a self reference in both directions', () => {
    expect(describeFrom('comments')).toEqual([
      'many-to-one public.authors via comments_author_id_fkey (author_id→id)',
      'many-to-one public.authors via comments_moderator_id_fkey (moderator_id→id)',
      'one-to-many public.comments via comments_parent_id_fkey (id→parent_id)',
      'many-to-one public.comments via comments_parent_id_fkey (parent_id→id)',
      'many-to-one public.posts via comments_post_id_fkey (post_id→id)',
      'many-to-one public.published_posts via comments_post_id_fkey (post_id→id)',
    ]);
    const self = cache.relationships.public?.comments?.filter((r) => r.isSelf);
    expect(self).toHaveLength(2);
  });

  it('keeps what a join builder and an error message need', () => {
    const m2m = cache.relationships.public?.posts?.find((r) => r.type === 'many-to-many');
    expect(m2m).toMatchObject({
      junction: {
        table: { schema: 'public', name: 'post_tags' },
        constraint1: 'post_tags_post_id_fkey',
        constraint2: 'post_tags_tag_id_fkey',
        sourceColumns: [['id', 'post_id']],
        targetColumns: [['id', 'tag_id']],
      },
    });
    const fromParent = cache.relationships.public?.authors?.find(
      (r): r is ForeignKeyRelationship => r.type === 'foreign-key' && r.cardinality === 'one-to-one',
    );
    expect(fromParent).toMatchObject({ isParent: true, tableIsView: false, foreignTableIsView: false });
    expect(fromParent?.foreignKey).toMatchObject({
      name: 'profiles_author_id_fkey',
      table: { schema: 'public', name: 'profiles' },
      columns: ['author_id'],
      referencedTable: { schema: 'public', name: 'authors' },
      referencedColumns: ['id'],
      oneToOne: true,
      oneToOneOrdered: true,
    });
    const viaView = cache.relationships.public?.published_posts?.find(
      (r) => r.foreignTable.name === 'authors',
    );
    expect(viaView).toMatchObject({ tableIsView: true, foreignTableIsView: false });
  });

  it('drops relationships to unexposed schemas', () => {
    const all = Object.values(cache.relationships).flatMap((byName) => Object.values(byName).flat());
    expect(all.some((r) => r.table.schema === 'private' || r.foreignTable.schema === 'private')).toBe(false);
  });
});

describe('routines', () => {
  const routine = (name: string, index = 0) => {
    const found = cache.routines.public?.[name]?.[index];
    if (!found) throw new Error(`no function ${name}`);
    return found;
  };
  const params = (name: string, index = 0) =>
    routine(name, index).parameters.map(
      (p) => `${p.mode} ${p.name || '$'} ${p.type.text}${p.hasDefault ? ' = …' : ''}`,
    );

  it('classifies return types as PostgREST does', () => {
    expect(routine('add')).toMatchObject({
      returns: { kind: 'scalar', name: { schema: 'pg_catalog', name: 'int4' }, set: false },
      volatility: 'immutable',
      comment: 'Adds two integers',
      callable: true,
    });
    expect(routine('posts_by_status')).toMatchObject({
      returns: { kind: 'composite', name: { schema: 'public', name: 'posts' }, set: true },
      returnsSet: true,
      rows: 1000,
      volatility: 'stable',
    });
    expect(routine('author_summary').returns).toEqual({
      kind: 'composite',
      name: { schema: 'pg_catalog', name: 'record' },
      set: true,
      viaDomain: false,
    });
    expect(params('author_summary')).toEqual([
      'in author_id bigint',
      'table name text',
      'table post_count bigint',
    ]);
    expect(routine('touch').returns.name).toEqual({ schema: 'pg_catalog', name: 'void' });
    expect(routine('stats').returns.kind).toBe('composite');
    expect(routine('make_address').returns.name).toEqual({ schema: 'public', name: 'address' });
    expect(routine('current_mood').returns.name).toEqual({ schema: 'private', name: 'mood' });
  });

  it('lists overloads with fewest parameters first, and defaults and variadics', () => {
    expect(cache.routines.public?.greet?.map((r) => r.signature.arguments)).toEqual([
      '',
      'name text',
      "name text, greeting text DEFAULT 'Hello'::text",
    ]);
    expect(params('greet', 2)).toEqual(['in name text', 'in greeting text = …']);
    expect(params('sum_all')).toEqual(['variadic nums integer[]']);
    expect(routine('sum_all').hasVariadic).toBe(true);
  });

  it('keeps security definer and SET clauses', () => {
    expect(routine('secure_count')).toMatchObject({
      securityDefiner: true,
      settings: [
        ['search_path', '""'],
        ['statement_timeout', '5s'],
      ],
    });
  });

  it('tells which functions /rpc can reach', () => {
    expect(routine('echo').callable).toBe(true);
    expect(routine('shout').callable).toBe(false);
    expect(routine('title_length').callable).toBe(false);
    expect(routine('on_post_change').callable).toBe(false);
  });
});

describe('types', () => {
  it('lists enums and composite types of every schema', () => {
    expect(cache.enums.map((e) => [`${e.schema}.${e.name}`, e.labels])).toEqual([
      ['public.post_status', ['draft', 'published', 'archived']],
      ['private.mood', ['happy', 'sad']],
    ]);
    expect(
      cache.compositeTypes.map((t) => [`${t.schema}.${t.name}`, t.attributes.map((a) => a.type.text)]),
    ).toEqual([
      ['public.address', ['text', 'text', 'character varying']],
      ['private.point3', ['double precision', 'double precision', 'double precision']],
    ]);
  });
});

describe('reloads', () => {
  it('returns a deeply frozen object', () => {
    expect(Object.isFrozen(cache)).toBe(true);
    expect(Object.isFrozen(relation('posts').columns[0])).toBe(true);
    expect(() => {
      (cache.relations.public as Record<string, unknown>).x = 1;
    }).toThrow(TypeError);
  });

  it('reports a failed load as a SchemaCacheLoadError', async () => {
    const url = new URL(db.url);
    url.password = 'wrong';
    const sql = postgres(url.toString(), { max: 1 });
    try {
      await expect(loadSchemaCache(sql, ['public'])).rejects.toMatchObject({
        name: 'SchemaCacheLoadError',
        code: 'schema_cache_load_failed',
      });
      await expect(loadSchemaCache(sql, ['public'])).rejects.toBeInstanceOf(SchemaCacheLoadError);
    } finally {
      await sql.end();
    }
  });

  it('loads a few hundred tables quickly', async () => {
    await db.sql.unsafe(`
      create schema bulk;
      do $$ begin
        for i in 1..300 loop
          execute format('create table bulk.t%s (id int primary key, parent int references bulk.t%s (id), name text, at timestamptz default now())', i, greatest(i - 1, 1));
          execute format('create view bulk.v%s as select id, parent from bulk.t%s', i, i);
        end loop;
      end $$`);
    await loadSchemaCache(db.sql, ['bulk']);
    const started = performance.now();
    const bulk = await loadSchemaCache(db.sql, ['bulk']);
    const elapsed = performance.now() - started;
    expect(Object.keys(bulk.relations.bulk ?? {})).toHaveLength(600);
    expect(bulk.relations.bulk?.v42?.primaryKey).toEqual(['id']);
    // 100 ms on a developer machine; the margin absorbs a loaded CI runner.
    expect(elapsed).toBeLessThan(500);
  });
});
