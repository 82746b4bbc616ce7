import { describe, expect, it } from 'vitest';
import { bindingId, canonicalJson } from './binding-id.ts';
import { fromJson, inspect } from './elixir-inspect.ts';
import {
  describeParams,
  type FilterSpec,
  parseSubscriptionParams,
  type SubscriptionParams,
} from './params.ts';
import { postgrexMessage } from './postgres-error.ts';

function parsed(binding: unknown): SubscriptionParams {
  const result = parseSubscriptionParams(binding);
  if (!result.ok) throw new Error(`expected to parse, got: ${result.message}`);
  return result.params;
}

function message(binding: unknown): string {
  const result = parseSubscriptionParams(binding);
  if (result.ok) throw new Error('expected a parse error');
  return result.message;
}

const filtersOf = (filter: string) =>
  parsed({ schema: 'public', table: 'test', filter }).filters.map((f) => [f.column, f.op, f.value, f.negate]);

describe('parseSubscriptionParams: schema, table, event, select', () => {
  it('accepts schema+table, schema only, table only', () => {
    expect(parsed({ schema: 'public', table: 'messages' })).toEqual({
      action: '*',
      schema: 'public',
      table: 'messages',
      filters: [],
      select: null,
    });
    expect(parsed({ schema: 'public' })).toMatchObject({ schema: 'public', table: '*' });
    expect(parsed({ table: 'messages' })).toMatchObject({ schema: 'public', table: 'messages' });
    expect(parsed({ schema: '*', table: '*' })).toMatchObject({ schema: '*', table: '*' });
  });

  it('reads the event case-insensitively, anything else meaning *', () => {
    expect(parsed({ event: 'insert', table: 't' }).action).toBe('INSERT');
    expect(parsed({ event: 'Update', table: 't' }).action).toBe('UPDATE');
    expect(parsed({ event: 'DELETE', table: 't' }).action).toBe('DELETE');
    expect(parsed({ event: 'TRUNCATE', table: 't' }).action).toBe('*');
    expect(parsed({ event: 5, table: 't' }).action).toBe('*');
    expect(parsed({ table: 't' }).action).toBe('*');
  });

  it('reports missing or unusable params with the binding as Elixir prints it', () => {
    const prefix =
      'No subscription params provided. Please provide at least a `schema` or `table` to subscribe to: ';
    expect(message({})).toBe(`${prefix}%{}`);
    expect(message({ event: '*' })).toBe(`${prefix}%{"event" => "*"}`);
    expect(message({ table: 't', schema: 'public', filter: null })).toBe(
      `${prefix}%{"filter" => nil, "schema" => "public", "table" => "t"}`,
    );
    // A filter needs both schema and table.
    expect(message({ table: 't', filter: 'id=eq.1' })).toBe(
      `${prefix}%{"filter" => "id=eq.1", "table" => "t"}`,
    );
    expect(message({ schema: 5, table: 't', nested: { b: [1, 2.5, true] } })).toBe(
      `${prefix}%{"nested" => %{"b" => [1, 2.5, true]}, "schema" => 5, "table" => "t"}`,
    );
    expect(message({ user_token: 'secret' })).toBe(`${prefix}<redacted>`);
    expect(message('public')).toBe(`${prefix}"public"`);
  });

  it('takes select as a list of column names and refuses other forms', () => {
    expect(parsed({ schema: 'public', table: 't', select: ['task', 3, 'done'] }).select).toEqual([
      'task',
      'done',
    ]);
    expect(parsed({ schema: 'public', table: 't', select: [] }).select).toBeNull();
    expect(parsed({ schema: 'public', table: 't', select: 5 }).select).toBeNull();
    expect(message({ schema: 'public', table: 't', select: 'task' })).toBe(
      'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]',
    );
    // The select check comes first.
    expect(message({ select: 'task' })).toMatch(/^Error parsing `select` params/);
    expect(message({ schema: 'public', select: ['a'] })).toBe(
      'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.',
    );
    expect(message({ schema: '*', table: 't', select: ['a'] })).toMatch(/^Column selection is not supported/);
  });
});

