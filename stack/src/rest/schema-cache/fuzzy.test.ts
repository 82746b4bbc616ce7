import { describe, expect, it } from 'vitest';
import { fuzzyBest, fuzzyMatches, fuzzySet } from './fuzzy.ts';

/** The examples of PostgREST's `noRelBetweenHint` and `noRpcHint` documentation. */
describe('fuzzy matching as PostgREST hints use it', () => {
  const related = fuzzySet(['directors', 'roles', 'actors']);
  const parameterList = (names: string[]) => `(${[...names].sort().join(', ')})`;

  it('suggests a close name and nothing for a distant one', () => {
    expect(fuzzyBest(fuzzySet(['films']), 'film')).toBe('films');
    expect(fuzzyMatches(related, 'role')).toEqual([{ score: 0.8, value: 'roles' }]);
    expect(fuzzyMatches(related, 'noclosealternative')).toEqual([]);
  });

  it('reports an exact match (ignoring case) with score 1', () => {
    expect(fuzzyMatches(related, 'actors')).toEqual([{ score: 1, value: 'actors' }]);
    expect(fuzzyMatches(related, 'ACTORS')).toEqual([{ score: 1, value: 'actors' }]);
  });

  it('applies the 0.75 threshold of table and function name hints', () => {
    const functions = fuzzySet(['test', 'another']);
    expect(fuzzyBest(functions, 'testt', 0.75)).toBe('test');
    expect(fuzzyBest(functions, 'other', 0.75)).toBeUndefined();
    expect(fuzzyBest(functions, 'noclosealternative', 0.75)).toBeUndefined();
  });

  it('matches parameter lists', () => {
    const lists = fuzzySet([parameterList(['val', 'param', 'name']), parameterList(['id', 'attr'])]);
    expect(fuzzyBest(lists, parameterList(['vall', 'pqaram', 'nam']))).toBe('(name, param, val)');
    expect(fuzzyBest(lists, parameterList(['val', 'param']))).toBe('(name, param, val)');
    expect(fuzzyBest(lists, parameterList(['id', 'attrs']))).toBe('(attr, id)');
    expect(fuzzyBest(lists, parameterList(['id']))).toBe('(attr, id)');
    expect(fuzzyBest(lists, parameterList(['noclosealternative']))).toBeUndefined();
  });
});
