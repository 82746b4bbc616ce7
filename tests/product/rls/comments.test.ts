/** The RLS matrix for comments and comment reactions; the harness and the world are in matrix.ts. */
import { ACTORS, must } from '../world.ts';
import {
  comment,
  denied,
  each,
  forbidden,
  memberComment,
  rls,
  rows,
  runMatrix,
  useMatrixWorld,
  w,
} from './matrix.ts';

useMatrixWorld();

runMatrix({
  comments: [
    {
      name: "select the room's comments",
      run: (c) => c.from('comments').select('id').eq('room_id', w.room.id),
      expect: each(
        denied('comments'),
        rows(0),
        rows('some'),
        rows('some'),
        rows('some'),
        rows(0),
        rows('some'),
      ),
    },
    {
      name: 'post a comment',
      run: (c, ctx) =>
        c
          .from('comments')
          .insert({
            room_id: w.room.id,
            body: 'hi',
            ...(ctx.actor === 'service_role' ? { author_id: w.users.member.id } : {}),
          })
          .select('id'),
      expect: each(denied('comments'), rls('comments'), rows(1), rows(1), rows(1), rls('comments'), rows(1)),
    },
    {
      name: "edit the member's comment",
      prepare: memberComment,
      run: (c, ctx) =>
        c
          .from('comments')
          .update({ body: 'edited' })
          .eq('id', ctx.target.comment as string)
          .select('id'),
      expect: each(denied('comments'), rows(0), rows(1), forbidden, forbidden, rows(0), rows(1)),
    },
    {
      name: "soft-delete the member's comment",
      prepare: memberComment,
      run: (c, ctx) =>
        c
          .from('comments')
          .update({ deleted_at: new Date().toISOString() })
          .eq('id', ctx.target.comment as string)
          .select('id'),
      expect: each(denied('comments'), rows(0), rows(1), rows(1), rows(1), rows(0), rows(1)),
    },
    {
      name: 'hard-delete a comment',
      prepare: memberComment,
      run: (c, ctx) =>
        c
          .from('comments')
          .delete()
          .eq('id', ctx.target.comment as string)
          .select('id'),
      expect: each(
        denied('comments'),
        denied('comments'),
        denied('comments'),
        denied('comments'),
        denied('comments'),
        denied('comments'),
        rows(1),
      ),
    },
  ],
  comment_reactions: [
    {
      name: 'select reactions',
      run: (c) => c.from('comment_reactions').select('emoji').eq('comment_id', comment),
      expect: each(
        denied('comment_reactions'),
        rows(0),
        rows('some'),
        rows('some'),
        rows('some'),
        rows(0),
        rows('some'),
      ),
    },
    {
      name: 'react to a comment',
      run: (c, ctx) =>
        c
          .from('comment_reactions')
          .insert({
            comment_id: comment,
            emoji: `e${ACTORS.indexOf(ctx.actor)}`,
            ...(ctx.actor === 'service_role' ? { user_id: w.users.host.id } : {}),
          })
          .select('emoji'),
      expect: each(
        denied('comment_reactions'),
        rls('comment_reactions'),
        rows(1),
        rows(1),
        rows(1),
        rls('comment_reactions'),
        rows(1),
      ),
    },
    {
      name: 'change a reaction',
      run: (c) =>
        c
          .from('comment_reactions')
          .update({ emoji: '🎉' })
          .eq('comment_id', comment)
          .eq('emoji', '👍')
          .select('emoji'),
      expect: each(
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        denied('comment_reactions'),
        rows(1),
      ),
    },
    {
      name: "take back the member's reaction",
      prepare: async (_w, actor) => {
        const emoji = `x${ACTORS.indexOf(actor)}`;
        must(await w.users.member.client.from('comment_reactions').insert({ comment_id: comment, emoji }));
        return { emoji };
      },
      run: (c, ctx) =>
        c
          .from('comment_reactions')
          .delete()
          .eq('comment_id', comment)
          .eq('emoji', ctx.target.emoji as string)
          .select('emoji'),
      expect: each(denied('comment_reactions'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
});
