import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { BroadcastApiError, internalError } from './errors.ts';

/**
 * The reference serves these endpoints with open CORS (`Corsica, origins: "*"`). Set here, so
 * the gateway's `withCorsHeaders` (which only fills in a missing allow-origin, echoing the
 * request's Origin) leaves our answer alone and nothing is doubled.
 */
const CORS = { 'access-control-allow-origin': '*' } as const;

/** 202 with an empty body and no content type, as Phoenix's `send_resp(conn, :accepted, "")`. */
export function accepted(headers: Readonly<Record<string, string>>): Response {
  return new Response(null, { status: 202, headers: { ...CORS, ...headers } });
}

/** The single error encoder of this API: known errors as they are, anything else a logged 500. */
export function errorResponse(
  error: unknown,
  headers: Readonly<Record<string, string>>,
  logger: Logger,
): Response {
  let failure: BroadcastApiError;
  if (error instanceof BroadcastApiError) failure = error;
  else {
    logger.error(`broadcast api: ${errorMessage(error)}`);
    failure = internalError();
  }
  return new Response(JSON.stringify(failure.body), {
    status: failure.status,
    headers: { ...CORS, 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
