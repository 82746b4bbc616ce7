/**
 * What the SDK throws: the functions' error envelope `{ error: { code, message, details } }`,
 * PostgREST's `{ code, message, details }` and transport failures, as one typed error with a
 * stable `code` an app can switch on.
 */
export class WatchroomError extends Error {
  override readonly name = 'WatchroomError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const isWatchroomError = (error: unknown, code?: string): error is WatchroomError =>
  error instanceof WatchroomError && (code === undefined || error.code === code);

/** A PostgREST error from supabase-js (`{ code, message, details, hint }`) as a WatchroomError. */
export function fromPostgrest(
  error: { code?: string; message: string; details?: unknown },
  status = 0,
): WatchroomError {
  return new WatchroomError(error.code || 'request_failed', error.message, status, error.details);
}
