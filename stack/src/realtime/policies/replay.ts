import type { Sql } from 'postgres';
import type { Broadcast, BroadcastPayload } from '../contracts.ts';
import { databaseUnavailable, isConnectionFailure, replayFailed, replayInvalid } from './errors.ts';

/** The reference never replays more than this many messages per join (realtime.md §7). */
export const REPLAY_HARD_LIMIT = 25;

/** The instants both sides can represent: years 1 to 9999, as the reference's DateTime. */
const EARLIEST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const LATEST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

interface MessageRow {
  readonly id: string;
  readonly event: string;
  readonly payload: unknown;
  readonly binary_payload: Uint8Array | null;
}

/**
 * Private broadcasts of `topic` stored since `sinceMs`: the newest `limit` (clamped 1..25),
 * returned oldest first with `meta: {id, replayed: true}` (realtime.md §3.6). Rows the live
 * stream would not deliver (no event, no payload) are not replayed either.
 *
 * About time: `inserted_at` is a `timestamp without time zone` filled by `now()`, i.e. the
 * writer's wall clock in the writer's session TimeZone. The reference compares it with `since`
 * as UTC because its database sessions all run in UTC. Ours do not necessarily: initdb copies
 * the host's zone into the cluster's default TimeZone, and the writers (`realtime.send()` from
 * triggers, RPC, SQL clients) run in that default. So `since` and "now + 1 min" are turned
 * into wall-clock times in this session's TimeZone, which we leave at the server/database
 * default on purpose. On a UTC server that is exactly the reference's comparison. Rows written
 * by a session that changed its own TimeZone are off by that difference; nothing can recover
 * the zone a `timestamp` was written in.
 *
 * Runs as the connection's role, the table owner, so RLS does not filter: whether the channel
 * may read broadcasts at all is the caller's check.
 */
export async function replayMessages(
  sql: Sql,
  topic: string,
  sinceMs: number,
  limit: number,
): Promise<Broadcast[]> {
  const since = Math.floor(sinceMs);
  if (!Number.isFinite(since) || since < EARLIEST_MS || since > LATEST_MS) throw replayInvalid();
  const count = clampLimit(limit);
  let rows: readonly MessageRow[];
  try {
    rows = await sql<MessageRow[]>`
      select id, event, payload, binary_payload
        from realtime.messages
       where topic = ${topic}
         and private is true
         and extension = 'broadcast'
         and event is not null
         and (payload is not null or binary_payload is not null)
         and inserted_at >= ('epoch'::timestamptz + ${since}::bigint * interval '1 millisecond')::timestamp
         and inserted_at < (now() + interval '1 minute')::timestamp
       -- One transaction's rows share now(); their physical order is the order they were written.
       order by inserted_at desc, ctid desc
       limit ${count}`;
  } catch (error) {
    throw isConnectionFailure(error) ? databaseUnavailable(error) : replayFailed(error);
  }
  return rows.map((row) => toBroadcast(topic, row)).reverse();
}

export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return REPLAY_HARD_LIMIT;
  return Math.min(REPLAY_HARD_LIMIT, Math.max(1, Math.trunc(limit)));
}

function toBroadcast(topic: string, row: MessageRow): Broadcast {
  // The stream prefers binary_payload; a row has at most one of the two (table constraint).
  const payload: BroadcastPayload =
    row.binary_payload !== null
      ? { kind: 'binary', bytes: new Uint8Array(row.binary_payload) }
      : { kind: 'json', value: row.payload };
  return {
    topic,
    private: true,
    event: row.event,
    payload,
    origin: 'database',
    meta: { id: row.id, replayed: true },
  };
}