describe('parseSubscriptionParams: the filter grammar', () => {
  it('parses every operator, not., and comma as AND', () => {
    for (const op of [
      'eq',
      'neq',
      'lt',
      'lte',
      'gt',
      'gte',
      'like',
      'ilike',
      'is',
      'match',
      'imatch',
      'isdistinct',
    ]) {
      expect(filtersOf(`col=${op}.v`)).toEqual([['col', op, 'v', false]]);
      expect(filtersOf(`col=not.${op}.v`)).toEqual([['col', op, 'v', true]]);
    }
    expect(filtersOf('id=gt.0,id=lt.100')).toEqual([
      ['id', 'gt', '0', false],
      ['id', 'lt', '100', false],
    ]);
    expect(filtersOf('id=eq.a.b')).toEqual([['id', 'eq', 'a.b', false]]);
    expect(filtersOf('  ')).toEqual([]);
    expect(filtersOf('')).toEqual([]);
  });

  it('turns in lists into array literals', () => {
    expect(filtersOf('subject=in.(hidee,ho)')).toEqual([['subject', 'in', '{hidee,ho}', false]]);
    expect(filtersOf('quantity=gt.0,name=in.(red,blue)')).toEqual([
      ['quantity', 'gt', '0', false],
      ['name', 'in', '{red,blue}', false],
    ]);
    expect(filtersOf('name=in.(red,blue,green),status=in.(active,inactive)')).toEqual([
      ['name', 'in', '{red,blue,green}', false],
      ['status', 'in', '{active,inactive}', false],
    ]);
    expect(filtersOf("name=in.(O'Brien,Smith)")).toEqual([['name', 'in', "{O'Brien,Smith}", false]]);
    expect(filtersOf('tags=in.("a,b",c)')).toEqual([['tags', 'in', '{"a,b",c}', false]]);
    expect(filtersOf('tags=in.("a,b","c,d")')).toEqual([['tags', 'in', '{"a,b","c,d"}', false]]);
  });

  it('unquotes double-quoted scalars the way realtime-js quotes them', () => {
    const one = (filter: string) => filtersOf(filter)[0]?.[2];
    expect(one('name=eq."a,b"')).toBe('a,b');
    expect(filtersOf('name=eq."a,b",id=gt.0')).toEqual([
      ['name', 'eq', 'a,b', false],
      ['id', 'gt', '0', false],
    ]);
    expect(one('name=eq."a.b:c(d)"')).toBe('a.b:c(d)');
    expect(one('name=eq."she said \\"hi\\""')).toBe('she said "hi"');
    expect(one('path=eq."C:\\\\tmp"')).toBe('C:\\tmp');
    expect(one('path=eq."C:\\new"')).toBe('C:new');
    expect(one('name=eq.""')).toBe('');
    expect(one('name=eq." a "')).toBe(' a ');
    expect(filtersOf('name=not.neq."a,b"')).toEqual([['name', 'neq', 'a,b', true]]);
    // Not one quoted token: kept as written.
    expect(one('name=eq."unterminated')).toBe('"unterminated');
    expect(one('name=eq."ab"cd')).toBe('"ab"cd');
    expect(one(`name=eq.O'Brien "x"`)).toBe(`O'Brien "x"`);
    // A quote opens only after `.`, `(` or `,`: this one does not, so the comma splits.
    expect(filtersOf('desc=eq.5" tall,id=gt.0')).toEqual([
      ['desc', 'eq', '5" tall', false],
      ['id', 'gt', '0', false],
    ]);
    expect(filtersOf('a=eq.x),b=eq.y),c=eq.z')).toEqual([
      ['a', 'eq', 'x)', false],
      ['b', 'eq', 'y)', false],
      ['c', 'eq', 'z', false],
    ]);
  });

  it('reports malformed filters word for word', () => {
    const error = (filter: string) => message({ schema: 'public', table: 'test', filter });
    expect(error('subject=foo.hey')).toBe('Error parsing `filter` params: ["foo", "hey"]');
    expect(error('undefined')).toBe('Error parsing `filter` params: ["undefined"]');
    expect(error('id=eq')).toBe('Error parsing `filter` params: ["eq"]');
    expect(error('id=not.eq')).toBe('Error parsing `filter` params: ["eq"]');
    expect(error('id=foo.1')).toBe('Error parsing `filter` params: ["foo", "1"]');
    expect(error('id=in.1,2')).toBe(
      'Error parsing `filter` params: `in` filter value must be wrapped by parentheses',
    );
    expect(error('id=in.(')).toBe(
      'Error parsing `filter` params: `in` filter value must be wrapped by parentheses',
    );
    for (const filter of ['id=gt.0,', ',id=gt.0', 'a=eq.1,,b=eq.2', 'a=eq.1, ,b=eq.2']) {
      expect(error(filter)).toBe(
        'Error parsing `filter` params: filter must not contain empty segments (check for extra commas)',
      );
    }
    expect(error('name=fo"o.x\\y#{a}')).toBe('Error parsing `filter` params: ["fo\\"o", "x\\\\y\\#{a}"]');
  });

  it('trims Unicode white space as Elixir does, not what JavaScript trims', () => {
    expect(filtersOf('\u0085id=eq.1\u3000')).toEqual([['id', 'eq', '1', false]]);
    // U+FEFF is not White_Space: it stays part of the column name.
    expect(filtersOf('\ufeffid=eq.1')[0]?.[0]).toBe('\ufeffid');
  });
});

