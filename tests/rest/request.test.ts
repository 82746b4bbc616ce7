import { describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest } from './helpers.ts';

/** The request as SQL sees it, and what SQL may say back: PostgREST's transaction contract. */
describe('request and response settings', () => {
  it('request.path, request.headers, request.cookies and request.jwt.claims reach SQL', async () => {
    const res = await rest('/rpc/request_info', {
      ...jsonBody('POST', {}, { 'X-Trace': 'trace-1', Cookie: 'flavour=oatmeal; other=1' }),
    });
    expect(await res.json()).toEqual({
      path: '/rpc/request_info',
      trace: 'trace-1',
      cookie: 'oatmeal',
      claim_role: 'anon',
    });
  });

  it('response.status and response.headers set by SQL override the response', async () => {
    const res = await rest('/rpc/accepted', jsonBody('POST', {}));
    expect(res.status).toBe(202);
    expect(res.headers.get('x-job-id')).toBe('job-42');
    expect(await res.json()).toEqual({ queued: true });
  });

  it('Prefer: timezone renders timestamps in that zone and is reported as applied', async () => {
    const res = await rest('/posts?select=published_at&id=eq.1', {
      headers: { Prefer: 'timezone=Asia/Tokyo' },
    });
    expect(res.headers.get('preference-applied')).toBe('timezone=Asia/Tokyo');
    expect(await res.json()).toEqual([{ published_at: '2024-01-01T19:00:00+09:00' }]);
  });

  it('an unknown timezone is ignored, or PGRST122 with handling=strict', async () => {
    const lenient = await rest('/posts?select=published_at&id=eq.1', {
      headers: { Prefer: 'timezone=Mars/Olympus' },
    });
    expect(lenient.status).toBe(200);
    expect(lenient.headers.get('preference-applied')).toBeNull();
    await expectError(
      await rest('/posts?id=eq.1', { headers: { Prefer: 'handling=strict, timezone=Mars/Olympus' } }),
      400,
      {
        code: 'PGRST122',
        details: 'Invalid preferences: timezone=Mars/Olympus',
        hint: null,
        message: 'Invalid preferences given with handling=strict',
      },
    );
  });

  it('handling=strict rejects unknown preferences; lenient ignores them', async () => {
    await expectError(await rest('/tags', { headers: { Prefer: 'handling=strict, anything' } }), 400, {
      code: 'PGRST122',
      details: 'Invalid preferences: anything',
      hint: null,
      message: 'Invalid preferences given with handling=strict',
    });
    const lenient = await rest('/tags?id=eq.1', { headers: { Prefer: 'handling=lenient, anything' } });
    expect(lenient.status).toBe(200);
    expect(lenient.headers.get('preference-applied')).toBe('handling=lenient');
  });

  it('max_rows (1000 on Supabase) silently caps a result', async () => {
    const { data, error } = await client().rpc('numbers', { n: 1500 });
    expect(error).toBeNull();
    expect((data as number[]).length).toBe(1000);
  });

  it('array arguments work on POST and on GET ({1,2} in the query string)', async () => {
    const db = client();
    expect((await db.rpc('sum_array', { numbers: [1, 2, 3] })).data).toBe(6);
    expect((await db.rpc('sum_array', { numbers: [4, 5] }, { get: true })).data).toBe(9);
  });

  it('a path deeper than /table or /rpc/fn is 404 PGRST125', async () => {
    await expectError(await rest('/authors/1'), 404, {
      code: 'PGRST125',
      details: null,
      hint: null,
      message: 'Invalid path specified in request URL',
    });
  });
});
