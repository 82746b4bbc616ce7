import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgrestError } from '../errors.ts';
import { findFunction } from './find-function.ts';
import { findColumn, findRelation } from './find-relation.ts';
import { findRelationship, findRelationships } from './find-relationship.ts';
import { loadSchemaCache } from './load.ts';
import type { Relationship, SchemaCache } from './model.ts';
import { type FixtureDatabase, startFixtureDatabase } from './test-fixture.ts';

let db: FixtureDatabase;
let cache: SchemaCache;

beforeAll(async () => {
  db = await startFixtureDatabase();
  cache = await loadSchemaCache(db.sql, ['public', 'api']);
});
afterAll(() => db?.stop());

/** The error `fn` throws, as status plus PostgREST's JSON body. */
function failure(fn: () => unknown): { status: number; body: unknown } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof PostgrestError)) throw error;
    return { status: error.status, body: JSON.parse(JSON.stringify(error)) };
  }
  throw new Error('expected a PostgrestError');
}

const publicName = (name: string) => ({ schema: 'public', name });
const summary = (rel: Relationship) =>
  rel.type === 'computed'
    ? `computed ${rel.function.name}`
    : rel.type === 'many-to-many'
      ? `many-to-many ${rel.foreignTable.name} via ${rel.junction.table.name}`
      : `${rel.cardinality} ${rel.foreignTable.name} via ${rel.constraint}`;
const embed = (origin: string, target: string, hint?: string) =>
  summary(findRelationship(cache, publicName(origin), target, hint));

describe('findRelation / findColumn', () => {
  it('finds tables, views and relations of other exposed schemas', () => {
    expect(findRelation(cache, 'public', 'posts').kind).toBe('table');
    expect(findRelation(cache, 'public', 'published_posts').kind).toBe('view');
    expect(findRelation(cache, 'api', 'reviews').schema).toBe('api');
  });

  it('answers PGRST205 with the closest table as hint', () => {
    expect(failure(() => findRelation(cache, 'public', 'post'))).toEqual({
      status: 404,
      body: {
        code: 'PGRST205',
        details: null,
        hint: "Perhaps you meant the table 'public.posts'",
        message: "Could not find the table 'public.post' in the schema cache",
      },
    });
    expect(failure(() => findRelation(cache, 'public', 'Posts')).body).toMatchObject({
      hint: "Perhaps you meant the table 'public.posts'",
    });
    expect(failure(() => findRelation(cache, 'public', 'xyzzy')).body).toMatchObject({ hint: null });
    expect(failure(() => findRelation(cache, 'public', 'events_2025')).body).toMatchObject({
      code: 'PGRST205',
      message: "Could not find the table 'public.events_2025' in the schema cache",
    });
    expect(failure(() => findRelation(cache, 'private', 'audit')).body).toMatchObject({ hint: null });
  });

  it('answers PGRST204 for an unknown column', () => {
    expect(findColumn(findRelation(cache, 'public', 'posts'), 'title').dataType).toBe('text');
    expect(failure(() => findColumn(findRelation(cache, 'public', 'posts'), 'titel'))).toEqual({
      status: 400,
      body: {
        code: 'PGRST204',
        details: null,
        hint: null,
        message: "Could not find the 'titel' column of 'posts' in the schema cache",
      },
    });
  });
});

