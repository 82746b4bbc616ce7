/**
 * postgres_changes against a real Postgres: record contents and types, old records, filters
 * against SQL's own answers, column privileges, select, the 400/401/413 rows, event and
 * and multi-binding matching.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesEngine } from '../contracts.ts';
import { identity, startTestCluster, startTestEngine, subscribed, type TestCluster } from './test-support.ts';

let cluster: TestCluster;
let engine: ChangesEngine;
const user = identity({ role: 'authenticated', sub: '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01' });

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.admin.unsafe(`
    create type public.mood as enum ('sad', 'happy');
    create type public.pair as (a int, b text);
    create domain public.posint as int check (value > 0);
    create table public.typed (
      id bigint primary key, i2 int2, i4 int4, n numeric, f4 real, f8 double precision, nan float8,
      b bool, t text, vc varchar(10), c char(3), u uuid, j json, jb jsonb, ts timestamp,
      tstz timestamptz, d date, tm time, tmtz timetz, iv interval, bin bytea, ints int[],
      texts text[], mood public.mood, rng int4range, pair public.pair, pos public.posint, nul text,
      cash money, addr inet, inf timestamptz, big int8, bits bit(4), doc xml, moods public.mood[]);
    create table public.items (id int primary key, label text, big text, n int);
    alter table public.items alter column big set storage external;
    create table public.items_full (like public.items including all);
    alter table public.items_full replica identity full;
    create table public.f (id int primary key, n int, t text, b bool, u uuid, vc varchar(20), nm numeric,
      tz timestamptz, tags text[], j jsonb, iv interval);
    create table public.secrets (id int primary key, visible text, hidden text);
    revoke all on public.secrets from authenticated;
    grant select (id, visible) on public.secrets to authenticated;
    create table public.pk_hidden (id int primary key, v text);
    revoke all on public.pk_hidden from authenticated;
    grant select (v) on public.pk_hidden to authenticated;
    create table public.no_pk (a int, b text);
    create table public.todos (id bigint primary key, task text, done bool default false);
    create table public.unpublished (id int primary key);
    create table public.evolving (id int primary key, a text);
    alter publication supabase_realtime add table public.typed, public.items, public.items_full, public.f,
      public.secrets, public.pk_hidden, public.no_pk, public.todos, public.evolving;`);
  ({ engine } = await startTestEngine(cluster));
});

afterAll(async () => {
  await engine?.close();
  await cluster?.close();
});

describe('record contents', () => {
  it('sends every column as to_jsonb gives it, in jsonb key order, with pg_type names', async () => {
    const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'typed' }], user);
    await cluster.admin.unsafe(`
      insert into public.typed values (1, 32767, -5, 1.50, 1.1, 3.141592653589793, 'NaN', true,
        'héllo "x"', 'short', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b":1,"a":[1,2]}',
        '{"b":1,"a":[1,2]}', '2025-11-03 09:32:55.5', '2025-11-03 09:32:55.123+02', '2025-11-03',
        '10:11:12', '10:11:12+02', '1 day 2 hours', '\\x0102ff', '{1,2,NULL}', '{a,"b c"}', 'happy',
        '[1,5)', row(1, 'x'), 7, null, 12.5, '192.168.0.1/24', 'infinity', 9007199254740993, B'1010',
        '<a>x</a>', '{sad,happy}')`);
    const { data } = await channel.next();
    const expected = await cluster.admin.begin(async (tx) => {
      await tx`set local timezone = 'UTC'`;
      return tx<
        { row: Record<string, unknown> }[]
      >`select to_jsonb(r) as row from public.typed r where id = 1`;
    });
    const row = { ...(expected[0]?.row as Record<string, unknown>) };
    // The reference strips bytea's `\x`.
    row.bin = (row.bin as string).slice(2);
    expect(data.record).toEqual(row);
    expect(Object.keys(data.record ?? {})).toEqual(Object.keys(row));
    expect(Object.keys(data.record?.j as object)).toEqual(Object.keys(row.j as object));
    expect(data.record).toMatchObject({ i2: 32767, n: 1.5, nan: 'NaN', b: true, jb: { a: [1, 2], b: 1 } });
    expect(data.record?.tstz).toBe('2025-11-03T07:32:55.123+00:00');
    expect(data.record?.ts).toBe('2025-11-03T09:32:55.5');
    expect(data.record?.ints).toEqual([1, 2, null]);
    expect(data.record?.pair).toEqual({ a: 1, b: 'x' });

    const columns = await cluster.admin<{ name: string; type: string }[]>`
      select a.attname as name, t.typname as type from pg_attribute a join pg_type t on t.oid = a.atttypid
      where a.attrelid = 'public.typed'::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`;
    expect(data.columns).toEqual(columns);
    expect(data.columns).toContainEqual({ name: 'texts', type: '_text' });
    expect(data.columns).toContainEqual({ name: 'pos', type: 'posint' });
    expect(data).toMatchObject({ schema: 'public', table: 'typed', type: 'INSERT', errors: null });
    expect(data.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(data).not.toHaveProperty('old_record');
  });

  it('UPDATE: old record is the key by default, the whole row with replica identity full', async () => {
    const big = 'x'.repeat(5000);
    const plain = await subscribed(engine, [{ event: 'UPDATE', schema: 'public', table: 'items' }], user);
    const full = await subscribed(engine, [{ event: 'UPDATE', schema: 'public', table: 'items_full' }], user);
    await cluster.admin`insert into public.items values (1, 'a', ${big}, 1)`;
    await cluster.admin`insert into public.items_full values (1, 'a', ${big}, 1)`;
    await cluster.admin`update public.items set label = 'b' where id = 1`;
    await cluster.admin`update public.items_full set label = 'b' where id = 1`;

    const updated = (await plain.next()).data;
    // The unchanged TOASTed column is not in the WAL, and default identity cannot fill it in.
    expect(updated.record).toEqual({ id: 1, n: 1, label: 'b' });
    expect(updated.old_record).toEqual({ id: 1 });
    const updatedFull = (await full.next()).data;
    expect(updatedFull.record).toEqual({ id: 1, n: 1, big, label: 'b' });
    expect(updatedFull.old_record).toEqual({ id: 1, n: 1, big, label: 'a' });

    await cluster.admin`update public.items set id = 2, n = null where id = 1`;
    expect((await plain.next()).data).toMatchObject({
      record: { id: 2, n: null, label: 'b' },
      old_record: { id: 1 },
    });
  });

  it('DELETE: old record only, the key by default, the whole row with identity full', async () => {
    const plain = await subscribed(engine, [{ event: 'DELETE', schema: 'public', table: 'items' }], user);
    const full = await subscribed(engine, [{ event: 'DELETE', schema: 'public', table: 'items_full' }], user);
    await cluster.admin`insert into public.items values (10, 'gone', null, 3)`;
    await cluster.admin`insert into public.items_full values (10, 'gone', null, 3)`;
    await cluster.admin`delete from public.items where id = 10`;
    await cluster.admin`delete from public.items_full where id = 10`;
    const deleted = (await plain.next()).data;
    expect(deleted).toMatchObject({ type: 'DELETE', old_record: { id: 10 }, errors: null });
    expect(deleted).not.toHaveProperty('record');
    expect((await full.next()).data.old_record).toEqual({ id: 10, n: 3, big: null, label: 'gone' });
  });
});

describe('filters', () => {
  const U1 = '11111111-1111-4111-8111-111111111111';
  const U2 = '22222222-2222-4222-8222-222222222222';
  /** Each filter beside the SQL condition it must agree with. */
  const cases: [string, string][] = [
    ['n=eq.5', 'n = 5'],
    ['n=eq.05', 'n = 5'],
    ['n=neq.5', 'n <> 5'],
    ['n=lt.5', 'n < 5'],
    ['n=lte.5', 'n <= 5'],
    ['n=gt.5', 'n > 5'],
    ['n=gte.5', 'n >= 5'],
    ['n=not.gt.5', 'not (n > 5)'],
    ['n=in.(1,5,NULL)', `n = any ('{1,5,NULL}'::int[])`],
    ['n=not.in.(1,5)', `not (n = any ('{1,5}'::int[]))`],
    ['n=not.in.(1,NULL)', `not (n = any ('{1,NULL}'::int[]))`],
    ['n=isdistinct.5', 'n is distinct from 5'],
    ['n=not.isdistinct.5', 'n is not distinct from 5'],
    ['n=is.null', 'n is null'],
    ['n=not.is.null', 'n is not null'],
    ['t=eq."a,b"', `t = 'a,b'`],
    ['t=neq.abc', `t <> 'abc'`],
    ['t=in.("a,b",xyz)', `t = any ('{"a,b",xyz}'::text[])`],
    ['t=lt.b', `t < 'b'`],
    ['t=gte.a', `t >= 'a'`],
    ['t=like.ab%', `t like 'ab%'`],
    ['t=not.like.ab%', `not (t like 'ab%')`],
    ['t=ilike.AB%', `t ilike 'AB%'`],
    ['t=match.^a.c$', `t ~ '^a.c$'`],
    ['t=imatch.^A', `t ~* '^A'`],
    ['t=isdistinct.abc', `t is distinct from 'abc'`],
    ['b=is.true', 'b is true'],
    ['b=not.is.true', 'b is not true'],
    ['b=is.false', 'b is false'],
    ['b=is.unknown', 'b is unknown'],
    ['b=eq.false', 'b = false'],
    ['b=eq.yes', 'b = true'],
    [`u=eq.${U1}`, `u = '${U1}'`],
    [`u=gt.${U1}`, `u > '${U1}'`],
    [`u=in.(${U1},${U2.toUpperCase()})`, `u in ('${U1}', '${U2}')`],
    ['vc=eq.Hello', `vc = 'Hello'`],
    ['vc=gte.H', `vc >= 'H'`],
    ['nm=gt.1.5', 'nm > 1.5'],
    ['nm=eq.2', 'nm = 2'],
    ['tz=gt.2025-01-01T00:00:00Z', `tz > '2025-01-01T00:00:00Z'`],
    ['tags=eq."{a,b}"', `tags = '{a,b}'`],
    ['j=eq.{"a": 1}', `j = '{"a": 1}'`],
    ['iv=gt.1 day', `iv > '1 day'`],
    ['id=gte.2,id=lte.4', 'id >= 2 and id <= 4'],
    ['n=gt.2,t=like.a%', `n > 2 and t like 'a%'`],
    ['n=gte.0,nm=lt.2', 'n >= 0 and nm < 2'],
  ];

  it('deliver exactly the rows SQL selects, for every operator', async () => {
    const bindings = [
      { event: 'INSERT', schema: 'public', table: 'f' },
      ...cases.map(([filter]) => ({ event: 'INSERT', schema: 'public', table: 'f', filter })),
    ];
    const channel = await subscribed(engine, bindings, user);
    await cluster.admin.unsafe(`insert into public.f values
      (1, 5, 'abc', true, '${U1}', 'Hello', 2.00, '2025-06-01', '{a,b}', '{"a": 1}', '2 days'),
      (2, 1, 'ABD', false, '${U2}', 'hello', 1.5, '2024-06-01', '{b}', '{"a": 2}', '1 day'),
      (3, null, null, null, null, null, null, null, null, null, null),
      (4, 10, 'a,b', true, '${U2}', 'H', 1.51, '2025-01-01T00:00:00Z', '{a,b,c}', '{"a": 1, "b": 2}', '1 day 1 second'),
      (5, -3, 'xyz', false, '${U1}', 'Z', -1, '2030-01-01', '{}', '[]', '-1 day'),
      (6, 5, 'axc', null, '33333333-3333-4333-8333-333333333333', 'h', 2.0001, '2025-01-01', '{a}', '{}', '1 day'),
      (7, 0, 'b', true, '${U1}', 'H', 0, '2025-01-01T00:00:01Z', '{b,a}', 'null', '00:00:00'),
      (8, 2147483647, '', false, '${U1}', '', 1e-10, '1970-01-01', '{""}', '"a"', '1 mon')`);
    const matched = new Map<number, Set<number>>(bindings.map((_, i) => [channel.id(i), new Set<number>()]));
    for (let row = 0; row < 8; row++) {
      const { ids, data } = await channel.next();
      for (const id of ids) matched.get(id)?.add(data.record?.id as number);
    }
    for (const [index, [filter, condition]] of cases.entries()) {
      const rows = await cluster.admin.unsafe<{ id: number }[]>(
        `select id from public.f where ${condition} order by id`,
      );
      const delivered = [...(matched.get(channel.id(index + 1)) ?? [])].sort((a, b) => a - b);
      expect(delivered, `${filter} vs ${condition}`).toEqual(rows.map((r) => r.id));
    }
  });

  it('DELETE matches old values: only the key with default replica identity', async () => {
    const bindings = [
      { event: 'DELETE', schema: 'public', table: 'f' },
      { event: 'DELETE', schema: 'public', table: 'f', filter: 'id=eq.2' },
      { event: 'DELETE', schema: 'public', table: 'f', filter: 'n=eq.1' },
    ];
    const channel = await subscribed(engine, bindings, user);
    await cluster.admin`delete from public.f where id in (1, 2, 3)`;
    const seen = new Map<number, readonly number[]>();
    for (let i = 0; i < 3; i++) {
      const { ids, data } = await channel.next();
      seen.set(data.old_record?.id as number, ids);
    }
    expect(seen.get(1)).toEqual([channel.id(0)]);
    expect(seen.get(2)).toEqual([channel.id(0), channel.id(1)].sort());
    expect(seen.get(3)).toEqual([channel.id(0)]);
  });
});

