import { describe, expect, it } from 'vitest';
import { assertPreferencesHandled, parsePreferences } from './prefer.ts';
import { client, expectPostgrestError, requestOf } from './test-helpers.ts';

describe('parsePreferences', () => {
  it('reads nothing from no header', () => {
    expect(parsePreferences(null)).toEqual({ invalid: [] });
    expect(parsePreferences([])).toEqual({ invalid: [] });
  });

  it('reads every known preference from one comma-separated header (PostgREST doctest)', () => {
    expect(
      parsePreferences(
        'resolution=ignore-duplicates, count=exact, timezone=America/Los_Angeles, max-affected=100',
      ),
    ).toEqual({
      resolution: 'ignore-duplicates',
      count: 'exact',
      timezone: 'America/Los_Angeles',
      maxAffected: 100,
      invalid: [],
    });
  });

  it('reads several headers and collects unknown values verbatim', () => {
    expect(
      parsePreferences([
        'resolution=ignore-duplicates',
        'count=exact',
        'missing=null',
        'handling=lenient',
        'invalid',
        'max-affected=5999',
      ]),
    ).toEqual({
      resolution: 'ignore-duplicates',
      count: 'exact',
      missing: 'null',
      handling: 'lenient',
      maxAffected: 5999,
      invalid: ['invalid'],
    });
  });

  it('keeps the first value of each kind, across headers', () => {
    expect(parsePreferences('tx=commit, tx=rollback').tx).toBe('commit');
    expect(parsePreferences(['resolution=ignore-duplicates', 'resolution=merge-duplicates']).resolution).toBe(
      'ignore-duplicates',
    );
    expect(parsePreferences('timezone=UTC, timezone=Europe/Paris').timezone).toBe('UTC');
    expect(parsePreferences('max-affected=x, max-affected=3').maxAffected).toBeUndefined();
  });

  it('trims spaces, matches case-sensitively, and keeps empty values from stray commas as invalid', () => {
    expect(
      parsePreferences(
        'count=exact,    tx=commit   ,return=representation , missing=default, handling=strict, anything',
      ),
    ).toEqual({
      count: 'exact',
      tx: 'commit',
      return: 'representation',
      missing: 'default',
      handling: 'strict',
      invalid: ['anything'],
    });
    expect(parsePreferences('Return=Minimal, return=minimal,').invalid).toEqual(['Return=Minimal', '']);
  });

  it('reads every value of every kind', () => {
    expect(parsePreferences('return=minimal').return).toBe('minimal');
    expect(parsePreferences('return=headers-only').return).toBe('headers-only');
    expect(parsePreferences('count=planned').count).toBe('planned');
    expect(parsePreferences('count=estimated').count).toBe('estimated');
    expect(parsePreferences('resolution=merge-duplicates').resolution).toBe('merge-duplicates');
    expect(parsePreferences('missing=default').missing).toBe('default');
    expect(parsePreferences('tx=rollback').tx).toBe('rollback');
    expect(parsePreferences('max-affected=-1').maxAffected).toBe(-1);
    expect(parsePreferences('timezone=').timezone).toBe('');
  });
});

describe('assertPreferencesHandled', () => {
  it('accepts unknown preferences unless handling=strict', () => {
    expect(() => assertPreferencesHandled(parsePreferences('foo, bar'))).not.toThrow();
    expect(() => assertPreferencesHandled(parsePreferences('handling=lenient, foo'))).not.toThrow();
    expect(() => assertPreferencesHandled(parsePreferences('handling=strict, count=exact'))).not.toThrow();
  });

  it('answers 400 PGRST122 under handling=strict', () => {
    expectPostgrestError(() => assertPreferencesHandled(parsePreferences('handling=strict, foo, bar=1')), {
      code: 'PGRST122',
      message: 'Invalid preferences given with handling=strict',
      details: 'Invalid preferences: foo, bar=1',
    });
  });
});

describe('parsePreferences: what postgrest-js sends', () => {
  const prefer = (builder: unknown) => parsePreferences(requestOf(builder).headers.get('Prefer'));

  it('select with count, insert with representation and missing=default', () => {
    expect(prefer(client().from('t').select('*', { count: 'exact', head: true }))).toEqual({
      count: 'exact',
      invalid: [],
    });
    expect(
      prefer(
        client()
          .from('t')
          .insert([{ a: 1 }], { count: 'planned', defaultToNull: false })
          .select(),
      ),
    ).toEqual({
      count: 'planned',
      missing: 'default',
      return: 'representation',
      invalid: [],
    });
  });

  it('upsert, maxAffected and rollback', () => {
    expect(prefer(client().from('t').upsert({ a: 1 }, { ignoreDuplicates: true }))).toEqual({
      resolution: 'ignore-duplicates',
      invalid: [],
    });
    expect(prefer(client().from('t').update({ a: 1 }).eq('id', 1).maxAffected(5).rollback())).toEqual({
      handling: 'strict',
      maxAffected: 5,
      tx: 'rollback',
      invalid: [],
    });
  });

  it('rpc head with object arguments', () => {
    expect(prefer(client().rpc('fn', { a: { b: 1 } }, { head: true, count: 'estimated' }))).toEqual({
      count: 'estimated',
      return: 'minimal',
      invalid: [],
    });
  });
});
