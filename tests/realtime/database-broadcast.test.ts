/** Realtime conformance, broadcast from the database (realtime.md §8 items 33–36, §3.6). */
import { describe, expect, it } from 'vitest';
import {
  broadcasts,
  joinError,
  realtimeClient,
  sql,
  subscribed,
  systemMessages,
  uniqueId,
  uniqueTopic,
  userClient,
} from './helpers.ts';

/**
 * Waits until the replication stream has passed everything committed so far: rows committed
 * before a join may otherwise still be streaming and arrive live, besides the replay.
 */
async function streamCaughtUp(): Promise<void> {
  const topic = uniqueTopic('marker');
  const channel = realtimeClient().channel(topic);
  const inbox = broadcasts(channel);
  await subscribed(channel);
  await sql()`select realtime.send('{}'::jsonb, 'marker', ${topic}, false)`;
  await inbox.next();
}

describe('broadcast from the database', () => {
  it('33. realtime.send to a public topic delivers the payload with an id, and meta.id is the row id', async () => {
    const topic = uniqueTopic();
    const channel = realtimeClient().channel(topic);
    const inbox = broadcasts(channel);
    await subscribed(channel);
    await sql()`select realtime.send('{"n":1}'::jsonb, 'e', ${topic}, false)`;
    const message = await inbox.next();
    expect(message.event).toBe('e');
    const payload = message.payload as { n: number; id: string };
    expect(payload.n).toBe(1);
    expect(payload.id).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await sql()`select id from realtime.messages where topic = ${topic}`;
    expect(message.meta?.id).toBe(row?.id);
    expect(payload.id).toBe(row?.id);
  });

  it('34. realtime.send with the default private reaches readers of the private topic, not public subscribers', async () => {
    const topic = uniqueTopic('read:');
    const { client } = await userClient();
    const privateChannel = client.channel(topic, { config: { private: true } });
    const privateInbox = broadcasts(privateChannel);
    await subscribed(privateChannel);
    const publicChannel = realtimeClient().channel(topic);
    const publicInbox = broadcasts(publicChannel);
    await subscribed(publicChannel);
    await sql()`select realtime.send('{"secret":true}'::jsonb, 'private-e', ${topic})`;
    await sql()`select realtime.send('{"open":true}'::jsonb, 'public-e', ${topic}, false)`;
    expect((await privateInbox.next()).event).toBe('private-e');
    await publicInbox.next();
    expect(publicInbox.items.map((m) => m.event)).toEqual(['public-e']);
    expect(privateInbox.items.map((m) => m.event)).toEqual(['private-e']);
  });

  it('a private topic the user may not read is refused at join', async () => {
    const { client } = await userClient();
    const topic = uniqueTopic('closed:');
    expect(await joinError(client.channel(topic, { config: { private: true } }))).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
    );
  });

  it('35. a row trigger calling realtime.broadcast_changes delivers the change to private subscribers', async () => {
    const room = uniqueTopic('r');
    const { client } = await userClient();
    const channel = client.channel(`log:${room}`, { config: { private: true } });
    const inbox = broadcasts(channel);
    await subscribed(channel);
    const id = uniqueId();
    await sql()`insert into public.rt_rooms_log (id, room, body) values (${id}, ${room}, 'hello')`;
    await sql()`update public.rt_rooms_log set body = 'edited' where id = ${id}`;
    await sql()`delete from public.rt_rooms_log where id = ${id}`;
    const [insert, update, remove] = await inbox.count(3);
    expect(insert?.event).toBe('INSERT');
    expect(insert?.payload).toEqual({
      id: insert?.meta?.id,
      operation: 'INSERT',
      schema: 'public',
      table: 'rt_rooms_log',
      record: { id, room, body: 'hello' },
      old_record: null,
    });
    expect(update?.payload).toMatchObject({
      operation: 'UPDATE',
      record: { id, room, body: 'edited' },
      old_record: { id, room, body: 'hello' },
    });
    expect(remove?.payload).toMatchObject({
      operation: 'DELETE',
      record: null,
      old_record: { id, body: 'edited' },
    });
  });

  it('broadcast.replication_ready reports the replication connection', async () => {
    const channel = realtimeClient().channel(uniqueTopic(), {
      config: { broadcast: { replication_ready: true } } as never,
    });
    const system = systemMessages(channel);
    await subscribed(channel);
    expect(await system.next((m) => m.extension === 'system')).toMatchObject({
      status: 'ok',
      message: 'Replication connection established',
    });
  });

  it('a rolled-back realtime.send is never delivered', async () => {
    const topic = uniqueTopic();
    const channel = realtimeClient().channel(topic);
    const inbox = broadcasts(channel);
    await subscribed(channel);
    await sql()
      .begin(async (tx) => {
        await tx`select realtime.send('{"n":"rolled back"}'::jsonb, 'gone', ${topic}, false)`;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sql()`select realtime.send('{"n":"kept"}'::jsonb, 'kept', ${topic}, false)`;
    await inbox.next();
    expect(inbox.items.map((m) => m.event)).toEqual(['kept']);
  });

  it('a binary realtime.send_binary arrives as an ArrayBuffer', async () => {
    const topic = uniqueTopic();
    const channel = realtimeClient().channel(topic);
    const inbox = broadcasts(channel);
    await subscribed(channel);
    await sql()`select realtime.send_binary('\\x010203ff'::bytea, 'bin', ${topic}, false)`;
    const { payload } = await inbox.next();
    expect(payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(payload as ArrayBuffer)]).toEqual([1, 2, 3, 255]);
  });

  it('36. replay delivers earlier private messages oldest first, marked replayed, at most 25', async () => {
    const topic = uniqueTopic('allow:');
    const since = Date.now() - 1_000;
    for (let i = 0; i < 30; i++) await sql()`select realtime.send(${sql().json({ i })}, 'old', ${topic})`;
    await streamCaughtUp();
    const { client } = await userClient();
    const channel = client.channel(topic, { config: { private: true, broadcast: { replay: { since } } } });
    const inbox = broadcasts(channel);
    await subscribed(channel);
    const replayed = await inbox.count(25);
    expect(replayed.map((m) => (m.payload as { i: number }).i)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 5),
    );
    expect(replayed.every((m) => m.meta?.replayed === true && typeof m.meta.id === 'string')).toBe(true);
    // Live messages keep flowing after the replay, without the replay mark.
    await sql()`select realtime.send('{"live":true}'::jsonb, 'live', ${topic})`;
    const live = await inbox.next((m) => m.event === 'live');
    expect(live.meta?.replayed).toBeUndefined();
  });

  it('replay honours limit and since', async () => {
    const topic = uniqueTopic('allow:');
    // An old message, a minute before `since`.
    await sql()`insert into realtime.messages (topic, extension, event, payload, private, inserted_at)
      values (${topic}, 'broadcast', 'old', '{"i":"before"}', true, now() - interval '1 minute')`;
    const since = Date.now() - 30_000;
    for (const i of [1, 2, 3]) await sql()`select realtime.send(${sql().json({ i })}, 'old', ${topic})`;
    await streamCaughtUp();
    const { client } = await userClient();
    const channel = client.channel(topic, {
      config: { private: true, broadcast: { replay: { since, limit: 2 } } },
    });
    const inbox = broadcasts(channel);
    await subscribed(channel);
    await sql()`select realtime.send('{"i":"live"}'::jsonb, 'live', ${topic})`;
    await inbox.next((m) => m.event === 'live');
    expect(inbox.items.map((m) => (m.payload as { i: unknown }).i)).toEqual([2, 3, 'live']);
  });
});
