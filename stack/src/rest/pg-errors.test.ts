import { describe, expect, it } from 'vitest';
import { fromPgError, httpStatusOf } from './pg-errors.ts';

describe('SQLSTATE to HTTP', () => {
  it.each([
    ['23505', 'duplicate key value violates unique constraint "t_pkey"', true, 409],
    ['23503', 'insert or update violates foreign key constraint', true, 409],
    ['23502', 'null value in column', true, 400],
    ['22P02', 'invalid input syntax for type integer: "x"', true, 400],
    ['42501', 'permission denied for table t', false, 401],
    ['42501', 'new row violates row-level security policy for table "t"', true, 403],
    ['42P01', 'relation does not exist', true, 404],
    ['42883', 'function does not exist', true, 404],
    ['42P17', 'infinite recursion detected in policy', true, 500],
    ['P0001', 'custom', true, 400],
    ['P0002', 'no_data_found', true, 500],
    ['PT402', 'payment required', true, 402],
    ['PT40A', 'not three digits', true, 500],
    ['21000', 'UPDATE requires a WHERE clause', true, 400],
    ['21000', 'more than one row returned by a subquery', true, 500],
    ['22023', 'role "ghost" does not exist', true, 401],
    ['22023', 'invalid parameter value', true, 400],
    ['25006', 'cannot execute INSERT in a read-only transaction', true, 405],
    ['08006', 'connection failure', true, 503],
    ['53300', 'too many connections', true, 503],
    ['53400', 'configuration limit exceeded', true, 500],
    ['57P01', 'terminating connection due to administrator command', true, 503],
    ['57014', 'canceling statement due to statement timeout', true, 500],
    ['28000', 'invalid authorization', true, 403],
    ['XX000', 'internal', true, 500],
    ['22001', 'value too long', true, 400],
  ])('%s (%s, authenticated=%s) → %i', (code, message, authenticated, status) => {
    expect(httpStatusOf({ code, message }, authenticated)).toBe(status);
  });

  it('puts MESSAGE, DETAIL and HINT on the wire with the SQLSTATE as code', () => {
    const error = fromPgError(
      { code: '23505', message: 'duplicate key', detail: 'Key (id)=(1) already exists.', hint: undefined },
      true,
    );
    expect(error.status).toBe(409);
    expect(error.toJSON()).toEqual({
      code: '23505',
      details: 'Key (id)=(1) already exists.',
      hint: null,
      message: 'duplicate key',
    });
  });

  it("lets RAISE SQLSTATE 'PGRST' choose code, status and message, and rejects malformed JSON", () => {
    const raised = fromPgError(
      {
        code: 'PGRST',
        message: '{"code":"123","message":"Payment Required","hint":"pay"}',
        detail: '{"status":402,"headers":{"X-Powered-By":"Nerd Rage"}}',
      },
      true,
    );
    expect(raised.status).toBe(402);
    expect(raised.toJSON()).toEqual({ code: '123', details: null, hint: 'pay', message: 'Payment Required' });
    expect(raised.headers).toEqual({ 'X-Powered-By': 'Nerd Rage' });
    const broken = fromPgError({ code: 'PGRST', message: 'not json', detail: '{}' }, true);
    expect(broken.status).toBe(500);
    expect(broken.code).toBe('PGRST121');
  });

  it('asks an anonymous caller to authenticate on 401', () => {
    const error = fromPgError({ code: '42501', message: 'permission denied for table t' }, false);
    expect(error.status).toBe(401);
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    expect(fromPgError({ code: '42501', message: 'permission denied for table t' }, true).headers).toEqual(
      {},
    );
  });

  it('words a malformed PGRST raise as PostgREST does', () => {
    const message = '{"code":"1","message":"m"}';
    expect(fromPgError({ code: 'PGRST', message: 'INVALID', detail: '{}' }, true).toJSON()).toEqual({
      code: 'PGRST121',
      details: "Invalid JSON value for MESSAGE: 'INVALID'",
      hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
      message: 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
    });
    expect(fromPgError({ code: 'PGRST', message }, true).details).toBe(
      'DETAIL is missing in the RAISE statement',
    );
    expect(fromPgError({ code: 'PGRST', message, detail: '{"status":400}' }, true).details).toBe(
      'Invalid JSON value for DETAIL: \'{"status":400}\'',
    );
  });
});
