import { afterAll, describe, expect, it } from 'vitest';
import { client, jsonBody, rest, unique } from './helpers.ts';

/**
 * Hostile text in every place a request carries a value or a name. Nothing may execute (the
 * canary row survives), and nothing may crash the server (never a 5xx).
 */
const CORPUS = [
  "'; drop table public.canary; --",
  '"; drop table public.canary; --',
  "') or 1=1; delete from public.canary; --",
  '"canary"."note"',
  'id); drop table public.canary; --',
  '/* comment */ id',
  '-- trailing comment',
  '$1',
  '$$ drop table public.canary $$',
  "E'\\x27'",
  '\\',
  'ünïcödé 😀 ᚠᛇᚻ',
  'a\u0000b',
  'x'.repeat(100_000),
];

const enc = encodeURIComponent;

/** Places in a read request where user text lands, as URL paths with the query. */
const READ_PLACES: ((payload: string) => string)[] = [
  (p) => `/authors?name=eq.${enc(p)}`,
  (p) => `/authors?name=like.${enc(p)}`,
  (p) => `/authors?name=in.(${enc(JSON.stringify(p))})`,
  (p) => `/posts?tags=cs.${enc(`{${JSON.stringify(p)}}`)}`,
  (p) => `/posts?metadata->>${enc(p)}=eq.1`,
  (p) => `/posts?select=${enc(p)}`,
  (p) => `/posts?select=id,${enc(`"${p.replaceAll('"', '')}"`)}`,
  (p) => `/posts?select=id::${enc(p)}`,
  (p) => `/posts?select=id,${enc(p)}(*)`,
  (p) => `/posts?order=${enc(p)}`,
  (p) => `/posts?order=${enc(`"${p.replaceAll('"', '')}"`)}.desc`,
  (p) => `/posts?${enc(p)}=eq.1`,
  (p) => `/posts?search=fts(${enc(p)}).x`,
  (p) => `/posts?search=wfts.${enc(p)}`,
  (p) => `/posts?or=(title.eq.${enc(JSON.stringify(p))},id.eq.1)`,
  (p) => `/${enc(p)}`,
  (p) => `/rpc/${enc(p)}`,
  (p) => `/rpc/greet?name=${enc(p)}`,
];

describe('injection corpus', () => {
  const statuses: number[] = [];

  afterAll(async () => {
    const { data, error } = await client('service_role').from('canary').select('*');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1, note: 'still here' }]);
  });

  it.each(CORPUS.map((payload, index) => [index, payload]))(
    'payload %i in reads: never a 5xx, values treated as data',
    async (_index, payload) => {
      for (const place of READ_PLACES) {
        const res = await rest(place(payload));
        await res.body?.cancel();
        statuses.push(res.status);
        expect(res.status, place(payload).slice(0, 120)).toBeLessThan(500);
      }
    },
  );

  it.each(CORPUS.map((payload, index) => [index, payload]))(
    'payload %i in headers and write bodies: never a 5xx',
    async (_index, payload) => {
      const headerSafe = payload.replace(/[^\x20-\x7e]/g, '?').slice(0, 4000);
      const attempts: Promise<Response>[] = [
        rest('/items', jsonBody('POST', { [payload.slice(0, 200)]: 1 })),
        rest(`/items?columns=${enc(payload)}`, jsonBody('POST', [{ sku: 'x' }])),
        rest(`/items?on_conflict=${enc(payload)}`, jsonBody('POST', { sku: unique('oc'), name: 'n' })),
        rest(`/items?sku=eq.${enc(payload)}`, jsonBody('PATCH', { note: payload })),
        rest(`/rpc/greet`, jsonBody('POST', { name: payload })),
        rest(`/rpc/greet`, jsonBody('POST', { [payload.slice(0, 200)]: 'x' })),
        rest('/authors', { headers: { Prefer: headerSafe } }),
        rest('/authors', { headers: { 'Accept-Profile': headerSafe } }),
        rest('/authors', { headers: { Accept: headerSafe } }),
      ];
      for (const res of await Promise.all(attempts)) {
        await res.body?.cancel();
        expect(res.status).toBeLessThan(500);
      }
    },
  );

  it('a hostile value round-trips through insert and filter unchanged', async () => {
    const db = client();
    for (const payload of CORPUS.filter((p) => !p.includes('\u0000'))) {
      const sku = unique('inj');
      const inserted = await db.from('items').insert({ sku, name: payload }).select('name').single();
      expect(inserted.data).toEqual({ name: payload });
      // A 100k-character filter does not fit in a URL; the short ones must match exactly.
      if (payload.length > 2000) continue;
      const found = await db.from('items').select('sku').eq('sku', sku).eq('name', payload);
      expect(found.data).toEqual([{ sku }]);
    }
  });

  it('a NUL byte in a value is a 400 from PostgreSQL, not a crash', async () => {
    const res = await rest('/items', jsonBody('POST', { sku: unique('nul'), name: 'a\u0000b' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toMatch(/^(22P05|22021)$/);
  });

  it('every read attempt got an answer', () => {
    expect(statuses.length).toBe(CORPUS.length * READ_PLACES.length);
  });
});
