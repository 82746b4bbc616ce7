/** The RLS matrix for content and its likes, views, shares and watch progress; the harness and the world are in matrix.ts. */
import { must } from '../world.ts';
import {
  denied,
  each,
  hostContent,
  privateContent,
  publicContent,
  rls,
  rows,
  runMatrix,
  useMatrixWorld,
  viewer,
  w,
} from './matrix.ts';

useMatrixWorld();

runMatrix({
  contents: [
    {
      name: 'select public content',
      run: (c) => c.from('contents').select('id').eq('id', publicContent),
      expect: each(rows(1), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "select the host's private content",
      run: (c) => c.from('contents').select('id').eq('id', privateContent),
      expect: each(rows(0), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
    {
      name: 'publish content',
      run: (c, ctx) =>
        c
          .from('contents')
          .insert({
            title: 'Clip',
            media_url: 'https://v.example/c.mp4',
            ...(ctx.actor === 'service_role' ? { creator_id: w.users.host.id } : {}),
          })
          .select('id'),
      expect: each(denied('contents'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "edit the host's content",
      run: (c) => c.from('contents').update({ title: 'Retitled' }).eq('id', publicContent).select('id'),
      expect: each(denied('contents'), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
    {
      name: 'inflate a counter',
      run: (c) => c.from('contents').update({ likes_count: 1_000_000 }).eq('id', publicContent).select('id'),
      expect: each(
        denied('contents'),
        denied('contents'),
        denied('contents'),
        denied('contents'),
        denied('contents'),
        denied('contents'),
        rows(1),
      ),
    },
    {
      name: "delete the host's content",
      prepare: hostContent,
      run: (c, ctx) =>
        c
          .from('contents')
          .delete()
          .eq('id', ctx.target.content as string)
          .select('id'),
      expect: each(denied('contents'), rows(0), rows(0), rows(0), rows(1), rows(0), rows(1)),
    },
  ],
  content_likes: [
    {
      name: 'select likes',
      run: (c) => c.from('content_likes').select('user_id').eq('content_id', publicContent),
      expect: each(
        denied('content_likes'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
        rows('some'),
      ),
    },
    {
      name: 'like public content',
      prepare: hostContent,
      run: (c, ctx) =>
        c
          .from('content_likes')
          .insert({
            content_id: ctx.target.content,
            ...(ctx.actor === 'service_role' ? { user_id: w.users.stranger.id } : {}),
          })
          .select('user_id'),
      expect: each(denied('content_likes'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'like private content',
      run: (c, ctx) =>
        c
          .from('content_likes')
          .insert({
            content_id: privateContent,
            ...(ctx.actor === 'service_role' ? { user_id: w.users.stranger.id } : {}),
          })
          .select('user_id'),
      expect: each(
        denied('content_likes'),
        rls('content_likes'),
        rls('content_likes'),
        rls('content_likes'),
        rows(1),
        rls('content_likes'),
        rows(1),
      ),
    },
    {
      name: "take back the member's like",
      prepare: async () => {
        const target = await hostContent();
        must(await w.users.member.client.from('content_likes').insert({ content_id: target.content }));
        return target;
      },
      run: (c, ctx) =>
        c
          .from('content_likes')
          .delete()
          .eq('content_id', ctx.target.content as string)
          .select('user_id'),
      expect: each(denied('content_likes'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
  content_views: [
    {
      name: 'record a view, and read only your own',
      prepare: async () => {
        const target = await hostContent();
        must(await viewer.client.from('content_views').insert({ content_id: target.content }));
        return target;
      },
      run: async (c, ctx) => {
        const own = ctx.actor === 'service_role' ? { user_id: w.users.member.id } : {};
        const insert = await c.from('content_views').insert({ content_id: ctx.target.content, ...own });
        if (insert.error) return insert;
        return c
          .from('content_views')
          .select('user_id')
          .eq('content_id', ctx.target.content as string);
      },
      expect: each(denied('content_views'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(2)),
    },
    {
      name: 'change a view',
      run: (c) =>
        c
          .from('content_views')
          .update({ content_id: privateContent })
          .eq('content_id', publicContent)
          .select('user_id'),
      expect: each(
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        rows(0),
      ),
    },
    {
      name: 'delete a view',
      run: (c) => c.from('content_views').delete().eq('content_id', publicContent).select('user_id'),
      expect: each(
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        denied('content_views'),
        rows(0),
      ),
    },
  ],
  content_shares: [
    {
      name: 'share, and read only your own shares',
      prepare: hostContent,
      run: async (c, ctx) => {
        const insert = await c.from('content_shares').insert({
          content_id: ctx.target.content,
          ...(ctx.actor === 'service_role' ? { user_id: w.users.member.id } : {}),
        });
        if (insert.error) return insert;
        return c
          .from('content_shares')
          .select('id')
          .eq('content_id', ctx.target.content as string);
      },
      expect: each(denied('content_shares'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: 'delete a share',
      run: (c) => c.from('content_shares').delete().eq('content_id', publicContent).select('id'),
      expect: each(
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        denied('content_shares'),
        rows(0),
      ),
    },
  ],
  watch_progress: [
    {
      name: 'record, update and read your own progress',
      prepare: hostContent,
      run: async (c, ctx) => {
        const own = ctx.actor === 'service_role' ? { user_id: w.users.member.id } : {};
        const insert = await c
          .from('watch_progress')
          .insert({ content_id: ctx.target.content, position: 5, ...own });
        if (insert.error) return insert;
        return c
          .from('watch_progress')
          .update({ position: 9 })
          .eq('content_id', ctx.target.content as string)
          .select('position');
      },
      expect: each(denied('watch_progress'), rows(1), rows(1), rows(1), rows(1), rows(1), rows(1)),
    },
    {
      name: "read the member's progress",
      prepare: async () => {
        const target = await hostContent();
        must(
          await w.users.member.client
            .from('watch_progress')
            .insert({ content_id: target.content, position: 1 }),
        );
        return target;
      },
      run: (c, ctx) =>
        c
          .from('watch_progress')
          .select('position')
          .eq('content_id', ctx.target.content as string),
      expect: each(denied('watch_progress'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
    {
      name: "clear the member's progress",
      prepare: async () => {
        const target = await hostContent();
        must(
          await w.users.member.client
            .from('watch_progress')
            .insert({ content_id: target.content, position: 1 }),
        );
        return target;
      },
      run: (c, ctx) =>
        c
          .from('watch_progress')
          .delete()
          .eq('content_id', ctx.target.content as string)
          .select('position'),
      expect: each(denied('watch_progress'), rows(0), rows(1), rows(0), rows(0), rows(0), rows(1)),
    },
  ],
});
