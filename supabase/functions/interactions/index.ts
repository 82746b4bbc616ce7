// interactions: likes, views (one per user per hour), shares, watch progress, comments (create
// idempotently by client id, edit, delete; rate-limited), comment reactions, follows. Counters
// and notifications are kept by database triggers; this validates and answers with the counts.
import { createAuthenticator } from '../_shared/auth.ts';
import { loadConfig } from '../_shared/config.ts';
import { asUser, type Caller, createDb, type Tx } from '../_shared/db.ts';
import { sql, z } from '../_shared/deps.ts';
import { AppError, fromDatabase } from '../_shared/errors.ts';
import { body, createApp, parse, rateLimit } from '../_shared/http.ts';

const config = loadConfig();
const db = createDb(config);
const authenticate = createAuthenticator(config);
const app = createApp('interactions');

const uuid = z.string().uuid();
const contentBody = z.object({ content_id: uuid });

async function counts(tx: Tx, contentId: string) {
  const row = await tx
    .selectFrom('public.contents')
    .select(['likes_count', 'views_count', 'shares_count'])
    .where('id', '=', contentId)
    .executeTakeFirst();
  if (!row) throw new AppError('content_not_found', 'No such content, or it is not yours to see');
  return {
    likes_count: Number(row.likes_count),
    views_count: Number(row.views_count),
    shares_count: Number(row.shares_count),
  };
}

/** Content the caller cannot see reads as missing: RLS refusals and dangling ids alike. */
async function onContent<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const mapped = fromDatabase(error);
    if (mapped && (mapped.code === 'forbidden' || mapped.code === 'not_found')) {
      throw new AppError('content_not_found', 'No such content, or it is not yours to see');
    }
    throw error;
  }
}

/** An interaction as the caller: rate-limited, then `work`, then the content's counters. */
function interact(
  c: { req: { raw: Request } },
  work: (tx: Tx, contentId: string) => Promise<Record<string, unknown>>,
) {
  return async (contentId: string) => {
    const caller = await authenticate(c.req.raw);
    return asUser(db, caller, async (tx) => {
      await rateLimit(tx, 'interaction', config.WATCHROOM_INTERACTION_RATE);
      const extra = await onContent(() => work(tx, contentId));
      return { content_id: contentId, ...(await counts(tx, contentId)), ...extra };
    });
  };
}

app.post('/like', async (c) => {
  const { content_id } = await body(c.req.raw, contentBody);
  return c.json(
    await interact(c, async (tx, id) => {
      await tx
        .insertInto('public.content_likes')
        .values({ content_id: id })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return { liked: true };
    })(content_id),
  );
});

app.delete('/like/:content_id', async (c) => {
  const id = parse(uuid, c.req.param('content_id'));
  return c.json(
    await interact(c, async (tx) => {
      await tx.deleteFrom('public.content_likes').where('content_id', '=', id).execute();
      return { liked: false };
    })(id),
  );
});

app.post('/view', async (c) => {
  const { content_id } = await body(c.req.raw, contentBody);
  return c.json(
    await interact(c, async (tx, id) => {
      const inserted = await tx
        .insertInto('public.content_views')
        .values({ content_id: id })
        .onConflict((oc) => oc.doNothing())
        .returning('content_id')
        .execute();
      return { counted: inserted.length > 0 };
    })(content_id),
  );
});

app.post('/share', async (c) => {
  const input = await body(
    c.req.raw,
    contentBody.extend({ channel: z.enum(['link', 'room', 'social', 'other']).default('link') }),
  );
  return c.json(
    await interact(c, async (tx, id) => {
      await tx
        .insertInto('public.content_shares')
        .values({ content_id: id, channel: input.channel })
        .execute();
      return { shared: true };
    })(input.content_id),
  );
});

