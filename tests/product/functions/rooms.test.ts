/**
 * The rooms function through supabase-js: create (invite code, link, idempotent retries), join
 * by code and its refusals, leave, kick, ban/unban, roles, host transfer, end, media; the error
 * envelope and CORS.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { client, closeSql, signUp, sql, stack, type User } from '../world.ts';
import { call, detailsOf, listen, ok, partyOf } from './api.ts';

afterAll(closeSql);

interface Created {
  room: Record<string, unknown> & { id: string; invite_code: string };
  invite_code: string;
  link: string;
}
interface Detail {
  room: Record<string, unknown> & { id: string; host_id: string; status: string };
  members: { user_id: string; role: string; display_name: string }[];
}

const users = (n: number, name = 'guest') =>
  Promise.all(Array.from({ length: n }, (_, i) => signUp(`${name}${i}`)));
const roles = (detail: Detail) => Object.fromEntries(detail.members.map((m) => [m.user_id, m.role]));

describe('create', () => {
  it('returns the room with its invite code and link; the caller hosts it', async () => {
    const host = await signUp('host');
    const reply = await call<Created>(host, 'rooms', {
      body: {
        name: '  Movie night ',
        visibility: 'public',
        max_members: 8,
        media: { url: 'https://v.example/a.mp4', title: 'A' },
      },
    });
    expect(reply.status).toBe(201);
    const { room, invite_code, link } = reply.data;
    expect(room).toMatchObject({
      name: 'Movie night',
      visibility: 'public',
      max_members: 8,
      status: 'waiting',
      host_id: host.id,
      media_url: 'https://v.example/a.mp4',
      media_title: 'A',
      control_mode: 'host_only',
      playback_version: 0,
      position: 0,
      member_count: 1,
    });
    expect(invite_code).toMatch(/^[A-Z0-9]{8}$/);
    expect(room.invite_code).toBe(invite_code);
    expect(link).toBe(`http://127.0.0.1:5173/join/${invite_code}`);
    const detail = await ok<Detail>(host, `rooms/${room.id}`);
    expect(detail.members).toEqual([
      expect.objectContaining({ user_id: host.id, role: 'host', display_name: 'host' }),
    ]);
  });

  it('with an idempotency key, a retry (even a concurrent one) returns the first room', async () => {
    const host = await signUp('host');
    const key = randomUUID();
    const attempts = await Promise.all(
      [1, 2, 3].map(() =>
        call<Created>(host, 'rooms', { body: { name: 'Once' }, headers: { 'Idempotency-Key': key } }),
      ),
    );
    expect(attempts.map((a) => a.error)).toEqual([undefined, undefined, undefined]);
    const ids = new Set(attempts.map((a) => a.data.room.id));
    expect(ids.size).toBe(1);
    expect(attempts.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    const later = await call<Created>(host, 'rooms', { body: { name: 'Once', idempotency_key: key } });
    expect(later).toMatchObject({ status: 200, data: { room: { id: [...ids][0] } } });
    const [row] = await sql()`select count(*)::int as n from public.rooms where host_id = ${host.id}`;
    expect(row?.n).toBe(1);
    // The key is the caller's: someone else using it gets a room of their own.
    const other = await signUp('other');
    const theirs = await call<Created>(other, 'rooms', {
      body: { name: 'Once' },
      headers: { 'Idempotency-Key': key },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.data.room.id).not.toBe([...ids][0]);
  });

  it('refuses bad input with validation_failed and the fields at fault, writing nothing', async () => {
    const host = await signUp('host');
    const reply = await call(host, 'rooms', { body: { name: ' ', max_members: 0, visibility: 'secret' } });
    expect(reply.status).toBe(400);
    expect(reply.error?.code).toBe('validation_failed');
    expect(
      detailsOf<{ path: string }[]>(reply)
        .map((d) => d.path)
        .sort(),
    ).toEqual(['max_members', 'name', 'visibility']);
    const notJson = await call(host, 'rooms', {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson).toMatchObject({
      status: 400,
      error: { code: 'validation_failed', message: 'The body is not JSON' },
    });
    const [row] = await sql()`select count(*)::int as n from public.rooms where host_id = ${host.id}`;
    expect(row?.n).toBe(0);
  });

  it('needs a signed-in user: the anon key alone is unauthorized, no key at all is refused by the runtime', async () => {
    const anonymous = await call(client(), 'rooms', { body: { name: 'x' } });
    expect(anonymous).toMatchObject({ status: 401, error: { code: 'unauthorized' } });
    const bare = await fetch(`${stack.apiUrl}/functions/v1/rooms`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(401);
    const forged = await call(client(), 'rooms', {
      body: { name: 'x' },
      headers: { Authorization: `Bearer ${stack.anonKey.slice(0, -4)}abcd` },
    });
    expect(forged.status).toBe(401);
  });

  it('is rate-limited per user and recovers when the window passes', async () => {
    const host = await signUp('host');
    const replies = [];
    for (let i = 0; i < 11; i++) replies.push(await call(host, 'rooms', { body: { name: `Room ${i}` } }));
    expect(replies.slice(0, 10).every((r) => r.status === 201)).toBe(true);
    const limited = replies[10];
    expect(limited?.status).toBe(429);
    expect(limited?.error?.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(detailsOf<{ retry_after_ms: number }>(limited).retry_after_ms).toBeGreaterThan(0);
    const [row] = await sql()`select count(*)::int as n from public.rooms where host_id = ${host.id}`;
    expect(row?.n).toBe(10);
    // Someone else is not limited by this user's budget.
    expect((await call(await signUp('other'), 'rooms', { body: { name: 'Mine' } })).status).toBe(201);
    await sql()`update private.rate_limit_hits set at = at - interval '1 hour' where user_id = ${host.id}`;
    expect((await call(host, 'rooms', { body: { name: 'Again' } })).status).toBe(201);
  });
});

describe('join', () => {
  it('joins by code (any case, spaces and dashes), idempotently', async () => {
    const host = await signUp('host');
    const guest = await signUp('guest');
    const { id, invite_code } = await partyOf(host, []);
    const messy = `${invite_code.slice(0, 4).toLowerCase()}-${invite_code.slice(4)} `;
    const first = await call<{
      room: { id: string; member_count: number };
      membership: { joined_at: string; role: string };
    }>(guest, 'rooms/join', { body: { invite_code: messy } });
    expect(first.status).toBe(200);
    expect(first.data.room).toMatchObject({ id, member_count: 2 });
    expect(first.data.membership.role).toBe('member');
    const again = await ok<typeof first.data>(guest, 'rooms/join', { body: { invite_code } });
    expect(again.membership.joined_at).toBe(first.data.membership.joined_at);
    expect(again.room.member_count).toBe(2);
  });

  it('refuses unknown codes, full rooms, banned users and ended rooms with their codes', async () => {
    const host = await signUp('host');
    const [a, b, c] = await users(3);
    const full = await partyOf(host, [a as User], { max_members: 2 });
    expect(await call(b as User, 'rooms/join', { body: { invite_code: 'NOSUCH00' } })).toMatchObject({
      status: 404,
      error: { code: 'room_not_found' },
    });
    expect(await call(b as User, 'rooms/join', { body: { invite_code: full.invite_code } })).toMatchObject({
      status: 409,
      error: { code: 'room_full', message: 'This room has 2 of 2 members' },
    });
    await ok(host, `rooms/${full.id}/ban`, { body: { user_id: (a as User).id } });
    expect(await call(a as User, 'rooms/join', { body: { invite_code: full.invite_code } })).toMatchObject({
      status: 403,
      error: { code: 'banned' },
    });
    await ok(host, `rooms/${full.id}/end`, { body: {} });
    expect(await call(c as User, 'rooms/join', { body: { invite_code: full.invite_code } })).toMatchObject({
      status: 410,
      error: { code: 'room_ended' },
    });
    expect(await call(c as User, 'rooms/join', { body: {} })).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
  });
});

describe('members', () => {
  it('leave: 204, and the room is no longer theirs to see', async () => {
    const host = await signUp('host');
    const [guest] = await users(1);
    const { id } = await partyOf(host, [guest as User]);
    const left = await call(guest as User, `rooms/${id}/leave`, { body: {} });
    expect(left.status).toBe(204);
    expect(await call(guest as User, `rooms/${id}`)).toMatchObject({
      status: 403,
      error: { code: 'not_a_member' },
    });
    expect(await call(guest as User, `rooms/${id}/leave`, { body: {} })).toMatchObject({
      status: 403,
      error: { code: 'not_a_member' },
    });
  });

  it('kick and ban are for the host and moderators; unban lets the user back in', async () => {
    const host = await signUp('host');
    const [mod, a, b] = (await users(3)) as [User, User, User];
    const { id, invite_code } = await partyOf(host, [mod, a, b]);
    await ok(host, `rooms/${id}/role`, { body: { user_id: mod.id, role: 'moderator' } });
    expect(await call(a, `rooms/${id}/kick`, { body: { user_id: b.id } })).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    expect(await call(mod, `rooms/${id}/kick`, { body: { user_id: host.id } })).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    expect(await call(mod, `rooms/${id}/kick`, { body: { user_id: randomUUID() } })).toMatchObject({
      status: 400,
      error: { code: 'invalid_target' },
    });
    const kicked = await ok<Detail>(mod, `rooms/${id}/kick`, { body: { user_id: a.id } });
    expect(kicked.room).toMatchObject({ member_count: 3 });
    expect(await call(a, `rooms/${id}`)).toMatchObject({ status: 403, error: { code: 'not_a_member' } });
    await ok(a, 'rooms/join', { body: { invite_code } }); // a kick is not a ban

    await ok(mod, `rooms/${id}/ban`, { body: { user_id: b.id } });
    expect(await call(b, 'rooms/join', { body: { invite_code } })).toMatchObject({
      status: 403,
      error: { code: 'banned' },
    });
    expect(await call(a, `rooms/${id}/unban`, { body: { user_id: b.id } })).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    await ok(host, `rooms/${id}/unban`, { body: { user_id: b.id } });
    expect(await call(host, `rooms/${id}/unban`, { body: { user_id: b.id } })).toMatchObject({
      status: 400,
      error: { code: 'invalid_target' },
    });
    await ok(b, 'rooms/join', { body: { invite_code } });
    expect(await call(host, `rooms/${id}/ban`, { body: { user_id: 'nope' } })).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
  });

  it('promote and demote; only the host; host is not a role to give', async () => {
    const host = await signUp('host');
    const [a, b] = (await users(2)) as [User, User];
    const { id } = await partyOf(host, [a, b]);
    const promoted = await ok<Detail>(host, `rooms/${id}/role`, {
      body: { user_id: a.id, role: 'moderator' },
    });
    expect(promoted.room.id).toBe(id);
    expect(roles(await ok<Detail>(host, `rooms/${id}`))[a.id]).toBe('moderator');
    expect(await call(a, `rooms/${id}/role`, { body: { user_id: b.id, role: 'moderator' } })).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    expect(await call(host, `rooms/${id}/role`, { body: { user_id: b.id, role: 'host' } })).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
    await ok(host, `rooms/${id}/role`, { body: { user_id: a.id, role: 'member' } });
    expect(roles(await ok<Detail>(b, `rooms/${id}`))[a.id]).toBe('member');
  });

  it('transfer host: the new host controls, the old one stays on as moderator', async () => {
    const host = await signUp('host');
    const [a, stranger] = (await users(2)) as [User, User];
    const { id } = await partyOf(host, [a]);
    expect(await call(a, `rooms/${id}/transfer`, { body: { user_id: a.id } })).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    expect(await call(host, `rooms/${id}/transfer`, { body: { user_id: stranger.id } })).toMatchObject({
      status: 400,
      error: { code: 'invalid_target' },
    });
    const moved = await ok<Detail>(host, `rooms/${id}/transfer`, { body: { user_id: a.id } });
    expect(moved.room.host_id).toBe(a.id);
    expect(roles(await ok<Detail>(a, `rooms/${id}`))).toEqual({ [host.id]: 'moderator', [a.id]: 'host' });
    expect((await call(a, 'sync/control', { body: { room_id: id, action: 'play' } })).status).toBe(200);
  });

  it('end: host only; an ended room takes no more controls, comments or joins', async () => {
    const host = await signUp('host');
    const [a, late] = (await users(2)) as [User, User];
    const { id, invite_code } = await partyOf(host, [a]);
    expect(await call(a, `rooms/${id}/end`, { body: {} })).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    const ended = await ok<Detail>(host, `rooms/${id}/end`, { body: {} });
    expect(ended.room.status).toBe('ended');
    expect(await call(host, 'sync/control', { body: { room_id: id, action: 'play' } })).toMatchObject({
      status: 410,
      error: { code: 'room_ended' },
    });
    expect(
      await call(a, 'interactions/comments', { body: { room_id: id, body: 'hi', client_id: randomUUID() } }),
    ).toMatchObject({
      status: 410,
      error: { code: 'room_ended' },
    });
    expect(await call(late, 'rooms/join', { body: { invite_code } })).toMatchObject({
      status: 410,
      error: { code: 'room_ended' },
    });
    expect(await call(host, `rooms/${id}/end`, { body: {} })).toMatchObject({
      status: 410,
      error: { code: 'room_ended' },
    });
  });

  it('reading a room: members see it with its members; strangers learn nothing', async () => {
    const host = await signUp('host');
    const [a, stranger] = (await users(2)) as [User, User];
    const { id } = await partyOf(host, [a]);
    const detail = await ok<Detail>(a, `rooms/${id}`);
    expect(detail.members.map((m) => m.user_id).sort()).toEqual([host.id, a.id].sort());
    expect(await call(stranger, `rooms/${id}`)).toMatchObject({
      status: 403,
      error: { code: 'not_a_member' },
    });
    expect(await call(stranger, `rooms/${randomUUID()}`)).toMatchObject({
      status: 403,
      error: { code: 'not_a_member' },
    });
    expect(await call(a, 'rooms/not-a-uuid')).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
  });
});

describe('media', () => {
  it('the host changes it: playback restarts paused at 0, members hear it at once', async () => {
    const host = await signUp('host');
    const [a] = (await users(1)) as [User];
    const { id } = await partyOf(host, [a]);
    const playing = await ok<{ version: number }>(host, 'sync/control', {
      body: { room_id: id, action: 'play', position: 42 },
    });
    const events = await listen(a, id);
    try {
      const reply = await ok<{
        room: Record<string, unknown>;
        state: { version: number; is_playing: boolean; position: number };
      }>(host, `rooms/${id}/media`, {
        method: 'PATCH',
        body: { url: 'https://v.example/b.mp4', title: 'B', duration: 600 },
      });
      expect(reply.room).toMatchObject({
        media_url: 'https://v.example/b.mp4',
        media_title: 'B',
        media_duration: 600,
      });
      expect(reply.state).toMatchObject({ is_playing: false, position: 0, version: playing.version + 1 });
      const heard = await events.broadcasts.next((m) => m.event === 'media');
      expect(heard.payload).toMatchObject({
        room_id: id,
        media_url: 'https://v.example/b.mp4',
        state: { version: playing.version + 1 },
      });
    } finally {
      await events.close();
    }
    expect(
      await call(a, `rooms/${id}/media`, { method: 'PATCH', body: { url: 'https://v.example/c.mp4' } }),
    ).toMatchObject({
      status: 403,
      error: { code: 'forbidden' },
    });
    expect(
      await call(host, `rooms/${id}/media`, { method: 'PATCH', body: { url: 'not a url' } }),
    ).toMatchObject({
      status: 400,
      error: { code: 'validation_failed' },
    });
  });
});

describe('http', () => {
  it('answers CORS preflights and puts CORS headers on errors too', async () => {
    const preflight = await fetch(`${stack.apiUrl}/functions/v1/rooms`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const refused = await fetch(`${stack.apiUrl}/functions/v1/rooms/join`, {
      method: 'POST',
      headers: {
        origin: 'http://127.0.0.1:5173',
        apikey: stack.anonKey,
        authorization: `Bearer ${stack.anonKey}`,
      },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('content-type')).toContain('application/json');
  });

  it('unknown routes are route_not_found in the envelope', async () => {
    const host = await signUp('host');
    expect(await call(host, 'rooms/a/b/c', { body: {} })).toMatchObject({
      status: 404,
      error: { code: 'route_not_found' },
    });
    expect(await call(host, 'interactions', { method: 'GET' })).toMatchObject({
      status: 404,
      error: { code: 'route_not_found' },
    });
  });
});
