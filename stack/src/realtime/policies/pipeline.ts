import type { PendingQuery, ReservedSql, Row, Sql } from 'postgres';
import { databaseUnavailable, isConnectionFailure } from './errors.ts';

export type StatementOutcome = PromiseSettledResult<readonly Row[]>;

/**
 * Runs the statements `build` returns between BEGIN and ROLLBACK on one reserved connection,
 * all sent back to back: postgres.js pipelines queries issued without waiting, so once the
 * statements are prepared on that connection a whole check costs one round trip. Nothing the
 * statements do survives, and the transaction-local settings go with the ROLLBACK, so the
 * connection returns to the pool as it was.
 *
 * Each statement's outcome is reported on its own (after a failure the later ones fail with
 * 25P02 and ROLLBACK still runs). A connection failure anywhere becomes `realtime_db_unavailable`.
 */
export async function inRolledBackTransaction(
  sql: Sql,
  build: (conn: ReservedSql) => readonly PendingQuery<Row[]>[],
): Promise<StatementOutcome[]> {
  let conn: ReservedSql;
  try {
    conn = await sql.reserve();
  } catch (error) {
    throw isConnectionFailure(error) ? databaseUnavailable(error) : error;
  }
  try {
    const queries = [conn`begin`, ...build(conn), conn`rollback`];
    // Executed in this order, without awaiting in between: that is the pipeline.
    for (const query of queries) query.execute();
    const [begin, ...rest] = await Promise.allSettled(queries);
    const rollback = rest.pop();
    for (const outcome of [begin, rollback, ...rest]) {
      if (outcome?.status === 'rejected' && isConnectionFailure(outcome.reason)) {
        throw databaseUnavailable(outcome.reason);
      }
    }
    if (begin?.status === 'rejected') throw begin.reason;
    if (rollback?.status === 'rejected') throw rollback.reason;
    return rest;
  } finally {
    conn.release();
  }
}