describe('who sees what', () => {
  it('leaves out columns the role cannot select, from record and columns', async () => {
    const channel = await subscribed(engine, [{ event: '*', schema: 'public', table: 'secrets' }], user);
    const admin = await subscribed(
      engine,
      [{ event: '*', schema: 'public', table: 'secrets' }],
      identity({ role: 'service_role' }),
    );
    await cluster.admin`insert into public.secrets values (1, 'shown', 'hush')`;
    const { data } = await channel.next();
    expect(data.record).toEqual({ id: 1, visible: 'shown' });
    expect(data.columns).toEqual([
      { name: 'id', type: 'int4' },
      { name: 'visible', type: 'text' },
    ]);
    expect((await admin.next()).data.record).toEqual({ id: 1, hidden: 'hush', visible: 'shown' });
  });

  it('sends 401 when the primary key is not readable and 400 without a primary key', async () => {
    const hidden = await subscribed(engine, [{ schema: 'public', table: 'pk_hidden' }], user);
    const noPk = await subscribed(engine, [{ schema: 'public', table: 'no_pk' }], user);
    await cluster.admin`insert into public.pk_hidden values (1, 'v')`;
    await cluster.admin`insert into public.no_pk values (1, 'b')`;
    expect((await hidden.next()).data).toEqual({
      schema: 'public',
      table: 'pk_hidden',
      type: 'INSERT',
      commit_timestamp: null,
      columns: [],
      record: {},
      errors: ['Error 401: Unauthorized'],
    });
    expect((await noPk.next()).data).toMatchObject({
      table: 'no_pk',
      columns: [],
      record: {},
      errors: ['Error 400: Bad Request, no primary key'],
    });
    // DELETE is not refused: there is no row left to check.
    await cluster.admin`delete from public.pk_hidden where id = 1`;
    expect((await hidden.next()).data).toMatchObject({ type: 'DELETE', old_record: {}, errors: null });
  });

  it('follows columns, grants and RLS changed while subscribed', async () => {
    const channel = await subscribed(engine, [{ event: '*', schema: 'public', table: 'evolving' }], user);
    await cluster.admin`insert into public.evolving values (1, 'x')`;
    expect((await channel.next()).data.record).toEqual({ a: 'x', id: 1 });

    await cluster.admin`alter table public.evolving add column b text default 'new'`;
    await cluster.admin`insert into public.evolving (id, a) values (2, 'y')`;
    const added = (await channel.next()).data;
    expect(added.record).toEqual({ a: 'y', b: 'new', id: 2 });
    expect(added.columns.map((c) => c.name)).toEqual(['id', 'a', 'b']);

    await cluster.admin.unsafe(`revoke select on public.evolving from authenticated;
      grant select (id, b) on public.evolving to authenticated`);
    await cluster.admin`insert into public.evolving values (3, 'z', 'b3')`;
    expect((await channel.next()).data.record).toEqual({ b: 'b3', id: 3 });

    // RLS without a policy hides every row, but DELETEs are still sent (key only).
    await cluster.admin`alter table public.evolving enable row level security`;
    await cluster.admin`insert into public.evolving values (4, 'hidden', 'b4')`;
    await cluster.admin`delete from public.evolving where id = 1`;
    expect((await channel.next()).data).toMatchObject({ type: 'DELETE', old_record: { id: 1 } });
  });

  it('restricts columns to the selected ones plus the primary key', async () => {
    const channel = await subscribed(
      engine,
      [{ event: '*', schema: 'public', table: 'todos', select: ['task'] }],
      user,
    );
    await cluster.admin`insert into public.todos values (1, 'write tests', true)`;
    const { data } = await channel.next();
    expect(data.record).toEqual({ id: 1, task: 'write tests' });
    expect(data.columns).toEqual([
      { name: 'id', type: 'int8' },
      { name: 'task', type: 'text' },
    ]);
  });

  it('drops long values and says 413 when the change is over the record size limit', async () => {
    const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'todos' }], user);
    const task = 'y'.repeat(1_100_000);
    await cluster.admin`insert into public.todos values (2, ${task}, false)`;
    const { data } = await channel.next();
    expect(data.errors).toEqual(['Error 413: Payload Too Large']);
    expect(data.record).toEqual({ id: 2, done: false });
    expect(data.columns).toHaveLength(3);
  });
});

