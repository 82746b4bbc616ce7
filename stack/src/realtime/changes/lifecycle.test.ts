/**
 * The engine's life: publications it needs, subscribing (early, refused, database
 * unreachable), database broadcasts, losing and regaining the database (a Postgres restart),
 * and a close that leaves no slot, connection or timer behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { freePort } from '../../postgres/server.ts';
import { DEFAULT_REALTIME_CONFIG } from '../config.ts';
import { ChangesError } from './errors.ts';
import { createChangesEngine } from './index.ts';
import {
  identity,
  startTestCluster,
  startTestEngine,
  subscribed,
  type TestCluster,
  type TestEngine,
} from './test-support.ts';

let cluster: TestCluster;
let running: TestEngine;
const user = identity({ role: 'authenticated', sub: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' });

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.admin.unsafe(`
    create table public.todos (id int primary key, task text);
    create table public.secrets (id int primary key, hidden text);
    revoke all on public.secrets from authenticated;
    grant select (id) on public.secrets to authenticated;
    create table public.unpublished (id int primary key);
    alter publication supabase_realtime add table public.todos, public.secrets;
    create function public.todos_broadcast() returns trigger
      language plpgsql security definer set search_path = '' as $$
    begin
      perform realtime.broadcast_changes('todos:' || new.id, tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
      return null;
    end $$;
    create trigger todos_broadcast after insert on public.todos
      for each row execute function public.todos_broadcast();`);
  // The engine creates what it reads from; make sure it has to.
  await cluster.admin`drop publication if exists supabase_realtime_messages_publication`;
  running = await startTestEngine(cluster);
});

afterAll(async () => {
  await running?.engine.close();
  await cluster?.close();
});

describe('subscription errors', () => {
  const refused = async (bindings: Record<string, unknown>[]) => {
    const result = await running.engine.subscribe({
      bindings: bindings.map((binding) => ({ binding, id: running.engine.bindingId(binding) })),
      identity: user,
      deliver: () => undefined,
      status: () => undefined,
    });
    if (result.ok) throw new Error('expected the subscription to be refused');
    return result.message;
  };

  it('names unpublished tables, validation failures and parse errors as the reference does', async () => {
    expect(await refused([{ event: 'INSERT', schema: 'public', table: 'unpublished' }])).toBe(
      'Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: INSERT, schema: public, table: unpublished, filters: [], select: nil]',
    );
    expect(await refused([{ schema: 'public', table: 'todos', filter: 'nope=eq.1' }])).toBe(
      'Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [event: *, schema: public, table: todos, filters: [{"nope", "eq", "1", false}], select: nil]. Exception: ERROR P0001 (raise_exception) invalid column for filter nope',
    );
    expect(await refused([{ schema: 'public', table: 'todos', filter: 'id=eq.abc' }])).toMatch(
      /Exception: ERROR 22P02 \(invalid_text_representation\) invalid input syntax for type integer: "abc"$/,
    );
    const many = Array.from({ length: 101 }, (_, i) => i).join(',');
    expect(await refused([{ schema: 'public', table: 'todos', filter: `id=in.(${many})` }])).toMatch(
      /too many values for `in` filter\. Maximum 100$/,
    );
    expect(await refused([{ schema: 'public', table: 'todos', select: ['missing'] }])).toMatch(
      /Exception: ERROR P0001 \(raise_exception\) invalid column for select missing$/,
    );
    expect(await refused([{ schema: 'public', table: 'secrets', filter: 'hidden=eq.x' }])).toMatch(
      /invalid column for filter hidden$/,
    );
    expect(await refused([{ schema: 'public', table: 'todos', filter: 'id=foo.1' }])).toBe(
      'Error parsing `filter` params: ["foo", "1"]',
    );
  });

  it('refuses the whole channel when one binding fails', async () => {
    expect(
      await refused([
        { schema: 'public', table: 'todos' },
        { schema: 'public', table: 'unpublished' },
      ]),
    ).toMatch(/table: unpublished/);
    const [row] = await cluster.admin`select count(*)::int as n from realtime.subscription`;
    expect(row?.n).toBe(0);
  });

  it('refuses a claims role that does not exist', async () => {
    const result = await running.engine.subscribe({
      bindings: [{ binding: { schema: 'public', table: 'todos' }, id: 1 }],
      identity: identity({ role: 'no_such_role' }),
      deliver: () => undefined,
      status: () => undefined,
    });
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(
        /Exception: ERROR 42704 \(undefined_object\) role "no_such_role" does not exist$/,
      ),
    });
  });
});

describe('database broadcasts', () => {
  it('creates the messages publication, inserts only, published via the partitioned root', async () => {
    const [publication] = await cluster.admin`
      select pubinsert, pubupdate, pubdelete, pubviaroot,
             (select array_agg(tablename::text) from pg_publication_tables t where t.pubname = p.pubname) as tables
      from pg_publication p where pubname = 'supabase_realtime_messages_publication'`;
    expect(publication).toEqual({
      pubinsert: true,
      pubupdate: false,
      pubdelete: false,
      pubviaroot: true,
      tables: ['messages'],
    });
  });

  it('publishes realtime.send() as a public or private broadcast with the row id', async () => {
    await cluster.admin`select realtime.send('{"n": 1}'::jsonb, 'e', 'room-x', false)`;
    await cluster.admin`select realtime.send('{"n": 2}'::jsonb, 'e', 'room-x')`;
    const [first, second] = [await running.broadcasts.next(), await running.broadcasts.next()];
    const rows =
      await cluster.admin`select id, payload from realtime.messages where topic = 'room-x' order by inserted_at`;
    expect(first).toEqual({
      topic: 'room-x',
      private: false,
      event: 'e',
      payload: { kind: 'json', value: { n: 1, id: rows[0]?.id } },
      origin: 'database',
      meta: { id: rows[0]?.id },
    });
    expect(second).toMatchObject({ private: true, meta: { id: rows[1]?.id }, payload: { value: { n: 2 } } });
  });

  it('publishes send_binary() bytes and broadcast_changes() rows from triggers', async () => {
    await cluster.admin`select realtime.send_binary('\\x00ff10'::bytea, 'bin', 'room-b', false)`;
    expect(await running.broadcasts.next()).toMatchObject({
      topic: 'room-b',
      payload: { kind: 'binary', bytes: new Uint8Array([0, 255, 16]) },
    });
    await cluster.admin`insert into public.todos values (1, 'x')`;
    const broadcast = await running.broadcasts.next();
    expect(broadcast).toMatchObject({ topic: 'todos:1', event: 'INSERT', private: true });
    expect(broadcast.payload).toEqual({
      kind: 'json',
      value: {
        id: broadcast.meta?.id,
        operation: 'INSERT',
        schema: 'public',
        table: 'todos',
        record: { id: 1, task: 'x' },
        old_record: null,
      },
    });
  });

  it('never publishes rolled-back inserts, updates or deletes', async () => {
    await cluster.admin
      .begin(async (tx) => {
        await tx`select realtime.send('{"n": 0}'::jsonb, 'e', 'rolled-back', false)`;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await cluster.admin`update realtime.messages set event = 'changed' where topic = 'room-x'`;
    await cluster.admin`delete from realtime.messages where topic = 'room-b'`;
    await cluster.admin`select realtime.send('{"n": 3}'::jsonb, 'e', 'marker', false)`;
    expect((await running.broadcasts.next()).topic).toBe('marker');
    expect(running.broadcasts.seen.map((b) => b.topic)).not.toContain('rolled-back');
  });
});

describe('starting', () => {
  it('makes a subscription made before the stream is live wait for it', async () => {
    const { engine } = await startTestEngine(cluster, { waitUntilLive: false });
    try {
      const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'todos' }], user);
      await cluster.admin`insert into public.todos values (50, 'early bird')`;
      expect((await channel.next()).data.record).toEqual({ id: 50, task: 'early bird' });
    } finally {
      await engine.close();
    }
  });

  it('reports an unreachable database instead of hanging, and closes cleanly meanwhile', async () => {
    const url = new URL(cluster.realtimeUrl);
    url.port = String(await freePort());
    const engine = await createChangesEngine({
      databaseUrl: url.toString(),
      config: DEFAULT_REALTIME_CONFIG,
      logger: silentLogger,
      publish: () => 'ok',
      tuning: { subscribeTimeoutMs: 200, initialBackoffMs: 10, maxBackoffMs: 50 },
    });
    const error = await engine.whenLive(100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangesError);
    expect((error as ChangesError).code).toBe('changes_not_live');
    const result = await engine.subscribe({
      bindings: [{ binding: { table: 'todos' }, id: 1 }],
      identity: user,
      deliver: () => undefined,
      status: () => undefined,
    });
    expect(result).toEqual({ ok: false, message: 'Realtime was unable to connect to the project database' });
    await engine.close();
  });
});

describe('losing the database', () => {
  it('reports the outage to subscriptions, then resumes delivering once Postgres is back', async () => {
    const channel = await subscribed(
      running.engine,
      [{ event: 'INSERT', schema: 'public', table: 'todos' }],
      user,
    );
    await cluster.stop();
    expect(await channel.statuses.next()).toEqual({
      status: 'error',
      message: 'Realtime was unable to connect to the project database',
    });
    await cluster.start();
    expect(await channel.statuses.next()).toEqual({ status: 'ok', message: 'Subscribed to PostgreSQL' });
    await running.engine.whenLive(10_000);
    await cluster.admin`insert into public.todos values (2, 'after restart')`;
    expect((await channel.next()).data.record).toEqual({ id: 2, task: 'after restart' });
    // The broadcast path came back too.
    await cluster.admin`select realtime.send('{"n": 4}'::jsonb, 'e', 'after-restart', false)`;
    let broadcast = await running.broadcasts.next();
    while (broadcast.topic !== 'after-restart') broadcast = await running.broadcasts.next();
    expect(broadcast.payload).toMatchObject({ value: { n: 4 } });
  });
});

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

describe('close', () => {
  it('drops the slot, ends its connections and timers, and is idempotent', async () => {
    const before = resourceCounts();
    const { engine } = await startTestEngine(cluster);
    const slots = async () =>
      (
        await cluster.admin`select slot_name from pg_replication_slots where slot_name like 'watchroom_realtime_%'`
      ).map((row) => row.slot_name as string);
    expect((await slots()).length).toBe(2);
    const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'todos' }], user);

    await Promise.all([engine.close(), engine.close()]);
    await engine.close();
    expect((await slots()).length).toBe(1);
    const [connections] = await cluster.admin`
      select count(*)::int as n from pg_stat_activity where application_name like 'watchroom_realtime%'`;
    // Only the running engine's replication and pool connections remain.
    expect(connections?.n).toBeLessThanOrEqual(5);
    // Other timers may have fired meanwhile; none of this engine's sockets or timers may remain.
    for (const [kind, count] of resourceCounts())
      expect(count, kind).toBeLessThanOrEqual(before.get(kind) ?? 0);

    await expect(engine.whenLive(1_000)).rejects.toBeInstanceOf(ChangesError);
    expect(await engine.subscribe(channel)).toEqual({
      ok: false,
      message: 'Realtime was unable to connect to the project database',
    });
  });

  it('leaves no slot at all once every engine closed', async () => {
    await running.engine.close();
    const rows = await cluster.admin`select slot_name from pg_replication_slots`;
    expect(rows).toEqual([]);
  });
});
