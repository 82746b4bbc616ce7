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
  // `RAISE SQLSTATE 'PT402'` chooses the status; anything but three digits after PT is 500.
  if (code.startsWith('PT')) return /^PT\d{3}$/.test(code) ? Number(code.slice(2)) : 500;
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
 * `{status, headers, status_text?}`; a malformed pair is PGRST121.
 */
export function fromPgError(error: PgErrorFields, authenticated: boolean): PostgrestError {
  if (error.code === 'PGRST') return fromRaisedPgrst(error);
  const status = httpStatusOf(error, authenticated);
  return new PostgrestError(status, error.code ?? 'PGRSTX00', error.message ?? '', {
    details: error.detail ?? null,
    hint: error.hint ?? null,
    // A 401 invites the client to authenticate, as PostgREST's does.
    headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
    cause: error,
  });
}

const MESSAGE_HINT =
  "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
const DETAIL_HINT =
  "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";

function raiseParseError(details: string, hint: string): PostgrestError {
  return new PostgrestError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', {
    details,
    hint,
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function fromRaisedPgrst(error: PgErrorFields): PostgrestError {
  const message = error.message ?? '';
  const body = parseObject(message);
  if (!body || typeof body.code !== 'string' || typeof body.message !== 'string') {
    return raiseParseError(`Invalid JSON value for MESSAGE: '${message}'`, MESSAGE_HINT);
  }
  if (error.detail === undefined)
    return raiseParseError('DETAIL is missing in the RAISE statement', DETAIL_HINT);
  const detail = parseObject(error.detail);
  const headersValue = detail?.headers;
  if (
    !detail ||
    typeof detail.status !== 'number' ||
    !headersValue ||
    typeof headersValue !== 'object' ||
    Array.isArray(headersValue)
  ) {
    return raiseParseError(`Invalid JSON value for DETAIL: '${error.detail}'`, DETAIL_HINT);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(headersValue)) headers[name] = String(value);
  return new PostgrestError(detail.status, body.code, body.message, {
    details: typeof body.details === 'string' ? body.details : null,
    hint: typeof body.hint === 'string' ? body.hint : null,
    headers,
  });
}
