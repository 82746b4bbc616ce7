// The server clock clients synchronize to is the database's: playback timestamps come from it.
// The worker measures its offset to it (best of a few round trips, refreshed every minute) and
// answers time requests from its own clock plus that offset, without a query per request.
import type { Db } from './db.ts';
import { sql } from './deps.ts';

const REFRESH_MS = 60_000;
const SAMPLES = 5;

export function createDatabaseClock(db: Db) {
  let offsetMs: number | undefined;
  let measuredAt = 0;
  let measuring: Promise<void> | undefined;

  async function measure(): Promise<void> {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < SAMPLES; i++) {
      const before = performance.timeOrigin + performance.now();
      const result = await sql<{
        ms: string;
      }>`select (extract(epoch from clock_timestamp()) * 1000)::text as ms`.execute(db);
      const after = performance.timeOrigin + performance.now();
      const rtt = after - before;
      if (rtt < best.rtt) best = { rtt, offset: Number(result.rows[0]?.ms) - (before + after) / 2 };
    }
    offsetMs = best.offset;
    measuredAt = Date.now();
  }

  return {
    /** Milliseconds since the epoch by the database clock. */
    async now(): Promise<number> {
      if (offsetMs === undefined || Date.now() - measuredAt > REFRESH_MS) {
        measuring ??= measure().finally(() => {
          measuring = undefined;
        });
        if (offsetMs === undefined) await measuring;
      }
      return performance.timeOrigin + performance.now() + (offsetMs ?? 0);
    },
  };
}
