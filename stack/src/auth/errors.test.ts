// auth-js (installed with supabase-js, no exports map) runs handleError on every non-2xx answer.
import { handleError } from '@supabase/auth-js/dist/main/lib/fetch.js';
import { AuthApiError as ClientAuthApiError, isAuthWeakPasswordError } from '@supabase/supabase-js';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/logger.ts';
import { parseApiVersion } from './api-version.ts';
import { AuthApiError, createErrorHandler, encodeError, weakPasswordError } from './errors.ts';

/** Runs an error through our encoder and then through auth-js's own response handling. */
async function clientSees(error: unknown, apiVersion?: string): Promise<unknown> {
  const app = new Hono();
  app.onError(createErrorHandler(silentLogger));
  app.get('/', () => {
    throw error;
  });
  const headers: Record<string, string> = apiVersion ? { 'X-Supabase-Api-Version': apiVersion } : {};
  const response = await app.request('/', { headers });
  try {
    await handleError(response);
  } catch (caught) {
    return caught;
  }
  throw new Error('handleError did not throw');
}

describe('parseApiVersion', () => {
  it.each([
    ['2024-01-01', '2024-01-01'],
    ['2025-06-30', '2024-01-01'],
    ['2023-12-31', 'initial'],
    ['2024-02-30', 'initial'],
    ['yesterday', 'initial'],
    [null, 'initial'],
  ] as const)('%s → %s', (value, expected) => {
    expect(parseApiVersion(value)).toBe(expected);
  });
});

describe('encodeError', () => {
  const error = new AuthApiError(400, 'invalid_credentials', 'Invalid login credentials');

  it('2024-01-01: string code and message, padded with the legacy names', () => {
    expect(encodeError(error, '2024-01-01')).toEqual({
      status: 400,
      body: {
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
        error_code: 'invalid_credentials',
        msg: 'Invalid login credentials',
      },
    });
  });

  it('legacy: numeric code, error_code and msg', () => {
    expect(encodeError(error, 'initial').body).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
      message: 'Invalid login credentials',
    });
  });

  it('carries weak_password reasons in both envelopes', () => {
    const weak = weakPasswordError({
      message: 'Password should be at least 6 characters.',
      reasons: ['length'],
    });
    expect(encodeError(weak, '2024-01-01').body.weak_password).toEqual({ reasons: ['length'] });
    expect(encodeError(weak, 'initial')).toMatchObject({
      status: 422,
      body: { weak_password: { reasons: ['length'] } },
    });
  });
});

describe('what auth-js makes of our errors', () => {
  it.each([['2024-01-01'], [undefined]])('AuthApiError with the code (api version %s)', async (version) => {
    const seen = await clientSees(
      new AuthApiError(422, 'user_already_exists', 'User already registered'),
      version,
    );
    expect(seen).toBeInstanceOf(ClientAuthApiError);
    expect(seen).toMatchObject({
      status: 422,
      code: 'user_already_exists',
      message: 'User already registered',
    });
  });

  it.each([['2024-01-01'], [undefined]])(
    'AuthWeakPasswordError with reasons (api version %s)',
    async (version) => {
      const seen = await clientSees(
        weakPasswordError({ message: 'Password should be at least 6 characters.', reasons: ['length'] }),
        version,
      );
      expect(isAuthWeakPasswordError(seen)).toBe(true);
      expect(seen).toMatchObject({ status: 422, reasons: ['length'] });
    },
  );

  it('AuthSessionMissingError for session_not_found', async () => {
    const seen = await clientSees(new AuthApiError(403, 'session_not_found', 'gone'), '2024-01-01');
    expect(seen).toMatchObject({ name: 'AuthSessionMissingError' });
  });

  it('keeps internal causes out of the body and answers the generic 500', async () => {
    const app = new Hono();
    app.onError(createErrorHandler(silentLogger));
    app.get('/', () => {
      throw new Error('relation "auth.users" does not exist');
    });
    const response = await app.request('/', { headers: { 'X-Supabase-Api-Version': '2024-01-01' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-sb-error-code')).toBe('unexpected_failure');
    expect(response.headers.get('X-Supabase-Api-Version')).toBe('2024-01-01');
    const text = await response.text();
    expect(text).not.toContain('relation');
    expect(JSON.parse(text)).toMatchObject({ code: 'unexpected_failure' });
  });
});
