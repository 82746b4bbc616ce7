// One error envelope for every function: { "error": { "code", "message", "details"? } }, with a
// stable code and the HTTP status it always comes with. Database errors are mapped here; their
// internals never reach the client.

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_action: 400,
  invalid_target: 400,
  invalid_parent: 400,
  unauthorized: 401,
  forbidden: 403,
  banned: 403,
  not_a_member: 403,
  not_found: 404,
  route_not_found: 404,
  room_not_found: 404,
  comment_not_found: 404,
  content_not_found: 404,
  user_not_found: 404,
  version_conflict: 409,
  room_full: 409,
  conflict: 409,
  comment_deleted: 409,
  room_ended: 410,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function errorResponse(error: AppError): Response {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...error.headers },
  });
}

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  constraint_name?: string;
}

const isPgError = (error: unknown): error is PgError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as PgError).code === 'string' &&
  'severity' in error;

/** An AppError for what the database said, or undefined when it is not a database error. */
export function fromDatabase(error: unknown): AppError | undefined {
  if (!isPgError(error)) return undefined;
  const message = error.message ?? '';
  const detail = error.detail ?? message;
  // Values the request schemas already rule out; a helper refusing one is still the caller's fault.
  if (error.code === 'P0001' && (message === 'invalid_state' || message === 'invalid_role')) {
    return new AppError('validation_failed', detail);
  }
  if (error.code === 'P0001' && message in ERROR_STATUS) {
    if (message === 'version_conflict') {
      return new AppError('version_conflict', error.hint ?? 'The playback state changed meanwhile', {
        current: JSON.parse(detail),
      });
    }
    return new AppError(message as ErrorCode, detail);
  }
  if (error.code === '42501') {
    if (message === 'not_authenticated') return new AppError('unauthorized', 'Sign in first');
    return new AppError('forbidden', message === 'forbidden' ? detail : 'You may not do this');
  }
  if (error.code === '23514')
    return new AppError(
      'validation_failed',
      `The value breaks the rule ${error.constraint_name ?? 'of this field'}`,
      { constraint: error.constraint_name },
    );
  if (error.code === '23505')
    return new AppError('conflict', 'This already exists', { constraint: error.constraint_name });
  if (error.code === '23503')
    return new AppError('not_found', 'Something this refers to does not exist', {
      constraint: error.constraint_name,
    });
  if (error.code === '22P02' || error.code === '22003')
    return new AppError('validation_failed', 'A value has the wrong format');
  return undefined;
}
