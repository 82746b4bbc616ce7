import { WatchroomError } from '../../lib/errors.ts';

/**
 * Failures of the changes engine itself. None reaches a client as-is: subscription problems are
 * answered with the reference server's `system` messages, stream problems become status news.
 *
 * | code | meaning |
 * |---|---|
 * | `changes_protocol_error` | a replication message that does not decode (truncated, unknown type) |
 * | `changes_not_live` | the replication stream did not start within the caller's timeout |
 * | `changes_closed` | the engine was closed while the caller waited |
 */
export type ChangesErrorCode = 'changes_protocol_error' | 'changes_not_live' | 'changes_closed';

export class ChangesError extends WatchroomError<ChangesErrorCode> {}
