import { PostgrestError } from './errors.ts';

/** The fields of a PostgreSQL error that PostgREST puts on the wire. */
export interface PgErrorFields {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly hint?: string;
}

/**
 * PostgREST's SQLSTATE → HTTP table. `authenticated` matters for 42501: a missing privilege
 * is 401 for the anonymous role (log in and retry) but 403 for a signed-in one.
 */
export function httpStatusOf(error: PgErrorFields, authenticated: boolean): number {
  const code = error.code ?? '';
  const message = error.message ?? '';
  switch (code) {
    case '23503':
    case '23505':
      return 409;
    case '42501':
      return authenticated ? 403 : 401;
    case '42P01':
    case '42883':
      return 404;
    case '42P17':
      return 500;
    case 'P0001':
      return 400;
    case '21000':
      return /requires a WHERE clause$/.test(message) ? 400 : 500;
    case '22023':
      return /^role ".*" does not exist$/.test(message) ? 401 : 400;
    case '25006':
      return 405;
    case '57P01':
      return 503;
    case '53400':
      return 500;
  }
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const cls = code.slice(0, 2);
  if (cls === '08' || cls === '53') return 503;
  if (['0L', '0P', '28'].includes(cls)) return 403;
  if (code.startsWith('P0')) return 500;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'XX'].includes(cls))
    return 500;
  return 400;
}

/**
 * Turns a PostgreSQL error into PostgREST's body and status. `RAISE SQLSTATE 'PGRST'` lets SQL
 * choose both: the message is JSON `{code, message, details?, hint?}` and the detail JSON
 * `{status, headers?}`; a malformed pair is PGRST121.
 */
export function fromPgError(error: PgErrorFields, authenticated: boolean): PostgrestError {
  if (error.code === 'PGRST') return fromRaisedPgrst(error);
  return new PostgrestError(
    httpStatusOf(error, authenticated),
    error.code ?? 'PGRSTX00',
    error.message ?? '',
    {
      details: error.detail ?? null,
      hint: error.hint ?? null,
      cause: error,
    },
  );
}

function fromRaisedPgrst(error: PgErrorFields): PostgrestError {
  try {
    const body = JSON.parse(error.message ?? '') as Record<string, unknown>;
    const detail = JSON.parse(error.detail ?? '') as { status?: unknown; headers?: unknown };
    if (
      typeof body.code !== 'string' ||
      typeof body.message !== 'string' ||
      typeof detail.status !== 'number'
    ) {
      throw new Error('missing fields');
    }
    const headers: Record<string, string> = {};
    if (detail.headers && typeof detail.headers === 'object') {
      for (const [name, value] of Object.entries(detail.headers)) headers[name] = String(value);
    }
    return new PostgrestError(detail.status, body.code, body.message, {
      details: typeof body.details === 'string' ? body.details : null,
      hint: typeof body.hint === 'string' ? body.hint : null,
      headers,
    });
  } catch {
    return new PostgrestError(
      500,
      'PGRST121',
      'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
      {
        details: 'Invalid JSON value for MESSAGE or DETAIL',
        hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message'. DETAIL must be a JSON object with obligatory keys: 'status', 'headers'.",
      },
    );
  }
}