app.post('/progress', async (c) => {
  const input = await body(
    c.req.raw,
    contentBody.extend({
      position: z.number().nonnegative(),
      duration: z.number().nonnegative().optional(),
      completed: z.boolean().default(false),
    }),
  );
  const caller = await authenticate(c.req.raw);
  const progress = await asUser(db, caller, (tx) =>
    onContent(() =>
      tx
        .insertInto('public.watch_progress')
        .values({
          content_id: input.content_id,
          position: input.position,
          duration: input.duration ?? null,
          completed: input.completed,
        })
        .onConflict((oc) =>
          oc.columns(['content_id', 'user_id']).doUpdateSet({
            position: input.position,
            duration: input.duration ?? null,
            completed: input.completed,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),
    ),
  );
  return c.json(progress);
});

// Comments -------------------------------------------------------------------------------------
const newComment = z.object({
  room_id: uuid,
  body: z.string().trim().min(1).max(1000),
  video_ts: z.number().nonnegative().nullable().optional(),
  parent_id: uuid.nullable().optional(),
  client_id: uuid,
});

const REFUSED = Symbol('comment refused');
const DUPLICATE = Symbol('comment sent twice at once');

/** Why the policy refused a comment (the failed insert aborted its transaction: ask in a new one). */
async function whyRefused(caller: Caller, roomId: string): Promise<AppError> {
  const room = await asUser(db, caller, (tx) =>
    tx.selectFrom('public.rooms').select('status').where('id', '=', roomId).executeTakeFirst(),
  );
  return room?.status === 'ended'
    ? new AppError('room_ended', 'This room has ended')
    : new AppError('not_a_member', 'Only members of a room comment in it');
}

/** The caller's comment sent with this client id, if any. */
function sentBefore(tx: Tx, caller: Caller, input: z.infer<typeof newComment>) {
  return tx
    .selectFrom('public.comments')
    .selectAll()
    .where('room_id', '=', input.room_id)
    .where('author_id', '=', caller.userId)
    .where('client_id', '=', input.client_id)
    .executeTakeFirst();
}

app.post('/comments', async (c) => {
  const caller = await authenticate(c.req.raw);
  const input = await body(c.req.raw, newComment);
  const post = () =>
    asUser(db, caller, async (tx) => {
      const earlier = await sentBefore(tx, caller, input);
      if (earlier) return { comment: earlier, created: false };
      await rateLimit(tx, 'comment', config.WATCHROOM_COMMENT_RATE);
      const row = await tx
        .insertInto('public.comments')
        .values({
          room_id: input.room_id,
          body: input.body,
          video_ts: input.video_ts ?? null,
          parent_id: input.parent_id ?? null,
          client_id: input.client_id,
        })
        .returningAll()
        .executeTakeFirst()
        .catch((error: unknown) => {
          const code = fromDatabase(error)?.code;
          throw code === 'forbidden' ? REFUSED : code === 'conflict' ? DUPLICATE : error;
        });
      return { comment: row, created: true };
    });
  const { comment, created } = await post().catch(async (error: unknown) => {
    if (error === REFUSED) throw await whyRefused(caller, input.room_id);
    // A retry raced the first send and lost: the first one is committed now; answer with it.
    if (error === DUPLICATE) return post();
    throw error;
  });
  return c.json(comment as Record<string, unknown>, created ? 201 : 200);
});

app.patch('/comments/:id', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = parse(uuid, c.req.param('id'));
  const input = await body(c.req.raw, z.object({ body: z.string().trim().min(1).max(1000) }));
  const row = await asUser(db, caller, async (tx) => {
    await rateLimit(tx, 'comment', config.WATCHROOM_COMMENT_RATE);
    return tx
      .updateTable('public.comments')
      .set({ body: input.body })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  });
  if (!row) throw new AppError('comment_not_found', 'No such comment that you may edit');
  return c.json(row);
});

app.delete('/comments/:id', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = parse(uuid, c.req.param('id'));
  const row = await asUser(db, caller, (tx) =>
    tx
      .updateTable('public.comments')
      .set({ deleted_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new AppError('comment_not_found', 'No such comment that you may delete');
  return c.json(row);
});

const emoji = z.string().min(1).max(16).regex(/^\S+$/, 'one emoji, no spaces');

async function reactionCounts(tx: Tx, commentId: string) {
  const rows = await sql<{ emoji: string; n: number }>`
    select emoji, count(*)::int as n from public.comment_reactions where comment_id = ${commentId} group by emoji order by emoji`.execute(
    tx,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.emoji, r.n]));
}

app.post('/comments/:id/reactions', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = parse(uuid, c.req.param('id'));
  const input = await body(c.req.raw, z.object({ emoji }));
  return c.json(
    await asUser(db, caller, async (tx) => {
      await rateLimit(tx, 'interaction', config.WATCHROOM_INTERACTION_RATE);
      await tx
        .insertInto('public.comment_reactions')
        .values({ comment_id: id, emoji: input.emoji })
        .onConflict((oc) => oc.doNothing())
        .execute()
        .catch((error: unknown) => {
          if (fromDatabase(error)?.code === 'forbidden')
            throw new AppError('not_a_member', 'Only members react in a room');
          throw error;
        });
      return { comment_id: id, reactions: await reactionCounts(tx, id) };
    }),
  );
});

app.delete('/comments/:id/reactions/:emoji', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = parse(uuid, c.req.param('id'));
  const gone = parse(emoji, decodeURIComponent(c.req.param('emoji')));
  return c.json(
    await asUser(db, caller, async (tx) => {
      await tx
        .deleteFrom('public.comment_reactions')
        .where('comment_id', '=', id)
        .where('user_id', '=', caller.userId)
        .where('emoji', '=', gone)
        .execute();
      return { comment_id: id, reactions: await reactionCounts(tx, id) };
    }),
  );
});

// Follows (followers hear of new content and public rooms through notification triggers) ----
app.post('/follow', async (c) => {
  const caller = await authenticate(c.req.raw);
  const { user_id } = await body(c.req.raw, z.object({ user_id: uuid }));
  if (user_id === caller.userId) throw new AppError('validation_failed', 'You cannot follow yourself');
  await asUser(db, caller, async (tx) => {
    await rateLimit(tx, 'interaction', config.WATCHROOM_INTERACTION_RATE);
    await tx
      .insertInto('public.follows')
      .values({ followee_id: user_id })
      .onConflict((oc) => oc.doNothing())
      .execute()
      .catch((error: unknown) => {
        throw fromDatabase(error)?.code === 'not_found'
          ? new AppError('user_not_found', 'No such user')
          : error;
      });
  });
  return c.json({ following: true, user_id });
});

app.delete('/follow/:user_id', async (c) => {
  const caller = await authenticate(c.req.raw);
  const id = parse(uuid, c.req.param('user_id'));
  await asUser(db, caller, (tx) =>
    tx
      .deleteFrom('public.follows')
      .where('follower_id', '=', caller.userId)
      .where('followee_id', '=', id)
      .execute(),
  );
  return c.json({ following: false, user_id: id });
});

Deno.serve(app.fetch);
