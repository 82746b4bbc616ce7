import { describe, expect, it } from 'vitest';
import { parseColumns, parseOnConflict } from './columns.ts';
import { client, expectPostgrestError, paramsOf } from './test-helpers.ts';

describe('parseColumns / parseOnConflict', () => {
  it('reads quoted and bare names, spaces around commas, and drops duplicate columns', () => {
    expect(parseColumns('"a","my col", b ,"a"')).toEqual(['a', 'my col', 'b']);
    expect(parseOnConflict('room_id, user_id')).toEqual(['room_id', 'user_id']);
  });

  it('fails an empty list like PostgREST (InsertSpec)', () => {
    expectPostgrestError(() => parseColumns(''), {
      message: '"failed to parse columns parameter ()" (line 1, column 1)',
      details: 'unexpected end of input expecting field name (* or [a..z0..9_$])',
    });
    expectPostgrestError(() => parseOnConflict(',a'), {
      message: '"failed to parse on_conflict parameter (,a)" (line 1, column 1)',
      details: 'unexpected "," expecting field name (* or [a..z0..9_$])',
    });
  });

  it('reads the union of keys postgrest-js sends for a bulk insert', () => {
    const params = paramsOf(
      client()
        .from('t')
        .insert([
          { id: 1, 'a,b': 2 },
          { id: 3, "it's": 4 },
        ]),
    );
    expect(params.get('columns')).toBe('"id","a,b","it\'s"');
    expect(parseColumns(params.get('columns') ?? '')).toEqual(['id', 'a,b', "it's"]);
  });
});
