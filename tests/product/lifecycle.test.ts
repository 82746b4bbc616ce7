/**
 * Rooms over their lifetime, in SQL rules: creation, joining by code (with its errors), capacity
 * under concurrent joins, moderation, host succession (also when hosts leave at once), the end
 * of a room, playback versions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { client, closeSql, createRoom, join, must, type Room, signUp, sql, type User } from './world.ts';

afterAll(closeSql);

const rpcError = (message: string, code = 'P0001') => expect.objectContaining({ code, message });

async function members(room: Room) {
  return sql()<{ user_id: string; role: string; banned: boolean }[]>`
    select user_id, role, banned from public.room_members where room_id = ${room.id} order by joined_at`;
}

async function roomRow(room: Room) {
  const [row] = await sql()<
    { status: string; host_id: string | null; member_count: number; ended_at: Date | null }[]
  >`
    select status, host_id, member_count, ended_at from public.rooms where id = ${room.id}`;
  return row;
}

async function systemComments(room: Room): Promise<string[]> {
  const rows = await sql()<{ body: string }[]>`
    select body from public.comments where room_id = ${room.id} and kind = 'system' order by created_at, id`;
  return rows.map((r) => r.body);
}

async function usersIn(count: number, room: Room): Promise<User[]> {
  const users = await Promise.all(Array.from({ length: count }, (_, i) => signUp(`u${i}`)));
  for (const user of users) await join(user, room);
  return users;
}

describe('creating and joining', () => {
  it('makes the creator the host member, with an unambiguous 8-character code', async () => {
    const host = await signUp('Ada');
    const room = await createRoom(host, { name: 'Premiere' });
    expect(room.invite_code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    expect(await members(room)).toEqual([{ user_id: host.id, role: 'host', banned: false }]);
    expect(await roomRow(room)).toMatchObject({ status: 'waiting', host_id: host.id, member_count: 1 });
    expect(await systemComments(room)).toEqual(['Ada joined']);
  });

  it('joins by code, case and dashes ignored, and joining again changes nothing', async () => {
    const room = await createRoom(await signUp('host'));
    const guest = await signUp('Grace');
    const code = `${room.invite_code.slice(0, 4).toLowerCase()}-${room.invite_code.slice(4)}`;
    const first = must(await guest.client.rpc('join_room', { invite_code: code })) as { role: string };
    expect(first.role).toBe('member');
    const again = must(await guest.client.rpc('join_room', { invite_code: room.invite_code })) as {
      joined_at: string;
    };
    expect(again.joined_at).toBe((first as unknown as { joined_at: string }).joined_at);
    expect((await roomRow(room))?.member_count).toBe(2);
  });

  it('answers room_not_found, room_full, banned and room_ended', async () => {
    const host = await signUp('host');
    const room = await createRoom(host, { max_members: 2 });
    const [a, b] = [await signUp('a'), await signUp('b')];
    expect((await a.client.rpc('join_room', { invite_code: 'NOPE2345' })).error).toEqual(
      rpcError('room_not_found'),
    );
    await join(a, room);
    expect((await b.client.rpc('join_room', { invite_code: room.invite_code })).error).toEqual(
      rpcError('room_full'),
    );
    must(await host.client.rpc('ban_member', { room_id: room.id, user_id: a.id }));
    expect((await a.client.rpc('join_room', { invite_code: room.invite_code })).error).toEqual(
      rpcError('banned'),
    );
    must(await host.client.rpc('end_room', { room_id: room.id }));
    expect((await b.client.rpc('join_room', { invite_code: room.invite_code })).error).toEqual(
      rpcError('room_ended'),
    );
    expect((await client().rpc('join_room', { invite_code: room.invite_code })).error).toMatchObject({
      code: '42501',
    });
  });

  it('never exceeds max_members under simultaneous joins', async () => {
    const room = await createRoom(await signUp('host'), { max_members: 5 });
    const guests = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(`g${i}`)));
    const results = await Promise.all(
      guests.map((g) => g.client.rpc('join_room', { invite_code: room.invite_code })),
    );
    expect(results.filter((r) => r.error === null)).toHaveLength(4);
    expect(results.filter((r) => r.error?.message === 'room_full')).toHaveLength(16);
    expect((await members(room)).length).toBe(5);
    expect((await roomRow(room))?.member_count).toBe(5);
  });
});

describe('moderation', () => {
  it('moderators kick members, not moderators or the host; members kick nobody', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const [mod, mod2, member, other] = await usersIn(4, room);
    for (const m of [mod, mod2] as User[]) {
      must(await host.client.rpc('set_member_role', { room_id: room.id, user_id: m.id, role: 'moderator' }));
    }
    const kick = (by: User, target: User) =>
      by.client.rpc('kick_member', { room_id: room.id, user_id: target.id });
    expect((await kick(member as User, other as User)).error).toEqual(rpcError('forbidden', '42501'));
    expect((await kick(mod as User, mod2 as User)).error).toEqual(rpcError('forbidden', '42501'));
    expect((await kick(mod as User, host)).error).toEqual(rpcError('forbidden', '42501'));
    expect((await kick(mod as User, member as User)).error).toBeNull();
    expect((await members(room)).map((m) => m.user_id)).not.toContain((member as User).id);
    // Kicked is not banned: they may come back.
    await join(member as User, room);
  });

  it('only the host changes roles and transfers the room', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const [mod, member] = await usersIn(2, room);
    must(
      await host.client.rpc('set_member_role', {
        room_id: room.id,
        user_id: (mod as User).id,
        role: 'moderator',
      }),
    );
    const byMod = await (mod as User).client.rpc('set_member_role', {
      room_id: room.id,
      user_id: (member as User).id,
      role: 'moderator',
    });
    expect(byMod.error).toEqual(rpcError('forbidden', '42501'));
    expect(
      (
        await host.client.rpc('set_member_role', {
          room_id: room.id,
          user_id: (member as User).id,
          role: 'host',
        })
      ).error,
    ).toEqual(rpcError('invalid_role'));
    must(await host.client.rpc('transfer_host', { room_id: room.id, user_id: (member as User).id }));
    const roles = Object.fromEntries((await members(room)).map((m) => [m.user_id, m.role]));
    expect(roles).toEqual({
      [host.id]: 'moderator',
      [(mod as User).id]: 'moderator',
      [(member as User).id]: 'host',
    });
    expect((await roomRow(room))?.host_id).toBe((member as User).id);
  });

  it('a ban keeps someone out until they are unbanned, even if they were never in', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const outsider = await signUp('outsider');
    must(await host.client.rpc('ban_member', { room_id: room.id, user_id: outsider.id }));
    expect((await outsider.client.rpc('join_room', { invite_code: room.invite_code })).error).toEqual(
      rpcError('banned'),
    );
    must(await host.client.rpc('unban_member', { room_id: room.id, user_id: outsider.id }));
    await join(outsider, room);
  });
});

describe('host succession and the end of a room', () => {
  it('the longest-present moderator takes over, else the longest-present member', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const [early, mod, late] = await usersIn(3, room);
    must(
      await host.client.rpc('set_member_role', {
        room_id: room.id,
        user_id: (mod as User).id,
        role: 'moderator',
      }),
    );
    must(await host.client.rpc('leave_room', { room_id: room.id }));
    expect((await roomRow(room))?.host_id).toBe((mod as User).id);
    must(
      await (mod as User).client
        .from('room_members')
        .delete()
        .eq('room_id', room.id)
        .eq('user_id', (mod as User).id),
    );
    expect((await roomRow(room))?.host_id).toBe((early as User).id);
    const notices = await systemComments(room);
    expect(notices.filter((n) => n.endsWith('is now the host'))).toEqual([
      'u1 is now the host',
      'u0 is now the host',
    ]);
    expect((await members(room)).map((m) => [m.user_id, m.role])).toEqual([
      [(early as User).id, 'host'],
      [(late as User).id, 'member'],
    ]);
  });

  it('hosts and moderators leaving at once always leave exactly one host', async () => {
    for (let round = 0; round < 5; round++) {
      const host = await signUp('host');
      const room = await createRoom(host);
      const [mod, a, b] = await usersIn(3, room);
      must(
        await host.client.rpc('set_member_role', {
          room_id: room.id,
          user_id: (mod as User).id,
          role: 'moderator',
        }),
      );
      await Promise.all(
        [host, mod as User].map((u) => u.client.rpc('leave_room', { room_id: room.id }).then(must)),
      );
      const left = await members(room);
      expect(left.filter((m) => m.role === 'host')).toHaveLength(1);
      expect(left.map((m) => m.user_id).sort()).toEqual([(a as User).id, (b as User).id].sort());
      expect((await roomRow(room))?.host_id).toBe(left.find((m) => m.role === 'host')?.user_id);
    }
  });

  it('when the last members leave at once the room ends', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const guests = await usersIn(4, room);
    await Promise.all(
      [host, ...guests].map((u) => u.client.rpc('leave_room', { room_id: room.id }).then(must)),
    );
    expect(await roomRow(room)).toMatchObject({ status: 'ended', host_id: null, member_count: 0 });
    expect((await roomRow(room))?.ended_at).not.toBeNull();
  });

  it('an ended room takes no more changes or comments', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const [member] = await usersIn(1, room);
    expect((await (member as User).client.rpc('end_room', { room_id: room.id })).error).toEqual(
      rpcError('forbidden', '42501'),
    );
    must(await host.client.rpc('end_room', { room_id: room.id }));
    expect((await host.client.from('rooms').update({ position: 5 }).eq('id', room.id)).error).toEqual(
      rpcError('room_ended'),
    );
    const comment = await (member as User).client.from('comments').insert({ room_id: room.id, body: 'late' });
    expect(comment.error).toMatchObject({
      code: '42501',
      message: 'new row violates row-level security policy for table "comments"',
    });
  });
});

describe('playback state', () => {
  it('every change bumps the version and stamps the database clock; other edits do not', async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const read = async () =>
      must(
        await host.client
          .from('rooms')
          .select('playback_version, playback_updated_at, status, is_playing')
          .eq('id', room.id)
          .single(),
      ) as {
        playback_version: number;
        playback_updated_at: string;
        status: string;
      };
    const start = await read();
    must(await host.client.from('rooms').update({ is_playing: true, position: 3 }).eq('id', room.id));
    const playing = await read();
    expect(playing.playback_version).toBe(start.playback_version + 1);
    expect(playing.status).toBe('active');
    expect(Date.parse(playing.playback_updated_at)).toBeGreaterThanOrEqual(
      Date.parse(start.playback_updated_at),
    );
    must(await host.client.from('rooms').update({ name: 'Renamed' }).eq('id', room.id));
    expect((await read()).playback_version).toBe(playing.playback_version);
  });

  it("in 'everyone' mode any member controls playback", async () => {
    const host = await signUp('host');
    const room = await createRoom(host);
    const [member] = await usersIn(1, room);
    const seek = () =>
      (member as User).client.from('rooms').update({ position: 30 }).eq('id', room.id).select('position');
    expect(must(await seek())).toEqual([]);
    must(await host.client.from('rooms').update({ control_mode: 'everyone' }).eq('id', room.id));
    expect(must(await seek())).toEqual([{ position: 30 }]);
  });
});
