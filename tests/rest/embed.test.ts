import { describe, expect, it } from 'vitest';
import { client, rest } from './helpers.ts';

/** Resource embedding: the shape follows the cardinality of the foreign key. */
describe('embedding', () => {
  const db = client('anon');

  it('many-to-one embeds an object', async () => {
    const { data, error } = await db.from('posts').select('id,authors(name)').in('id', [1, 3]).order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, authors: { name: 'Ada' } },
      { id: 3, authors: { name: 'Brian' } },
    ]);
  });

  it('one-to-many embeds an array, empty when there are no children', async () => {
    const { data } = await db.from('authors').select('name,posts(id)').order('id').order('id', {
      referencedTable: 'posts',
    });
    expect(data).toEqual([
      { name: 'Ada', posts: [{ id: 1 }, { id: 2 }] },
      { name: 'Brian', posts: [{ id: 3 }, { id: 4 }] },
      { name: 'Carmen', posts: [{ id: 5 }] },
      { name: 'Dmitri', posts: [] },
    ]);
  });

  it('one-to-one embeds an object (or null) from both sides', async () => {
    const authors = await db.from('authors').select('name,author_bios(bio)').order('id');
    expect(authors.data).toEqual([
      { name: 'Ada', author_bios: { bio: 'Mathematician' } },
      { name: 'Brian', author_bios: { bio: 'Writer' } },
      { name: 'Carmen', author_bios: null },
      { name: 'Dmitri', author_bios: null },
    ]);
    const bios = await db.from('author_bios').select('bio,authors(name)').eq('author_id', 2);
    expect(bios.data).toEqual([{ bio: 'Writer', authors: { name: 'Brian' } }]);
  });

  it('many-to-many embeds through the junction table, both ways', async () => {
    const posts = await db
      .from('posts')
      .select('id,tags(name)')
      .in('id', [1, 4])
      .order('id')
      .order('name', { referencedTable: 'tags' });
    expect(posts.data).toEqual([
      { id: 1, tags: [{ name: 'history' }, { name: 'math' }] },
      { id: 4, tags: [] },
    ]);
    const tags = await db.from('tags').select('name,posts(id)').in('id', [1, 5]).order('id');
    expect(tags.data).toEqual([
      { name: 'math', posts: [{ id: 1 }, { id: 2 }] },
      { name: 'unused', posts: [] },
    ]);
  });

  it('embeds nest, with aliases at every level', async () => {
    const { data } = await db
      .from('authors')
      .select('name,articles:posts(title,comments(body,by:authors(name)))')
      .eq('id', 1)
      .order('id', { referencedTable: 'articles' })
      .order('id', { referencedTable: 'articles.comments' });
    expect(data).toEqual([
      {
        name: 'Ada',
        articles: [
          {
            title: 'Notes on the Analytical Engine',
            comments: [
              { body: 'Brilliant', by: { name: 'Brian' } },
              { body: 'Agreed', by: { name: 'Carmen' } },
            ],
          },
          { title: 'Bernoulli numbers', comments: [] },
        ],
      },
    ]);
  });

  it('a self-referencing key embeds the parent by column and the children by table', async () => {
    const { data } = await db
      .from('categories')
      .select('name,parent:parent_id(name),children:categories!parent_id(name)')
      .in('id', [1, 2, 3])
      .order('id');
    expect(data).toEqual([
      { name: 'Science', parent: null, children: [{ name: 'Math' }] },
      { name: 'Math', parent: { name: 'Science' }, children: [{ name: 'Algebra' }] },
      { name: 'Algebra', parent: { name: 'Math' }, children: [] },
    ]);
  });

  it('a hint picks one of two foreign keys: by constraint name or by column', async () => {
    const { data } = await db
      .from('messages')
      .select('body,sender:authors!messages_sender_id_fkey(name),recipient:authors!recipient_id(name)')
      .order('id');
    expect(data).toEqual([
      { body: 'Hi Brian', sender: { name: 'Ada' }, recipient: { name: 'Brian' } },
      { body: 'Hi Ada', sender: { name: 'Brian' }, recipient: { name: 'Ada' } },
      { body: 'Hola', sender: { name: 'Carmen' }, recipient: { name: 'Ada' } },
    ]);
  });

  it('views embed through the foreign keys of their base tables', async () => {
    const { data } = await db.from('published_posts').select('title,authors(name)').eq('id', 5);
    expect(data).toEqual([{ title: 'Poesía y café', authors: { name: 'Carmen' } }]);
  });

  it('!inner drops parents whose (filtered) embed is empty; left join keeps them', async () => {
    const inner = await db
      .from('authors')
      .select('name,posts!inner(id)')
      .eq('posts.published', false)
      .order('id');
    expect(inner.data).toEqual([{ name: 'Brian', posts: [{ id: 4 }] }]);
    const left = await db.from('authors').select('name,posts(id)').eq('posts.published', false).order('id');
    expect(left.data).toEqual([
      { name: 'Ada', posts: [] },
      { name: 'Brian', posts: [{ id: 4 }] },
      { name: 'Carmen', posts: [] },
      { name: 'Dmitri', posts: [] },
    ]);
  });

  it('!inner on a many-to-one filters the parents by the embedded row', async () => {
    const { data } = await db.from('posts').select('id,authors!inner(name)').eq('authors.name', 'Carmen');
    expect(data).toEqual([{ id: 5, authors: { name: 'Carmen' } }]);
  });

  it('an empty embed only filters: it adds no key', async () => {
    const { data } = await db
      .from('authors')
      .select('name,posts!inner()')
      .eq('posts.published', false)
      .order('id');
    expect(data).toEqual([{ name: 'Brian' }]);
  });

  it('embedded order, limit and offset apply per parent', async () => {
    const { data } = await db
      .from('authors')
      .select('name,posts(id)')
      .in('id', [1, 2])
      .order('id')
      .order('id', { referencedTable: 'posts', ascending: false })
      .range(1, 1, { referencedTable: 'posts' });
    expect(data).toEqual([
      { name: 'Ada', posts: [{ id: 1 }] },
      { name: 'Brian', posts: [{ id: 3 }] },
    ]);
  });

  it('query keys reach an aliased embed by its alias or by its relation name', async () => {
    const byAlias = await rest('/authors?select=name,articles:posts(id)&articles.id=eq.2&id=eq.1');
    const byName = await rest('/authors?select=name,articles:posts(id)&posts.id=eq.2&id=eq.1');
    expect(await byAlias.json()).toEqual([{ name: 'Ada', articles: [{ id: 2 }] }]);
    expect(await byName.json()).toEqual([{ name: 'Ada', articles: [{ id: 2 }] }]);
  });

  it('embedded or= filters apply inside the embed', async () => {
    const { data } = await db
      .from('authors')
      .select('name,posts(id)')
      .eq('id', 1)
      .or('id.eq.2,title.like.*Engine', { referencedTable: 'posts' })
      .order('id', { referencedTable: 'posts' });
    expect(data).toEqual([{ name: 'Ada', posts: [{ id: 1 }, { id: 2 }] }]);
  });

  it('rel=is.null keeps parents without the embed; rel=not.is.null those with it', async () => {
    const without = await rest('/authors?select=name,author_bios()&author_bios=is.null&order=id');
    expect(await without.json()).toEqual([{ name: 'Carmen' }, { name: 'Dmitri' }]);
    const withBio = await rest('/authors?select=name,author_bios(bio)&author_bios=not.is.null&order=id');
    expect(await withBio.json()).toEqual([
      { name: 'Ada', author_bios: { bio: 'Mathematician' } },
      { name: 'Brian', author_bios: { bio: 'Writer' } },
    ]);
    const noPosts = await rest('/authors?select=name,posts()&posts=is.null');
    expect(await noPosts.json()).toEqual([{ name: 'Dmitri' }]);
  });

  it('presence tests work inside logic trees: or=(rel.not.is.null,…)', async () => {
    const res = await rest(
      '/authors?select=name,author_bios(),posts()&or=(author_bios.not.is.null,posts.is.null)&order=id',
    );
    expect(await res.json()).toEqual([{ name: 'Ada' }, { name: 'Brian' }, { name: 'Dmitri' }]);
  });

  it('a to-one embed combined with its filter and not.is.null acts as an inner join', async () => {
    const res = await rest(
      '/posts?select=id,authors(name)&authors.mood=eq.happy&authors=not.is.null&order=id',
    );
    expect(await res.json()).toEqual([
      { id: 1, authors: { name: 'Ada' } },
      { id: 2, authors: { name: 'Ada' } },
    ]);
  });

  it('order by a to-one embed’s column', async () => {
    const { data } = await db
      .from('posts')
      .select('id,authors(name)')
      .order('authors(name)', { ascending: false })
      .order('id');
    expect(data?.map((p) => p.id)).toEqual([5, 3, 4, 1, 2]);
  });

  it('a spread lifts a to-one embed’s columns into the parent', async () => {
    const { data } = await db.from('posts').select('title,...authors(author:name,mood)').eq('id', 5);
    expect(data).toEqual([{ title: 'Poesía y café', author: 'Carmen', mood: 'neutral' }]);
  });

  it('a spread of a to-many embed turns each column into an array', async () => {
    const { data } = await db
      .from('authors')
      .select('name,...posts(post_ids:id)')
      .in('id', [2, 4])
      .order('id')
      .order('id', { referencedTable: 'posts' });
    expect(data).toEqual([
      { name: 'Brian', post_ids: [3, 4] },
      { name: 'Dmitri', post_ids: [] },
    ]);
  });

  it('embeds work on the rows of a write (return=representation)', async () => {
    const db2 = client('service_role');
    const sku = `embed-${Date.now()}-${Math.random()}`;
    const { data, error } = await db2
      .from('items')
      .insert({ sku, name: 'widget', author_id: 3 })
      .select('sku,authors(name)')
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ sku, authors: { name: 'Carmen' } });
  });
});
