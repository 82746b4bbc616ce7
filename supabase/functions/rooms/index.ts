// rooms: create (with invite code and link), join by code, leave, kick, ban, unban, roles,
// transfer host, end, change media, read one room. The rules live in SQL (private helpers and
// policies); this function validates, calls them as the user and shapes the answers.
import { createAuthenticator } from '../_shared/auth.ts';
import { broadcastToRoom } from '../_shared/broadcast.ts';
import { loadConfig } from '../_shared/config.ts';
import { asUser, createDb, type Tx } from '../_shared/db.ts';
import { sql, z } from '../_shared/deps.ts';
import { AppError } from '../_shared/errors.ts';
import { body, createApp, parse, rateLimit } from '../_shared/http.ts';

const config = loadConfig();
const db = createDb(config);
const authenticate = createAuthenticator(config);
const app = createApp('rooms');

const uuid = z.string().uuid();
const media = z.object({
  url: z.string().url().max(2000).nullable().optional(),
  title: z.string().trim().max(200).nullable().optional(),
  kind: z.enum(['video', 'audio', 'stream']).optional(),
  duration: z.number().nonnegative().nullable().optional(),
});
const createRoom = z.object({
  name: z.string().trim().min(1).max(100),
  visibility: z.enum(['public', 'private']).default('private'),
  max_members: z.number().int().min(1).max(500).default(10),
  control_mode: z.enum(['host_only', 'everyone']).default('host_only'),
  wait_for_ready: z.boolean().default(false),
  media: media.optional(),
  idempotency_key: z.string().min(1).max(200).optional(),
});
const target = z.object({ user_id: uuid });

async function roomRow(tx: Tx, roomId: string) {
  const room = await tx.selectFrom('public.rooms').selectAll().where('id', '=', roomId).executeTakeFirst();
  if (!room) throw new AppError('not_a_member', 'You are not a member of this room');
  return room;
}

const linkFor = (code: string) => `${config.WATCHROOM_APP_URL.replace(/\/$/, '')}/join/${code}`;
const roomId = (raw: string) => parse(uuid, raw);

app.post('/', async (c) => {
  const caller = await authenticate(c.req.raw);
  const input = await body(c.req.raw, createRoom);
  const key = c.req.header('idempotency-key') ?? input.idempotency_key;
  const { result, replayed } = await asUser(db, caller, async (tx) => {
    if (key) {
      const earlier = await sql<{
        r: unknown;
      }>`select private.begin_idempotent('room_create', ${key}) as r`.execute(tx);
      if (earlier.rows[0]?.r) return { result: earlier.rows[0].r, replayed: true };
    }
    await rateLimit(tx, 'room_create', config.WATCHROOM_ROOM_CREATE_RATE);
    const inserted = await tx
      .insertInto('public.rooms')
      .values({
        name: input.name,
        visibility: input.visibility,
        max_members: input.max_members,
        control_mode: input.control_mode,
        media_url: input.media?.url ?? null,
        media_title: input.media?.title ?? null,
        media_kind: input.media?.kind ?? 'video',
        media_duration: input.media?.duration ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.wait_for_ready) {
      await tx
        .updateTable('public.rooms')
        .set({ wait_for_ready: true })
        .where('id', '=', inserted.id)
        .execute();
    }
    // Read back: the host's membership (and the member count) come from the insert's triggers.
    const room = await roomRow(tx, inserted.id);
    const created = { room, invite_code: room.invite_code, link: linkFor(room.invite_code) };
    if (key)
      await sql`select private.remember_result('room_create', ${key}, ${JSON.stringify(created)}::text::jsonb)`.execute(
        tx,
      );
    return { result: created, replayed: false };
  });
  return c.json(result as Record<string, unknown>, replayed ? 200 : 201);
});

app.post('/join', async (c) => {
  const caller = await authenticate(c.req.raw);
  const { invite_code } = await body(c.req.raw, z.object({ invite_code: z.string().trim().min(1).max(32) }));
  return c.json(
    await asUser(db, caller, async (tx) => {
      const joined = await sql<{
        m: { room_id: string };
      }>`select to_jsonb(private.join_room(${invite_code})) as m`.execute(tx);
      const membership = joined.rows[0]?.m as { room_id: string };
      return { room: await roomRow(tx, membership.room_id), membership };
    }),
  );
});

app.get('/:id', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = roomId(c.req.param('id'));
  return c.json(
    await asUser(db, caller, async (tx) => {
      const room = await roomRow(tx, id);
      const members = await sql`
        select m.user_id, m.role, m.joined_at, m.last_seen_at, m.sync_state, p.display_name, p.avatar_url, p.status
          from public.room_members m join public.profiles p on p.id = m.user_id
         where m.room_id = ${id} and not m.banned order by m.joined_at`.execute(tx);
      return { room, members: members.rows };
    }),
  );
});

/** A helper call on one room: `private.<name>(room_id, ...args)`, as the caller. */
function roomAction(path: string, helper: string, withTarget: boolean, extra?: z.ZodObject) {
  app.post(`/:id/${path}`, async (c) => {
    const caller = await authenticate(c.req.raw);
    const id = roomId(c.req.param('id'));
    const input = withTarget ? await body(c.req.raw, extra ? target.extend(extra.shape) : target) : {};
    const room = await asUser(db, caller, async (tx) => {
      const args = [sql`${id}::uuid`];
      if (withTarget) args.push(sql`${(input as { user_id: string }).user_id}::uuid`);
      if (extra) args.push(sql`${(input as { role: string }).role}`);
      await sql`select private.${sql.raw(helper)}(${sql.join(args)})`.execute(tx);
      return path === 'leave' ? undefined : await roomRow(tx, id);
    });
    return path === 'leave' ? c.body(null, 204) : c.json({ room });
  });
}

roomAction('leave', 'leave_room', false);
roomAction('kick', 'kick_member', true);
roomAction('ban', 'ban_member', true);
roomAction('unban', 'unban_member', true);
roomAction('role', 'set_member_role', true, z.object({ role: z.enum(['moderator', 'member']) }));
roomAction('transfer', 'transfer_host', true);
roomAction('end', 'end_room', false);

// New media: the host's; playback starts over from 0, paused.
app.patch('/:id/media', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = roomId(c.req.param('id'));
  const input = await body(c.req.raw, media.required({ url: true }));
  const { room, state } = await asUser(db, caller, async (tx) => {
    const role = await sql<{ role: string | null }>`select private.room_role(${id}::uuid) as role`.execute(
      tx,
    );
    if (!role.rows[0]?.role) throw new AppError('not_a_member', 'You are not a member of this room');
    if (role.rows[0].role !== 'host') throw new AppError('forbidden', 'Only the host changes the media');
    const updated = await sql<{ state: unknown }>`
      update public.rooms
         set media_url = ${input.url}, media_title = ${input.title ?? null}, media_kind = ${input.kind ?? 'video'},
             media_duration = ${input.duration ?? null}, position = 0, is_playing = false
       where id = ${id}
      returning private.playback_state(rooms) as state`.execute(tx);
    return { room: await roomRow(tx, id), state: updated.rows[0]?.state };
  });
  await broadcastToRoom(config, id, 'media', {
    room_id: id,
    media_url: room.media_url,
    media_title: room.media_title,
    state,
  });
  return c.json({ room, state });
});

Deno.serve(app.fetch);