describe('describeParams (the bracketed list in subscription errors)', () => {
  const params = (filters: FilterSpec[], select: string[] | null = null): SubscriptionParams => ({
    action: '*',
    schema: 'public',
    table: 'test',
    filters,
    select,
  });

  it('matches the reference for short lists', () => {
    expect(describeParams(params([]))).toBe(
      'event: *, schema: public, table: test, filters: [], select: nil',
    );
    expect(describeParams(params([{ column: 'subject', op: 'eq', value: 'hey', negate: false }]))).toBe(
      'event: *, schema: public, table: test, filters: [{"subject", "eq", "hey", false}], select: nil',
    );
    expect(describeParams(params([], ['a', 'b']))).toBe(
      'event: *, schema: public, table: test, filters: [], select: ["a", "b"]',
    );
  });

  it('breaks long lists the way Elixir pretty-prints them at width 80', () => {
    const uuid = '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01';
    const filters = params([
      { column: 'room_id', op: 'eq', value: uuid, negate: false },
      { column: 'id', op: 'gt', value: '5', negate: true },
    ]).filters;
    expect(describeParams(params([...filters]))).toBe(
      `event: *, schema: public, table: test, filters: [\n  {"room_id", "eq", "${uuid}", false},\n  {"id", "gt", "5", true}\n], select: nil`,
    );
    const columns = Array.from({ length: 12 }, (_, i) => `column_${i}`);
    expect(inspect(columns, { pretty: true })).toBe(
      '["column_0", "column_1", "column_2", "column_3", "column_4", "column_5",\n "column_6", "column_7", "column_8", "column_9", "column_10", "column_11"]',
    );
  });
});

describe('inspect (Elixir terms)', () => {
  it('prints scalars, escapes and non-printable strings like Elixir', () => {
    expect(inspect(fromJson(null))).toBe('nil');
    expect(inspect(fromJson(-3))).toBe('-3');
    expect(inspect(fromJson(1e21))).toBe('1.0e21');
    expect(inspect(fromJson(0.5))).toBe('0.5');
    expect(inspect('tab\there\n"q" \\ #{x} é')).toBe('"tab\\there\\n\\"q\\" \\\\ \\#{x} é"');
    expect(inspect('nbsp\u00a0')).toBe('"nbsp\\u00A0"');
    expect(inspect('a\u0000')).toBe('<<97, 0>>');
    expect(inspect({ tuple: ['a', false] })).toBe('{"a", false}');
    expect(inspect(fromJson({ b: 1, a: { c: [] } }))).toBe('%{"a" => %{"c" => []}, "b" => 1}');
  });
});

describe('bindingId', () => {
  it('is a stable number below 2^27, independent of key order', () => {
    const id = bindingId({ event: '*', schema: 'public', table: 'todos', filter: 'id=eq.1' });
    expect(Number.isInteger(id)).toBe(true);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThan(2 ** 27);
    expect(bindingId({ filter: 'id=eq.1', table: 'todos', schema: 'public', event: '*' })).toBe(id);
    expect(bindingId({ event: '*', schema: 'public', table: 'todos', filter: 'id=eq.2' })).not.toBe(id);
    expect(bindingId({ event: '*', schema: 'public', table: 'todos', select: ['a'] })).not.toBe(
      bindingId({ event: '*', schema: 'public', table: 'todos', select: ['b'] }),
    );
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});

describe('postgrexMessage', () => {
  it('words errors as Postgrex.Error.message/1', () => {
    expect(
      postgrexMessage({ severity: 'ERROR', code: 'P0001', message: 'invalid column for filter subject' }),
    ).toBe('ERROR P0001 (raise_exception) invalid column for filter subject');
    expect(
      postgrexMessage({
        severity: 'ERROR',
        code: '42883',
        message: 'operator does not exist: json = json',
        hint: 'No operator matches the given name and argument types.',
        detail: 'more',
      }),
    ).toBe(
      'ERROR 42883 (undefined_function) operator does not exist: json = json\n\n    hint: No operator matches the given name and argument types.\n\nmore',
    );
  });
});
