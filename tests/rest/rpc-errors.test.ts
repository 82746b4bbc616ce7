import { describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest, unique } from './helpers.ts';

describe('rpc errors', () => {
  it('an unknown function is 404 PGRST202 hinting at the closest name', async () => {
    await expectError(await rest('/rpc/add_number', jsonBody('POST', { a: 1, b: 2 })), 404, {
      code: 'PGRST202',
      details:
        'Searched for the function public.add_number with parameters a, b or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.add_numbers',
      message: 'Could not find the function public.add_number(a, b) in the schema cache',
    });
  });

  it('known name, wrong arguments: PGRST202 hinting at the parameter list', async () => {
    await expectError(await rest('/rpc/add_numbers', jsonBody('POST', { a: 1 })), 404, {
      code: 'PGRST202',
      details:
        'Searched for the function public.add_numbers with parameter a or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.add_numbers(a, b)',
      message: 'Could not find the function public.add_numbers(a) in the schema cache',
    });
  });

  it('on GET an unknown argument is PGRST202 too (a value without an operator is an argument)', async () => {
    await expectError(await rest('/rpc/greet?nam=Peter'), 404, {
      code: 'PGRST202',
      details:
        'Searched for the function public.greet with parameter nam, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.greet(name)',
      message: 'Could not find the function public.greet(nam) in the schema cache',
    });
  });

  it('overloads that differ only in types are 300 PGRST203', async () => {
    await expectError(await rest('/rpc/ambiguous', jsonBody('POST', { x: 1 })), 300, {
      code: 'PGRST203',
      details: null,
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
      message:
        'Could not choose the best candidate function between: public.ambiguous(x => integer), public.ambiguous(x => text)',
    });
  });

  it('verbs other than GET, HEAD, POST are 405 PGRST101', async () => {
    await expectError(await rest('/rpc/greet', { method: 'DELETE' }), 405, {
      code: 'PGRST101',
      details: null,
      hint: null,
      message: 'Cannot use the DELETE method on RPC',
    });
  });

  it('a write inside GET is 405 25006 (GET is read-only)', async () => {
    await expectError(await rest(`/rpc/bump?counter=${unique('ro')}`), 405, {
      code: '25006',
      details: null,
      hint: null,
      message: 'cannot execute INSERT in a read-only transaction',
    });
  });

  it('a write inside a STABLE function is 405 25006 even on POST', async () => {
    const { error, status } = await client().rpc('bump_stable', { counter: unique('stable') });
    expect({ status, error }).toEqual({
      status: 405,
      error: {
        code: '25006',
        details: null,
        hint: null,
        message: 'cannot execute INSERT in a read-only transaction',
      },
    });
  });

  it('RAISE EXCEPTION is 400 P0001 with its message, detail and hint', async () => {
    await expectError(await rest('/rpc/raise_error', jsonBody('POST', { reason: 'nope' })), 400, {
      code: 'P0001',
      details: 'raised on purpose',
      hint: 'do not call this',
      message: 'nope',
    });
  });

  it("RAISE SQLSTATE 'PGRST' sets the status, headers and body", async () => {
    const res = await rest('/rpc/raise_custom', jsonBody('POST', {}));
    expect(res.headers.get('x-powered-by')).toBe('Watchroom');
    await expectError(res, 402, {
      code: '123',
      details: 'Quota exceeded',
      hint: 'Upgrade',
      message: 'Payment Required',
    });
  });

  it("RAISE SQLSTATE 'PTxyz' answers status xyz", async () => {
    await expectError(await rest('/rpc/raise_pt', jsonBody('POST', {})), 418, {
      code: 'PT418',
      details: 'short and stout',
      hint: null,
      message: 'I am a teapot',
    });
  });

  it('invalid JSON in the body is PGRST102', async () => {
    await expectError(
      await rest('/rpc/add_numbers', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"a": 1,',
      }),
      400,
      { code: 'PGRST102', details: null, hint: null, message: 'Empty or invalid json' },
    );
  });

  it('an argument of the wrong type is 400 22P02', async () => {
    await expectError(await rest('/rpc/add_numbers', jsonBody('POST', { a: 'one', b: 2 })), 400, {
      code: '22P02',
      details: null,
      hint: null,
      message: 'invalid input syntax for type integer: "one"',
    });
  });
});
