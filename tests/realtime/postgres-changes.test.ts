/** Realtime conformance, Postgres Changes (realtime.md §8 items 48–60, §5). */
import { randomUUID } from 'node:crypto';
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import {
  Inbox,
  realtimeClient,
  sql,
  subscribed,
  subscribedToChanges,
  systemMessages,
  uniqueId,
  uniqueTopic,
  userClient,
} from './helpers.ts';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;
interface Binding {
  event: '*' | 'INSERT' | 'UPDATE' | 'DELETE';
  schema: string;
  table?: string;
  filter?: string;
}

/** A channel with one binding per entry, each collecting into its own inbox. */
async function listen(
  bindings: Binding[],
  channel: RealtimeChannel = realtimeClient().channel(uniqueTopic()),
) {
  const inboxes = bindings.map((binding) => {
    const inbox = new Inbox<Change>();
    channel.on('postgres_changes', binding as never, (change: Change) => inbox.push(change));
    return inbox;
  });
  await subscribedToChanges(channel);
  return inboxes;
}

const idOf = (change: Change) => (change.new as { id?: number }).id ?? (change.old as { id?: number }).id;

describe('postgres_changes', () => {
  it('48. an INSERT arrives with typed values, old {}, errors null and a millisecond commit timestamp', async () => {
    const [inbox] = await listen([{ event: 'INSERT', schema: 'public', table: 'rt_items' }]);
    const id = uniqueId();
    const uid = randomUUID();
    await sql()`insert into public.rt_items (id, name, n, price, ratio, flag, meta, tags, day, at, local_at, uid, raw)
      values (${id}, 'widget', 42, 19.99, 0.5, true, ${sql().json({ a: [1, { b: null }] })}, '{x,y}',
              '2025-11-03', '2025-11-03T09:32:55.123Z', '2025-11-03 09:32:55', ${uid}, '\\x0102')`;
    const change = await (inbox as Inbox<Change>).next((c) => idOf(c) === id);
    expect(change).toMatchObject({
      schema: 'public',
      table: 'rt_items',
      eventType: 'INSERT',
      old: {},
      errors: null,
    });
    expect(change.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(change.new).toEqual({
      id,
      name: 'widget',
      n: 42,
      price: 19.99,
      ratio: 0.5,
      flag: true,
      meta: { a: [1, { b: null }] },
      tags: ['x', 'y'],
      day: '2025-11-03',
      at: '2025-11-03T09:32:55.123+00:00',
      local_at: '2025-11-03T09:32:55',
      uid,
      raw: '0102',
      big: null,
    });
  });

  it('49. UPDATE old holds the primary key by default, and the whole row with replica identity full', async () => {
    const [items, full] = await listen([
      { event: 'UPDATE', schema: 'public', table: 'rt_items' },
      { event: 'UPDATE', schema: 'public', table: 'rt_full' },
    ]);
    const id = uniqueId();
    await sql()`insert into public.rt_items (id, name) values (${id}, 'before')`;
    await sql()`insert into public.rt_full (id, name, n) values (${id}, 'before', 1)`;
    await sql()`update public.rt_items set name = 'after' where id = ${id}`;
    await sql()`update public.rt_full set name = 'after' where id = ${id}`;
    const itemChange = await (items as Inbox<Change>).next((c) => idOf(c) === id);
    expect(itemChange.old).toEqual({ id });
    expect(itemChange.new).toMatchObject({ id, name: 'after' });
    const fullChange = await (full as Inbox<Change>).next((c) => idOf(c) === id);
    expect(fullChange.old).toEqual({ id, name: 'before', n: 1 });
  });

  it('50. a DELETE arrives with new {} and the primary key in old', async () => {
    const [inbox] = await listen([{ event: 'DELETE', schema: 'public', table: 'rt_items' }]);
    const id = uniqueId();
    await sql()`insert into public.rt_items (id, name) values (${id}, 'doomed')`;
    await sql()`delete from public.rt_items where id = ${id}`;
    const change = await (inbox as Inbox<Change>).next((c) => idOf(c) === id);
    expect(change).toMatchObject({ eventType: 'DELETE', new: {}, old: { id } });
  });

  it('51. on an RLS table a subscriber gets only the rows it may select', async () => {
    const { client, userId } = await userClient();
    const [inbox] = await listen(
      [{ event: 'INSERT', schema: 'public', table: 'rt_owned' }],
      client.channel(uniqueTopic()),
    );
    const hidden = uniqueId();
    const visible = uniqueId();
    await sql()`insert into public.rt_owned (id, owner, body) values (${hidden}, ${randomUUID()}, 'not yours')`;
    await sql()`insert into public.rt_owned (id, owner, body) values (${visible}, ${userId}, 'yours')`;
    await (inbox as Inbox<Change>).next((c) => idOf(c) === visible);
    expect((inbox as Inbox<Change>).items.map(idOf)).toEqual([visible]);
  });

  it('52. a DELETE on an RLS table reaches every subscriber with the primary key only', async () => {
    const { client } = await userClient();
    const [inbox] = await listen(
      [{ event: 'DELETE', schema: 'public', table: 'rt_owned' }],
      client.channel(uniqueTopic()),
    );
    const id = uniqueId();
    await sql()`insert into public.rt_owned (id, owner, body) values (${id}, ${randomUUID()}, 'someone else')`;
    await sql()`delete from public.rt_owned where id = ${id}`;
    const change = await (inbox as Inbox<Change>).next((c) => idOf(c) === id);
    expect(change.old).toEqual({ id });
  });

  it('53. filters behave as their SQL equivalents', async () => {
    const base = uniqueId();
    const ids = Array.from({ length: 8 }, (_, i) => base + i);
    const at = (i: number) => ids[i] as number;
    type Row = { id: number; name: string; n: number | null };
    const cases: [string, (r: Row) => boolean][] = [
      [`id=eq.${at(1)}`, (r) => r.id === at(1)],
      [`id=in.(${at(1)},${at(2)})`, (r) => r.id === at(1) || r.id === at(2)],
      [`id=gt.${at(5)}`, (r) => r.id > at(5)],
      ['name=not.eq.x', (r) => r.name !== 'x'],
      [`id=gte.${at(1)},id=lte.${at(3)}`, (r) => r.id >= at(1) && r.id <= at(3)],
      ['name=like.wid%', (r) => r.name.startsWith('wid')],
      ['name=ilike.WID%', (r) => r.name.startsWith('wid')],
      ['n=is.null', (r) => r.n === null],
      ['name=neq.x', (r) => r.name !== 'x'],
      ['n=lt.3', (r) => r.n !== null && r.n < 3],
      ['name=match.^w.d', (r) => /^w.d/.test(r.name)],
      ['name=imatch.^W.D', (r) => /^w.d/i.test(r.name)],
      [`id=lte.${at(2)}`, (r) => r.id <= at(2)],
      [`id=not.gte.${at(6)}`, (r) => r.id < at(6)],
      ['n=not.in.(1,2,3)', (r) => r.n !== null && ![1, 2, 3].includes(r.n)],
      ['name=isdistinct.x', (r) => r.name !== 'x'],
    ];
    // An unfiltered binding on the same channel is the clock: one channel gets its changes in
    // commit order, so once it sees the last row every filtered binding has had its chance.
    const [clock, ...inboxes] = await listen([
      { event: 'INSERT', schema: 'public', table: 'rt_items' },
      ...cases.map(([filter]) => ({ event: 'INSERT' as const, schema: 'public', table: 'rt_items', filter })),
    ]);
    const rows: Row[] = ids.map((id, i) => ({ id, name: i % 2 ? 'x' : 'widget', n: i === 7 ? null : i }));
    for (const row of rows) await sql()`insert into public.rt_items ${sql()(row)}`;
    await (clock as Inbox<Change>).next((c) => idOf(c) === at(7));
    for (const [f, [filter, matches]] of cases.entries()) {
      expect(inboxes[f]?.items.map(idOf), filter).toEqual(rows.filter(matches).map((r) => r.id));
    }
  });

  it('54. an INSERT binding ignores UPDATE and DELETE; a * binding gets all three', async () => {
    const [insertOnly, all] = await listen([
      { event: 'INSERT', schema: 'public', table: 'rt_items' },
      { event: '*', schema: 'public', table: 'rt_items' },
    ]);
    const id = uniqueId();
    await sql()`insert into public.rt_items (id, name) values (${id}, 'a')`;
    await sql()`update public.rt_items set name = 'b' where id = ${id}`;
    await sql()`delete from public.rt_items where id = ${id}`;
    const seen = await (all as Inbox<Change>).count(3, (c) => idOf(c) === id);
    expect(seen.map((c) => c.eventType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect((insertOnly as Inbox<Change>).items.filter((c) => idOf(c) === id).map((c) => c.eventType)).toEqual(
      ['INSERT'],
    );
  });

  it('55. two bindings with different filters each fire for their matches; a change matching both fires both once', async () => {
    const a = uniqueId();
    const b = a + 1;
    const [first, second] = await listen([
      { event: 'INSERT', schema: 'public', table: 'rt_items', filter: `id=in.(${a},${b})` },
      { event: 'INSERT', schema: 'public', table: 'rt_items', filter: `id=eq.${b}` },
    ]);
    await sql()`insert into public.rt_items (id) values (${a})`;
    await sql()`insert into public.rt_items (id) values (${b})`;
    await (first as Inbox<Change>).count(2);
    await (second as Inbox<Change>).next();
    expect((first as Inbox<Change>).items.map(idOf)).toEqual([a, b]);
    expect((second as Inbox<Change>).items.map(idOf)).toEqual([b]);
  });

  it('56. a table outside the publication subscribes the channel, then reports an error', async () => {
    const channel = realtimeClient().channel(uniqueTopic());
    channel.on(
      'postgres_changes',
      { event: '*', schema: 'public', table: 'rt_unpublished' },
      () => undefined,
    );
    const system = systemMessages(channel);
    await subscribed(channel);
    const message = await system.next((m) => m.extension === 'postgres_changes');
    expect(message.status).toBe('error');
    expect(message.message).toMatch(/^Unable to subscribe to changes/);
  });

  it('57. an invalid filter is reported while broadcast on the channel keeps working', async () => {
    const topic = uniqueTopic();
    const channel = realtimeClient().channel(topic, { config: { broadcast: { self: true } } });
    channel.on(
      'postgres_changes',
      { event: '*', schema: 'public', table: 'rt_items', filter: 'id=foo.1' },
      () => undefined,
    );
    const system = systemMessages(channel);
    const got = new Inbox<unknown>();
    channel.on('broadcast', { event: 'still' }, got.push);
    await subscribed(channel);
    const message = await system.next((m) => m.extension === 'postgres_changes');
    expect(message.status).toBe('error');
    expect(message.message).toMatch(/^Error parsing `filter` params/);
    await channel.send({ type: 'broadcast', event: 'still', payload: {} });
    await got.next();
  });

  it('58. a column the role may not select is absent from new and columns', async () => {
    const [inbox] = await listen([{ event: 'INSERT', schema: 'public', table: 'rt_columns' }]);
    const id = uniqueId();
    await sql()`insert into public.rt_columns (id, name, secret) values (${id}, 'shown', 'hidden')`;
    const change = await (inbox as Inbox<Change>).next((c) => idOf(c) === id);
    expect(change.new).toEqual({ id, name: 'shown' });
  });

  it('59. select restricts new to the chosen columns and the primary key', async () => {
    const channel = realtimeClient().channel(uniqueTopic());
    const inbox = new Inbox<Change>();
    channel.on(
      'postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'rt_items', select: ['name'] } as never,
      (change: Change) => inbox.push(change),
    );
    await subscribedToChanges(channel);
    const id = uniqueId();
    await sql()`insert into public.rt_items (id, name, n) values (${id}, 'picked', 7)`;
    expect((await inbox.next((c) => idOf(c) === id)).new).toEqual({ id, name: 'picked' });
  });

  it('60. a change over 1 MiB arrives with Error 413 and without its long values', async () => {
    const [inbox] = await listen([{ event: 'INSERT', schema: 'public', table: 'rt_items' }]);
    const id = uniqueId();
    await sql()`insert into public.rt_items (id, name, big) values (${id}, 'short', ${'z'.repeat(1_100_000)})`;
    const change = await (inbox as Inbox<Change>).next((c) => idOf(c) === id);
    expect(change.errors).toEqual(['Error 413: Payload Too Large']);
    expect(change.new).toMatchObject({ id, name: 'short' });
    expect(change.new).not.toHaveProperty('big');
  });
});

describe('postgres_changes beyond Supabase', () => {
  it('a write made right after Subscribed to PostgreSQL is never lost', async () => {
    for (let round = 0; round < 5; round++) {
      const [inbox] = await listen([{ event: 'INSERT', schema: 'public', table: 'rt_items' }]);
      const id = uniqueId();
      await sql()`insert into public.rt_items (id) values (${id})`;
      await (inbox as Inbox<Change>).next((c) => idOf(c) === id);
    }
  });

  it('a subscriber whose RLS check raises does not stop delivery to the others', async () => {
    const poisoned = await userClient(randomUUID(), { poison: 'true' });
    const healthy = await Promise.all([userClient(), userClient()]);
    const [poisonedInbox] = await listen(
      [{ event: 'INSERT', schema: 'public', table: 'rt_fragile' }],
      poisoned.client.channel(uniqueTopic()),
    );
    const inboxes = await Promise.all(
      healthy.map(async ({ client }) => {
        const [inbox] = await listen(
          [{ event: 'INSERT', schema: 'public', table: 'rt_fragile' }],
          client.channel(uniqueTopic()),
        );
        return inbox as Inbox<Change>;
      }),
    );
    const id = uniqueId();
    await sql()`insert into public.rt_fragile (id, owner, body) values (${id}, ${randomUUID()}, 'for all')`;
    for (const inbox of inboxes) await inbox.next((c) => idOf(c) === id);
    const next = id + 1;
    await sql()`insert into public.rt_fragile (id, owner, body) values (${next}, ${randomUUID()}, 'again')`;
    for (const inbox of inboxes) await inbox.next((c) => idOf(c) === next);
    expect((poisonedInbox as Inbox<Change>).items).toEqual([]);
  });

  it('many subscribers with their own identities each get exactly the rows they may see', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => userClient()));
    const inboxes = await Promise.all(
      users.map(async ({ client }) => {
        const [inbox] = await listen(
          [{ event: 'INSERT', schema: 'public', table: 'rt_owned' }],
          client.channel(uniqueTopic()),
        );
        return inbox as Inbox<Change>;
      }),
    );
    const base = uniqueId();
    for (const [i, user] of users.entries()) {
      await sql()`insert into public.rt_owned (id, owner, body) values (${base + i}, ${user.userId}, 'mine')`;
    }
    for (const [i, inbox] of inboxes.entries()) {
      await inbox.next((c) => idOf(c) === base + i);
      expect(inbox.items.map(idOf)).toEqual([base + i]);
    }
  });

  it('after a token refresh, RLS follows the new identity', async () => {
    const first = randomUUID();
    const second = randomUUID();
    const { client } = await userClient(first);
    const channel = client.channel(uniqueTopic());
    const inbox = new Inbox<Change>();
    channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_owned' }, (c: Change) =>
      inbox.push(c),
    );
    const system = await subscribedToChanges(channel);
    const seen = system.items.length;
    const { signToken } = await import('./helpers.ts');
    await client.realtime.setAuth(await signToken({ role: 'authenticated', sub: second }));
    const resubscribed = await system.after(seen, (m) => m.extension === 'postgres_changes');
    expect(resubscribed).toMatchObject({ status: 'ok', message: 'Subscribed to PostgreSQL' });
    const forFirst = uniqueId();
    const forSecond = forFirst + 1;
    await sql()`insert into public.rt_owned (id, owner, body) values (${forFirst}, ${first}, 'old identity')`;
    await sql()`insert into public.rt_owned (id, owner, body) values (${forSecond}, ${second}, 'new identity')`;
    await inbox.next((c) => idOf(c) === forSecond);
    expect(inbox.items.map(idOf)).toEqual([forSecond]);
  });
});
