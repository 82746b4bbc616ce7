import { describe, expect, it } from 'vitest';
import { lineAndColumn, splitSql } from './sql-splitter.ts';

const texts = (sql: string) => splitSql(sql).map((s) => s.text);

describe('splitSql', () => {
  it('splits on top-level semicolons and drops empty statements', () => {
    expect(texts('select 1; select 2;;\n  ; select 3')).toEqual(['select 1', 'select 2', 'select 3']);
  });

  it('keeps semicolons inside quotes, identifiers and comments', () => {
    const sql = `insert into t values ('a;b', 'it''s;'); select "we;ird" from x; -- c;d\nselect /* x; /* nested; */ y */ 1;`;
    expect(texts(sql)).toEqual([
      "insert into t values ('a;b', 'it''s;')",
      'select "we;ird" from x',
      '-- c;d\nselect /* x; /* nested; */ y */ 1',
    ]);
  });

  it('honours escape strings with backslash-quoted quotes', () => {
    expect(texts(`select E'a\\';b'; select 2`)).toEqual([`select E'a\\';b'`, 'select 2']);
  });

  it('keeps dollar-quoted bodies whole, with and without tags', () => {
    const sql = `create function f() returns int language plpgsql as $$ begin return 1; end $$;
create function g() returns int language plpgsql as $body$ begin perform 'x;$$'; return 2; end $body$; select 3`;
    const parts = texts(sql);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain("perform 'x;$$'; return 2; end $body$");
  });

  it('does not mistake positional parameters for dollar quotes', () => {
    expect(texts('prepare p as select $1; select 2')).toEqual(['prepare p as select $1', 'select 2']);
  });

  it('keeps SQL-standard BEGIN ATOMIC bodies whole', () => {
    const sql = `create function h(a int) returns int language sql begin atomic select case when a > 0 then 1 else 0 end; select 2; end; select 9`;
    expect(texts(sql)).toEqual([
      'create function h(a int) returns int language sql begin atomic select case when a > 0 then 1 else 0 end; select 2; end',
      'select 9',
    ]);
  });

  it('reports offsets that point at each statement in the original text', () => {
    const sql = '\n\n  select 1;\nselect\n  2;';
    const [a, b] = splitSql(sql);
    expect(a && lineAndColumn(sql, a.offset)).toEqual({ line: 3, column: 3 });
    expect(b && lineAndColumn(sql, b.offset)).toEqual({ line: 4, column: 1 });
  });

  it('never loses text at any split point of a statement pair', () => {
    const sql = "select 'a;b' as x; select $t$;$t$";
    for (let cut = 0; cut <= sql.length; cut++) {
      const joined = splitSql(sql.slice(0, cut) + sql.slice(cut)).map((s) => s.text);
      expect(joined).toEqual(["select 'a;b' as x", 'select $t$;$t$']);
    }
  });
});
