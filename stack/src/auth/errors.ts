import type { Context } from 'hono';
import { errorMessage, WatchroomError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { API_VERSION_HEADER, type ApiVersion, requestApiVersion } from './api-version.ts';

/**
 * GoTrue's stable error codes (internal/api/apierrors/errorcode.go) that this service emits.
 * auth-js surfaces them as `AuthApiError.code`.
 *
 * | code | HTTP | when |
 * |---|---|---|
 * | validation_failed | 400/404/422 | malformed input (message says which) |
 * | bad_json | 400 | body is not JSON or a field has the wrong type |
 * | request_entity_too_large | 413 | body over 1 MiB |
 * | no_authorization | 401 | missing or non-Bearer Authorization |
 * | bad_jwt | 400/403 | token fails verification or lacks `sub` |
 * | not_admin | 403 | admin route without an admin role |
 * | user_not_found | 403/404 | `sub` or path id names no user |
 * | session_not_found | 400/403 | `session_id` or refresh token names no session |
 * | session_expired | 400 | session past `not_after` |
 * | user_banned | 400/403 | `banned_until` in the future |
 * | invalid_credentials | 400 | wrong email/password, unsupported grant |
 * | email_not_confirmed | 400 | password sign-in before confirmation |
 * | user_already_exists | 422 | sign-up with a confirmed email (autoconfirm on) |
 * | email_exists / phone_exists | 422 | address taken (admin create, user update) |
 * | weak_password | 422 | password policy (body carries `weak_password.reasons`) |
 * | same_password | 422 | new password equals the old one |
 * | signup_disabled | 422 | `enable_signup = false` |
 * | anonymous_provider_disabled | 422 | anonymous sign-ins off |
 * | email_provider_disabled / phone_provider_disabled | 400/422 | provider off |
 * | refresh_token_not_found / refresh_token_already_used | 400 | refresh grant |
 * | flow_state_not_found | 404 | PKCE code exchange (no flow issues codes here) |
 * | not_found | 404 | endpoint this server does not implement |
 * | unexpected_failure | 500 | anything else; the cause is logged, never sent |
 */
export type AuthErrorCode =
  | 'validation_failed'
  | 'bad_json'
  | 'request_entity_too_large'
  | 'no_authorization'
  | 'bad_jwt'
  | 'not_admin'
  | 'user_not_found'
  | 'session_not_found'
  | 'session_expired'
  | 'user_banned'
  | 'invalid_credentials'
  | 'email_not_confirmed'
  | 'user_already_exists'
  | 'email_exists'
  | 'phone_exists'
  | 'weak_password'
  | 'same_password'
  | 'signup_disabled'
  | 'anonymous_provider_disabled'
  | 'email_provider_disabled'
  | 'phone_provider_disabled'
  | 'refresh_token_not_found'
  | 'refresh_token_already_used'
  | 'flow_state_not_found'
  | 'not_found'
  | 'unexpected_failure';

export interface WeakPasswordDetail {
  readonly message: string;
  readonly reasons: readonly string[];
}

/** An error answered to the client as-is: HTTP status, GoTrue code and message. */
export class AuthApiError extends WatchroomError<AuthErrorCode> {
  readonly status: number;
  readonly weakPassword: WeakPasswordDetail | undefined;

  constructor(
    status: number,
    code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown; weakPassword?: WeakPasswordDetail },
  ) {
    super(code, message, options);
    this.status = status;
    this.weakPassword = options?.weakPassword;
  }
}

export const badRequest = (code: AuthErrorCode, message: string) => new AuthApiError(400, code, message);
export const forbidden = (code: AuthErrorCode, message: string) => new AuthApiError(403, code, message);
export const unprocessable = (code: AuthErrorCode, message: string) => new AuthApiError(422, code, message);

/** A 500 whose wording the client may see; `cause` only reaches the log. */
export const internalError = (message: string, cause?: unknown) =>
  new AuthApiError(500, 'unexpected_failure', message, { cause });

/**
 * For `.catch()` on a transaction: an AuthApiError passes through, anything else (a failing
 * app trigger, a constraint) becomes a 500 with GoTrue's wording and the cause kept for the log.
 */
export function rethrowAs(message: string) {
  return (error: unknown): never => {
    if (error instanceof AuthApiError) throw error;
    throw internalError(message, error);
  };
}

export const weakPasswordError = (detail: WeakPasswordDetail) =>
  new AuthApiError(422, 'weak_password', detail.message, { weakPassword: detail });

const UNEXPECTED = 'Unexpected failure, please check server logs for more information';

export interface EncodedError {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Both of GoTrue's envelopes, each padded with the other's fields so either auth-js code path
 * finds a string code and a message: 2024-01-01 `{code: "<code>", message}`; legacy
 * `{code: <status>, error_code, msg}`.
 */
export function encodeError(error: AuthApiError, version: ApiVersion): EncodedError {
  const weak = error.weakPassword ? { weak_password: { reasons: [...error.weakPassword.reasons] } } : {};
  const body =
    version === '2024-01-01'
      ? { code: error.code, message: error.message, error_code: error.code, msg: error.message, ...weak }
      : { code: error.status, error_code: error.code, msg: error.message, message: error.message, ...weak };
  return { status: error.status, body };
}

/** Maps anything thrown to an AuthApiError, logging what the client must not see. */
export function toAuthApiError(error: unknown, logger: Logger): AuthApiError {
  if (error instanceof AuthApiError) {
    if (error.status >= 500) logger.error(`${error.message}: ${describeCause(error.cause)}`);
    return error;
  }
  logger.error(`unhandled error: ${errorMessage(error)}`);
  return new AuthApiError(500, 'unexpected_failure', UNEXPECTED, { cause: error });
}

function describeCause(cause: unknown): string {
  return cause === undefined ? 'no cause' : errorMessage(cause);
}

/** The app's single error encoder (Hono `onError`). */
export function createErrorHandler(logger: Logger) {
  return (error: unknown, c: Context): Response => {
    const version = requestApiVersion(c.req.raw);
    const { status, body } = encodeError(toAuthApiError(error, logger), version);
    const headers = new Headers({
      'content-type': 'application/json',
      'x-sb-error-code': String(body.error_code),
    });
    if (version !== 'initial') headers.set(API_VERSION_HEADER, version);
    return new Response(JSON.stringify(body), { status, headers });
  };
}
