import { isWatchroomError, WatchroomError } from '../../lib/errors.ts';

/**
 * Failures the policy checker cannot turn into a yes/no. Denials are never errors: a policy
 * that raises, a role that cannot be assumed or an RLS violation all answer `false`.
 *
 * | code | when | `joinReason` |
 * |---|---|---|
 * | realtime_db_unavailable | the project database cannot be reached (refused, closed, auth, shutdown) | `UnableToConnectToProject: Realtime was unable to connect to the project database` |
 * | realtime_replay_invalid | `since` is not a usable epoch-ms instant | `UnableToReplayMessages: Replay params are not valid` |
 * | realtime_replay_failed | the replay query failed for another reason | `UnableToReplayMessages: Realtime was unable to replay messages` |
 */
export type ChannelPoliciesErrorCode =
  | 'realtime_db_unavailable'
  | 'realtime_replay_invalid'
  | 'realtime_replay_failed';

export class ChannelPoliciesError extends WatchroomError<ChannelPoliciesErrorCode> {
  /** The reference server's `Code: message` text, what a join error reply carries. */
  readonly joinReason: string;

  constructor(code: ChannelPoliciesErrorCode, joinCode: string, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.joinReason = `${joinCode}: ${message}`;
  }
}

export const databaseUnavailable = (cause: unknown) =>
  new ChannelPoliciesError(
    'realtime_db_unavailable',
    'UnableToConnectToProject',
    'Realtime was unable to connect to the project database',
    cause,
  );

export const replayInvalid = () =>
  new ChannelPoliciesError(
    'realtime_replay_invalid',
    'UnableToReplayMessages',
    'Replay params are not valid',
  );

export const replayFailed = (cause: unknown) =>
  new ChannelPoliciesError(
    'realtime_replay_failed',
    'UnableToReplayMessages',
    'Realtime was unable to replay messages',
    cause,
  );

/** Brand check on the code, so it survives duplicate copies of this module. */
export function isDatabaseUnavailable(error: unknown): error is ChannelPoliciesError {
  return isWatchroomError(error) && error.code === 'realtime_db_unavailable';
}

/** postgres.js's own codes for a socket that never opened or went away. */
const CLIENT_CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'SASL_SIGNATURE_MISMATCH',
  'AUTH_TYPE_NOT_IMPLEMENTED',
]);

/**
 * SQLSTATEs meaning "no usable session": connection exceptions (08), bad credentials (28),
 * missing database, too many connections, and the server shutting down or starting up.
 */
const SERVER_CONNECTION_STATES = /^(08|28)|^(3D000|53300|57P01|57P02|57P03)$/;

/** Whether `error` means the database could not be reached, rather than a statement failing. */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (typeof code !== 'string') return false;
  if (name === 'PostgresError') return SERVER_CONNECTION_STATES.test(code);
  // Node's socket errors (ECONNREFUSED, ENOTFOUND, ECONNRESET, EAI_AGAIN, ...).
  return CLIENT_CONNECTION_CODES.has(code) || /^E[A-Z_]+$/.test(code);
}
