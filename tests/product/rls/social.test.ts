/** The RLS matrix for follows and notifications; the harness and the world are in matrix.ts. */
import { must, signUp } from '../world.ts';
import { denied, each, rows, runMatrix, useMatrixWorld, w } from './matrix.ts';

useMatrixWorld();

runMatrix({
  follows: [
    {
      name: 'select follows',
      run: (c) => c.from('follows').select('follower_id').eq('followee_id', w.users.host.id),
      expect: each(
        denied('follows'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
      ),
    },
    {
      name: 'follow the stranger',
      prepare: async () => ({ followee: (await signUp('star')).id }),
      run: (c, ctx) =>
        c
          .from('follows')
          .insert({
            followee_id: ctx.target.followee,
            ...(ctx.actor === 'service_role' ? { follower_id: w.users.member.id } : {}),
          })
          .select('followee_id'),
      expect: each(denied('follows'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "remove the member's follow",
      prepare: async () => {
        const followee = (await signUp('idol')).id;
        must(await w.users.member.client.from('follows').insert({ followee_id: followee }));
        return { followee };
      },
      run: (c, ctx) =>
        c
          .from('follows')
          .delete()
          .eq('followee_id', ctx.target.followee as string)
          .select('follower_id'),
      expect: each(denied('follows'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
  notifications: [
    {
      name: "select the host's notifications",
      run: (c) => c.from('notifications').select('id').eq('user_id', w.users.host.id),
      expect: each(denied('notifications'), rows(0), rows(0), rows(0), rows('some'), rows(0), rows('some')),
    },
    {
      name: 'create a notification',
      run: (c) =>
        c.from('notifications').insert({ user_id: w.users.host.id, kind: 'new_follower' }).select('id'),
      expect: each(
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        denied('notifications'),
        rows(1),
      ),
    },
    {
      name: "mark the host's notifications read",
      run: (c) =>
        c
          .from('notifications')
          .update({ read_at: new Date().toISOString() })
          .eq('user_id', w.users.host.id)
          .select('id'),
      expect: each(denied('notifications'), rows(0), rows(0), rows(0), rows('some'), rows(0), rows('some')),
    },
    {
      name: "dismiss the host's notifications",
      prepare: async () => {
        const follower = await signUp('fan');
        must(await follower.client.from('follows').insert({ followee_id: w.users.host.id }));
        return {};
      },
      run: (c) =>
        c
          .from('notifications')
          .delete()
          .eq('user_id', w.users.host.id)
          .eq('kind', 'new_follower')
          .select('id'),
      expect: each(denied('notifications'), rows(0), rows(0), rows(0), rows('some'), rows(0), rows('some')),
    },
  ],
});
