import { PostgrestClient } from '@supabase/postgrest-js';
import { expect } from 'vitest';
import { PostgrestError } from '../errors.ts';

/** Test helpers: the real postgrest-js builders, and PostgREST-shaped error assertions. */

/** A postgrest-js client (speaking to "PostgREST 13") whose requests are only built, never sent. */
// biome-ignore lint/suspicious/noExplicitAny: no database types, requests are only inspected
export function client(): PostgrestClient<any, { PostgrestVersion: '13' }> {
  return new PostgrestClient('http://postgrest.invalid');
}

/** postgrest-js keeps the request it would send on `url` / `headers` (protected in its types). */
export function requestOf(builder: unknown): { url: URL; headers: Headers } {
  return builder as { url: URL; headers: Headers };
}

/** The query parameters a builder would send, as our parser receives them. */
export function paramsOf(builder: unknown): URLSearchParams {
  return requestOf(builder).url.searchParams;
}

export interface ExpectedError {
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
  readonly details?: string | null;
}

/** Runs `fn`, which must throw a PostgrestError matching `expected` (PGRST100 / 400 by default). */
export function expectPostgrestError(fn: () => unknown, expected: ExpectedError = {}): PostgrestError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PostgrestError);
  const error = thrown as PostgrestError;
  expect(error.status).toBe(expected.status ?? 400);
  expect(error.code).toBe(expected.code ?? 'PGRST100');
  if (expected.message !== undefined) expect(error.message).toBe(expected.message);
  if (expected.details !== undefined) expect(error.details).toBe(expected.details);
  return error;
}
