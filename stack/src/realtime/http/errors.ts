import { WatchroomError } from '../../lib/errors.ts';

/** Ecto's `traverse_errors` output: messages per field, or per list item for `messages`. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;
export type ChangesetErrors = Readonly<Record<string, readonly string[] | readonly FieldErrors[]>>;

/**
 * Every answer of the REST broadcast API that is not a 202, with the reference server's
 * bodies (realtime.md §3.5, §7; upstream `fallback_controller.ex`, `changeset_view.ex`).
 *
 * | code | HTTP | body |
 * |---|---|---|
 * | bad_request | 400 | `{"message":"Bad Request"}` (body is not JSON / not UTF-8, bad percent-encoding) |
 * | unauthorized | 401 | `{"message":"Unauthorized"}` |
 * | forbidden | 403 | `{"message":"Unauthorized"}` (single private message, write denied) |
 * | not_found | 404 | `{"message":"Not Found"}` |
 * | payload_too_large | 413 | `{"message":"Request Entity Too Large"}` (body over `maxBodyBytes`) |
 * | unsupported_media_type | 415 | `{"error":"Unsupported Media Type. Use application/json or application/octet-stream"}` |
 * | validation_failed | 422 | `{"errors":{...}}` (changeset errors, incl. `Payload size exceeds tenant limit`) |
 * | database_unavailable | 422 | `{"message":"Tenant database unavailable"}` |
 * | too_many_requests | 429 | `{"message":"Too many requests"}` (request rate) |
 * | rate_limited | 429 | `{"message":"You have exceeded your rate limit"}` (event rate) |
 * | batch_too_large | 429 | `{"message":"Too many messages to broadcast, please reduce the batch size"}` |
 * | internal_error | 500 | `{"message":"Internal Server Error"}` (a bug; the cause is only logged) |
 */
export type BroadcastApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'database_unavailable'
  | 'too_many_requests'
  | 'rate_limited'
  | 'batch_too_large'
  | 'internal_error';

export class BroadcastApiError extends WatchroomError<BroadcastApiErrorCode> {
  readonly status: number;
  /** Exactly what goes on the wire. */
  readonly body: Readonly<Record<string, unknown>>;

  constructor(status: number, code: BroadcastApiErrorCode, body: Readonly<Record<string, unknown>>) {
    const text =
      typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : code;
    super(code, text);
    this.status = status;
    this.body = body;
  }
}

const withMessage = (status: number, code: BroadcastApiErrorCode, message: string) =>
  new BroadcastApiError(status, code, { message });

export const badRequest = () => withMessage(400, 'bad_request', 'Bad Request');
export const unauthorized = () => withMessage(401, 'unauthorized', 'Unauthorized');
export const forbidden = () => withMessage(403, 'forbidden', 'Unauthorized');
export const notFound = () => withMessage(404, 'not_found', 'Not Found');
export const payloadTooLarge = () => withMessage(413, 'payload_too_large', 'Request Entity Too Large');
export const unsupportedMediaType = () =>
  new BroadcastApiError(415, 'unsupported_media_type', {
    error: 'Unsupported Media Type. Use application/json or application/octet-stream',
  });
export const validationFailed = (errors: ChangesetErrors) =>
  new BroadcastApiError(422, 'validation_failed', { errors });
export const databaseUnavailable = () =>
  withMessage(422, 'database_unavailable', 'Tenant database unavailable');
export const tooManyRequests = () => withMessage(429, 'too_many_requests', 'Too many requests');
export const rateLimited = () => withMessage(429, 'rate_limited', 'You have exceeded your rate limit');
export const batchTooLarge = () =>
  withMessage(429, 'batch_too_large', 'Too many messages to broadcast, please reduce the batch size');
export const internalError = () => withMessage(500, 'internal_error', 'Internal Server Error');