describe('findRelationship', () => {
  it('resolves embeds by table name, in every cardinality', () => {
    expect(embed('posts', 'authors')).toBe('many-to-one authors via posts_author_id_fkey');
    expect(embed('authors', 'posts')).toBe('one-to-many posts via posts_author_id_fkey');
    expect(embed('authors', 'profiles')).toBe('one-to-one profiles via profiles_author_id_fkey');
    expect(embed('profiles', 'authors')).toBe('one-to-one authors via profiles_author_id_fkey');
    expect(embed('posts', 'tags')).toBe('many-to-many tags via post_tags');
    expect(embed('posts', 'post_tags')).toBe('one-to-many post_tags via post_tags_post_id_fkey');
    expect(embed('published_posts', 'authors')).toBe('many-to-one authors via posts_author_id_fkey');
    expect(embed('authors', 'latest_post')).toBe('computed latest_post');
  });

  it('reads a target as a constraint or a foreign-key column, and a hint as either side or a junction', () => {
    expect(embed('comments', 'author_id')).toBe('many-to-one authors via comments_author_id_fkey');
    expect(embed('comments', 'comments_moderator_id_fkey')).toBe(
      'many-to-one authors via comments_moderator_id_fkey',
    );
    expect(embed('comments', 'authors', 'comments_moderator_id_fkey')).toBe(
      'many-to-one authors via comments_moderator_id_fkey',
    );
    expect(embed('comments', 'authors', 'moderator_id')).toBe(
      'many-to-one authors via comments_moderator_id_fkey',
    );
    expect(embed('tags', 'posts', 'post_tags')).toBe('many-to-many posts via post_tags');
    expect(findRelationships(cache, publicName('comments'), 'authors', 'id')).toHaveLength(2);
  });

  it('reads a self reference: table name for children, column for the parent', () => {
    expect(embed('comments', 'comments')).toBe('one-to-many comments via comments_parent_id_fkey');
    expect(embed('comments', 'parent_id')).toBe('many-to-one comments via comments_parent_id_fkey');
    expect(embed('comments', 'comments', 'parent_id')).toBe(
      'one-to-many comments via comments_parent_id_fkey',
    );
  });

  it('answers PGRST201 listing the candidates and how to pick one', () => {
    expect(failure(() => findRelationship(cache, publicName('comments'), 'authors'))).toEqual({
      status: 300,
      body: {
        code: 'PGRST201',
        details: [
          {
            cardinality: 'many-to-one',
            embedding: 'comments with authors',
            relationship: 'comments_author_id_fkey using comments(author_id) and authors(id)',
          },
          {
            cardinality: 'many-to-one',
            embedding: 'comments with authors',
            relationship: 'comments_moderator_id_fkey using comments(moderator_id) and authors(id)',
          },
        ],
        hint: "Try changing 'authors' to one of the following: 'authors!comments_author_id_fkey', 'authors!comments_moderator_id_fkey'. Find the desired relationship in the 'details' key.",
        message: "Could not embed because more than one relationship was found for 'comments' and 'authors'",
      },
    });
  });

  it('answers PGRST200 with a hint for a misspelled target or origin', () => {
    expect(failure(() => findRelationship(cache, publicName('posts'), 'tag'))).toEqual({
      status: 400,
      body: {
        code: 'PGRST200',
        details:
          "Searched for a foreign key relationship between 'posts' and 'tag' in the schema 'public', but no matches were found.",
        hint: "Perhaps you meant 'tags' instead of 'tag'.",
        message: "Could not find a relationship between 'posts' and 'tag' in the schema cache",
      },
    });
    expect(failure(() => findRelationship(cache, publicName('post'), 'authors')).body).toMatchObject({
      hint: "Perhaps you meant 'posts' instead of 'post'.",
    });
    expect(failure(() => findRelationship(cache, publicName('posts'), 'authors', 'nope')).body).toMatchObject(
      {
        details:
          "Searched for a foreign key relationship between 'posts' and 'authors' using the hint 'nope' in the schema 'public', but no matches were found.",
        hint: null,
      },
    );
  });

  it('embeds within the origin schema only', () => {
    expect(findRelationships(cache, publicName('posts'), 'reviews')).toEqual([]);
    expect(findRelationships(cache, { schema: 'api', name: 'reviews' }, 'posts')).toEqual([]);
  });
});

describe('findFunction', () => {
  it('picks the overload whose parameters the arguments name', () => {
    expect(findFunction(cache, 'public', 'add', ['a', 'b']).signature.arguments).toBe('a integer, b integer');
    expect(findFunction(cache, 'public', 'greet', []).signature.arguments).toBe('');
    expect(findFunction(cache, 'public', 'greet', ['name', 'greeting']).signature.arguments).toBe(
      "name text, greeting text DEFAULT 'Hello'::text",
    );
    expect(findFunction(cache, 'public', 'sum_all', ['nums']).name).toBe('sum_all');
    expect(findFunction(cache, 'public', 'touch', []).returns.name.name).toBe('void');
  });

  it('passes a whole JSON body to a single unnamed json parameter', () => {
    expect(findFunction(cache, 'public', 'echo', ['x'], { post: true }).name).toBe('echo');
    expect(() => findFunction(cache, 'public', 'echo', ['x'])).toThrow(PostgrestError);
  });

  it('answers PGRST203 when several overloads fit', () => {
    expect(failure(() => findFunction(cache, 'public', 'greet', ['name']))).toEqual({
      status: 300,
      body: {
        code: 'PGRST203',
        details: null,
        hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
        message:
          'Could not choose the best candidate function between: public.greet(name => text), public.greet(name => text, greeting => text)',
      },
    });
  });

  it('answers PGRST202 with the closest function or parameter list', () => {
    expect(failure(() => findFunction(cache, 'public', 'ad', ['a', 'b']))).toEqual({
      status: 404,
      body: {
        code: 'PGRST202',
        details:
          'Searched for the function public.ad with parameters a, b, but no matches were found in the schema cache.',
        hint: null,
        message: 'Could not find the function public.ad(a, b) in the schema cache',
      },
    });
    expect(failure(() => findFunction(cache, 'public', 'greett', [])).body).toMatchObject({
      details:
        'Searched for the function public.greett without parameters, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.greet',
      message: 'Could not find the function public.greett without parameters in the schema cache',
    });
    expect(
      failure(() => findFunction(cache, 'public', 'add', ['b', 'c'], { post: true })).body,
    ).toMatchObject({
      details:
        'Searched for the function public.add with parameters b, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.add(a, b)',
      message: 'Could not find the function public.add(b, c) in the schema cache',
    });
    expect(
      failure(() => findFunction(cache, 'public', 'add', [], { post: true, contentType: 'text/plain' })).body,
    ).toEqual({
      code: 'PGRST202',
      details:
        'Searched for the function public.add with a single unnamed text parameter, but no matches were found in the schema cache.',
      hint: null,
      message: 'Could not find the function public.add in the schema cache',
    });
  });

  it('does not reach functions PostgREST cannot call', () => {
    expect(failure(() => findFunction(cache, 'public', 'shout', [])).status).toBe(404);
    expect(failure(() => findFunction(cache, 'public', 'on_post_change', [])).status).toBe(404);
    expect(failure(() => findFunction(cache, 'private', 'anything', [])).status).toBe(404);
  });
});
