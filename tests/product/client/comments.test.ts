import { describe, expect, it } from 'vitest';
import { isWatchroomError, type RoomHandle } from '../../../clients/src/index.ts';
import { sql } from '../world.ts';
import { connectionsPerTest, sdkUser, until } from './sdk.ts';

const { open, connect } = connectionsPerTest();

async function pair() {
  const host = await sdkUser('host');
  const guest = await sdkUser('guest');
  const { room, invite_code } = await host.wr.rooms.create({ name: 'Chat' });
  await guest.wr.rooms.join(invite_code);
  return { host, guest, room };
}

const bodies = (c: RoomHandle) =>
  c.comments
    .items()
    .filter((i) => i.kind === 'user')
    .map((i) => i.body);

describe('comments through the SDK', () => {
  it('shows a send at once, reconciles it by client id, and the other side gets it once', async () => {
    const { host, guest, room } = await pair();
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    const sending = a.comments.send('hello', { videoTs: 12.5 });
    const pending = a.comments.items().at(-1);
    expect(pending).toMatchObject({ body: 'hello', status: 'pending', id: undefined, author_name: 'host' });
    const sent = await sending;
    expect(sent).toMatchObject({ key: pending?.key, status: 'sent', body: 'hello', video_ts: 12.5 });
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
    const heard = await until(
      b,
      'comments',
      (items) => items.some((i) => i.id === sent.id),
      () => b.comments.items(),
    );
    expect(heard.filter((i) => i.body === 'hello')).toHaveLength(1);
    expect(heard.find((i) => i.id === sent.id)?.author_name).toBe('host');
    // The live echo of our own comment does not add a second copy.
    await until(
      a,
      'comments',
      () => true,
      () => a.comments.items(),
    );
    expect(bodies(a).filter((b) => b === 'hello')).toHaveLength(1);
  });

  it('a failed send stays failed with its reason, and a retry posts it once', async () => {
    const { host, guest, room } = await pair();
    const a = await connect(host, room.id);
    const error = await a.comments.send('   ').catch((e: unknown) => e);
    expect(isWatchroomError(error, 'validation_failed')).toBe(true);
    expect(a.comments.items().at(-1)).toMatchObject({
      status: 'failed',
      error: { code: 'validation_failed' },
    });
    // The network fails under the next send: it is kept, failed, and goes once on retry.
    const b = await connect(guest, room.id);
    let offline = true;
    const realFetch = globalThis.fetch;
    const flaky = new Proxy(realFetch, {
      apply: (target, self, args: Parameters<typeof fetch>) =>
        offline && String(args[0]).includes('/functions/v1/')
          ? Promise.reject(new TypeError('fetch failed'))
          : Reflect.apply(target, self, args),
    });
    globalThis.fetch = flaky;
    try {
      const lost = await b.comments.send('once').catch((e: unknown) => e);
      expect(isWatchroomError(lost, 'network_error')).toBe(true);
    } finally {
      globalThis.fetch = realFetch;
      offline = false;
    }
    const failed = b.comments.items().at(-1);
    expect(failed).toMatchObject({ status: 'failed', body: 'once', error: { code: 'network_error' } });
    const sent = await b.comments.retry(failed?.key as string);
    expect(sent).toMatchObject({ key: failed?.key, status: 'sent', client_id: failed?.client_id });
    const again = await b.comments.retry(sent.key).catch((e: unknown) => e);
    expect(isWatchroomError(again, 'not_retryable')).toBe(true);
    const [row] =
      await sql()`select count(*)::int as n from public.comments where room_id = ${room.id} and body = 'once'`;
    expect(row?.n).toBe(1);
  });

  it('pages history newest first by keyset, with no gaps or repeats', async () => {
    const { host, guest, room } = await pair();
    // History written straight to the table, a second apart (the comment rate limit is per user).
    for (let i = 0; i < 25; i++) {
      await sql()`insert into public.comments (room_id, author_id, body, created_at)
                  values (${room.id}, ${host.id}, ${`m${i}`}, now() - make_interval(secs => ${100 - i}))`;
    }
    const b = await guest.wr.connect(room.id, {});
    open.push(b);
    // The first page is the newest 50 (25 comments and the system notices of the joins).
    expect(bodies(b)).toHaveLength(25);
    const small = await sdkUser('reader');
    await small.wr.rooms.join(room.invite_code);
    const c = await small.wr.connect(room.id);
    open.push(c);
    expect(c.comments.hasMore).toBe(false);
    // Pages of 10 through the same store API.
    const { CommentStore } = await import('../../../clients/src/index.ts');
    const seen: string[] = [];
    const store = new CommentStore({
      supabase: small.client,
      call: async () => undefined as never,
      roomId: room.id,
      userId: () => small.id,
      onChange: () => undefined,
      pageSize: 10,
    });
    await store.load();
    while (await store.loadOlder(10)) {
      // keep paging
    }
    for (const item of store.items()) if (item.kind === 'user') seen.push(item.body as string);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('edits, deletes and reactions reach the other side; counts merge', async () => {
    const { host, guest, room } = await pair();
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    const sent = await a.comments.send('first draft');
    const id = sent.id as string;
    await until(
      b,
      'comments',
      (items) => items.some((i) => i.id === id),
      () => b.comments.items(),
    );
    await a.comments.edit(id, 'final');
    await until(b, 'comments', (items) =>
      items.some((i) => i.id === id && i.body === 'final' && i.edited_at !== null),
    );
    await b.comments.react(id, '🔥');
    await until(
      a,
      'comments',
      (items) => items.some((i) => i.id === id && i.reactions['🔥'] === 1),
      () => a.comments.items(),
    );
    await a.comments.react(id, '🔥');
    expect(a.comments.items().find((i) => i.id === id)?.reactions).toEqual({ '🔥': 2 });
    await b.comments.unreact(id, '🔥');
    await until(a, 'comments', (items) => items.some((i) => i.id === id && i.reactions['🔥'] === 1));
    await a.comments.remove(id);
    await until(b, 'comments', (items) =>
      items.some((i) => i.id === id && i.deleted_at !== null && i.body === null),
    );
  });

  it('counts unread, marks read, and shows read receipts to others', async () => {
    const { host, guest, room } = await pair();
    const a = await connect(host, room.id);
    const b = await connect(guest, room.id);
    const before = b.comments.unreadCount();
    const sent = await a.comments.send('did you see that?');
    await until(b, 'comments', (items) => items.some((i) => i.id === sent.id));
    expect(b.comments.unreadCount()).toBe(before + 1);
    expect(a.comments.unreadCount()).toBe(0); // one's own comments are never unread
    await b.comments.markRead();
    expect(b.comments.unreadCount()).toBe(0);
    await until(a, 'reads', () => a.readBy(sent as never).includes(guest.id));
    // Reconnecting keeps the read position (it lives in room_members).
    await b.disconnect();
    open.splice(open.indexOf(b), 1);
    const again = await connect(guest, room.id);
    expect(again.comments.unreadCount()).toBe(0);
  });
});