describe('matching', () => {
  it('delivers a write made right after subscribe resolves', async () => {
    const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'todos' }], user);
    await cluster.admin`insert into public.todos values (100, 'right away')`;
    expect((await channel.next()).data.record).toMatchObject({ id: 100, task: 'right away' });
  });

  it('fires a binding only for its event, and gives one delivery with every matching id', async () => {
    const channel = await subscribed(
      engine,
      [
        { event: 'INSERT', schema: 'public', table: 'todos' },
        { event: '*', schema: 'public', table: 'todos' },
        { event: 'INSERT', schema: 'public', table: 'todos', filter: 'id=eq.200' },
        { event: 'INSERT', schema: 'public', table: 'todos', filter: 'id=lte.300' },
      ],
      user,
    );
    await cluster.admin`insert into public.todos values (200, 'both')`;
    await cluster.admin`insert into public.todos values (300, 'one')`;
    await cluster.admin`update public.todos set done = true where id = 200`;
    await cluster.admin`delete from public.todos where id = 200`;
    expect((await channel.next()).ids).toEqual([0, 1, 2, 3].map((i) => channel.id(i)).sort());
    expect((await channel.next()).ids).toEqual([0, 1, 3].map((i) => channel.id(i)).sort());
    expect(await channel.next()).toMatchObject({ ids: [channel.id(1)], data: { type: 'UPDATE' } });
    expect(await channel.next()).toMatchObject({ ids: [channel.id(1)], data: { type: 'DELETE' } });
    expect(channel.deliveries.pending).toBe(0);
  });

  it('matches every published table of a schema-only binding, never unpublished ones', async () => {
    const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public' }], user);
    await cluster.admin`insert into public.unpublished values (1)`;
    await cluster.admin`insert into public.todos values (400, 'published')`;
    expect((await channel.next()).data).toMatchObject({ table: 'todos', record: { id: 400 } });
  });

  it('stops delivering after remove()', async () => {
    const gone = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'todos' }], user);
    const stays = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'todos' }], user);
    gone.handle?.remove();
    gone.handle?.remove();
    await cluster.admin`insert into public.todos values (500, 'after remove')`;
    expect((await stays.next()).data.record).toMatchObject({ id: 500 });
    await cluster.admin`insert into public.todos values (501, 'marker')`;
    expect((await stays.next()).data.record).toMatchObject({ id: 501 });
    expect(gone.deliveries.seen).toEqual([]);
  });
});
