/** The RLS matrix for profiles, rooms, room members and the public room directory; the harness and the world are in matrix.ts. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { service, signUp } from '../world.ts';
import { denied, each, forbidden, openRoom, rows, runMatrix, useMatrixWorld, userOf, w } from './matrix.ts';

useMatrixWorld();

runMatrix({
  profiles: [
    {
      name: 'select a profile',
      run: (c) => c.from('profiles').select('id').eq('id', w.users.host.id),
      expect: each(denied('profiles'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'insert a profile',
      run: (c) => c.from('profiles').insert({ id: randomUUID(), display_name: 'Nobody' }).select('id'),
      expect: each(
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        {
          error: {
            code: '23503',
            message:
              'insert or update on table "profiles" violates foreign key constraint "profiles_id_fkey"',
          },
        },
      ),
    },
    {
      name: 'update your own profile',
      run: (c, ctx) =>
        c
          .from('profiles')
          .update({ status: 'busy' })
          .eq('id', userOf(ctx)?.id ?? w.users.host.id)
          .select('id'),
      expect: each(denied('profiles'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "update the host's profile",
      run: (c) =>
        c.from('profiles').update({ display_name: 'Renamed host' }).eq('id', w.users.host.id).select('id'),
      expect: each(denied('profiles'), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
    {
      name: 'delete a profile',
      prepare: async () => ({ user: (await signUp('doomed')).id }),
      run: (c, ctx) =>
        c
          .from('profiles')
          .delete()
          .eq('id', ctx.target.user as string)
          .select('id'),
      expect: each(
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        denied('profiles'),
        rows(1),
      ),
    },
  ],
  rooms: [
    {
      name: 'select the private room',
      run: (c) => c.from('rooms').select('id').eq('id', w.room.id),
      expect: each(denied('rooms'), rows(0), rows(1), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'create a room',
      run: (c) => c.from('rooms').insert({ name: 'Mine' }).select('id'),
      expect: each(denied('rooms'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'change room settings',
      run: (c) => c.from('rooms').update({ name: 'Renamed' }).eq('id', w.room.id).select('id'),
      expect: each(denied('rooms'), rows(0), rows(0), forbidden, rows(1), rows(0), rows(1)),
    },
    {
      name: 'control playback (host-only mode)',
      run: (c) => c.from('rooms').update({ position: 42 }).eq('id', w.room.id).select('id'),
      expect: each(denied('rooms'), rows(0), rows(0), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'take over as host',
      run: (c, ctx) =>
        c
          .from('rooms')
          .update({ host_id: userOf(ctx)?.id ?? w.users.host.id })
          .eq('id', w.room.id)
          .select('id'),
      expect: each(
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        rows(1),
      ),
    },
    {
      name: 'delete a room',
      prepare: async () => ({
        room: (
          (await w.users.stranger.client.from('rooms').insert({ name: 'Doomed' }).select('id').single())
            .data as { id: string }
        ).id,
      }),
      run: (c, ctx) =>
        c
          .from('rooms')
          .delete()
          .eq('id', ctx.target.room as string)
          .select('id'),
      expect: each(
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        denied('rooms'),
        rows(1),
      ),
    },
  ],
  room_members: [
    {
      name: "select the room's members",
      run: (c) => c.from('room_members').select('user_id').eq('room_id', w.room.id),
      expect: each(denied('room_members'), rows(0), rows(4), rows(4), rows(4), rows(1), rows(4)),
    },
    {
      name: 'insert a membership directly',
      prepare: async () => ({ user: (await signUp('sneaky')).id }),
      run: (c, ctx) =>
        c.from('room_members').insert({ room_id: w.room.id, user_id: ctx.target.user }).select('user_id'),
      expect: each(
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        rows(1),
      ),
    },
    {
      name: 'update your own presence bookkeeping',
      run: (c, ctx) =>
        c
          .from('room_members')
          .update({ sync_state: 'ready', last_seen_at: new Date().toISOString() })
          .eq('room_id', w.room.id)
          .eq('user_id', userOf(ctx)?.id ?? w.users.member.id)
          .select('user_id'),
      expect: each(denied('room_members'), rows(0), rows(1), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'promote yourself',
      run: (c, ctx) =>
        c
          .from('room_members')
          .update({ role: 'moderator' })
          .eq('room_id', w.room.id)
          .eq('user_id', userOf(ctx)?.id ?? w.users.member.id)
          .select('user_id'),
      expect: each(
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        denied('room_members'),
        rows(1),
      ),
    },
  ],
  public_rooms: [
    {
      name: 'list public rooms',
      // Every file's world opens a room of this name: this world's, by id.
      run: (c) => c.from('public_rooms').select('id, invite_code').eq('id', openRoom),
      expect: each(denied('public_rooms', 'view'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'the private room is not listed',
      run: (c) => c.from('public_rooms').select('id').eq('id', w.room.id),
      expect: each(denied('public_rooms', 'view'), rows(0), rows(0), rows(0), rows(0), rows(0), rows(0)),
    },
  ],
});

describe('service role only', () => {
  it('sees every membership, banned ones included', async () => {
    const { data } = await service().from('room_members').select('user_id, banned').eq('room_id', w.room.id);
    expect(data?.filter((m) => m.banned)).toHaveLength(1);
  });
});
