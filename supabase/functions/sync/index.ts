// sync: authoritative playback control with versions, scheduled starts and the ready barrier;
// NTP-style time for clock synchronization; heartbeats that keep presence and sync state.
// Every accepted change is written to rooms (postgres_changes) and broadcast on room:<id>.
import { createAuthenticator } from '../_shared/auth.ts';
import { broadcastToRoom } from '../_shared/broadcast.ts';
import { createDatabaseClock } from '../_shared/clock.ts';
import { loadConfig } from '../_shared/config.ts';
import { asUser, createDb } from '../_shared/db.ts';
import { sql, z } from '../_shared/deps.ts';
import { body, createApp, parse, rateLimit } from '../_shared/http.ts';

const config = loadConfig();
const db = createDb(config);
const authenticate = createAuthenticator(config);
const clock = createDatabaseClock(db);
const app = createApp('sync');

interface PlaybackState {
  room_id: string;
  version: number;
  changed?: boolean;
  [key: string]: unknown;
}

const control = z
  .object({
    room_id: z.string().uuid(),
    action: z.enum(['play', 'pause', 'seek', 'rate']),
    position: z.number().nonnegative().optional(),
    rate: z.number().positive().max(4).optional(),
    expected_version: z.number().int().nonnegative().optional(),
    lead_ms: z.number().int().min(0).max(2000).optional(),
  })
  .refine((c) => c.action !== 'seek' || c.position !== undefined, {
    message: 'seek needs a position',
    path: ['position'],
  })
  .refine((c) => c.action !== 'rate' || c.rate !== undefined, {
    message: 'rate needs a rate',
    path: ['rate'],
  });

const report = z.object({
  room_id: z.string().uuid(),
  state: z.enum(['unknown', 'ready', 'buffering', 'synced', 'drifting']).optional(),
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  position: z.number().nonnegative().optional(),
});

app.post('/control', async (c) => {
  const caller = await authenticate(c.req.raw);
  const input = await body(c.req.raw, control);
  const state = await asUser(db, caller, async (tx) => {
    await rateLimit(tx, 'control', config.WATCHROOM_CONTROL_RATE);
    const result = await sql<{ state: PlaybackState }>`
      select private.control_playback(${input.room_id}::uuid, ${input.action}, ${input.position ?? null}::numeric,
        ${input.rate ?? null}::numeric, ${input.expected_version ?? null}::bigint, ${input.lead_ms ?? null}::integer) as state`.execute(
      tx,
    );
    return result.rows[0]?.state as PlaybackState;
  });
  await broadcastToRoom(config, input.room_id, 'playback', {
    ...state,
    action: input.action,
    by: caller.userId,
  });
  return c.json(state);
});

/** Ready/buffering reports and heartbeats: both update presence; a report may move the barrier. */
async function reportSync(request: Request) {
  const caller = await authenticate(request);
  const input = await body(request, report);
  const state = await asUser(db, caller, async (tx) => {
    const result = await sql<{ state: PlaybackState }>`
      select private.report_sync(${input.room_id}::uuid, ${input.state ?? null}, ${input.latency_ms ?? null}::integer) as state`.execute(
      tx,
    );
    return result.rows[0]?.state as PlaybackState;
  });
  if (state.changed)
    await broadcastToRoom(config, input.room_id, 'playback', {
      ...state,
      action: 'barrier',
      by: caller.userId,
    });
  return { state, position: input.position };
}

app.post('/ready', async (c) => c.json((await reportSync(c.req.raw)).state));

app.post('/heartbeat', async (c) => {
  const { state, position } = await reportSync(c.req.raw);
  // How far the client is from where it should be, by the server's reckoning (seconds).
  const expected = Number(state.expected_position);
  return c.json({
    state,
    expected_position: expected,
    drift: position === undefined ? null : position - expected,
  });
});

// NTP-style: t0 is the client's send time (echoed), t1 the server's receipt, t2 its reply, both
// by the database clock the playback timestamps use.
app.get('/time', async (c) => {
  const t1 = await clock.now();
  const t0 = parse(z.coerce.number().optional(), c.req.query('t0'));
  return c.json({ t0: t0 ?? null, t1, t2: await clock.now() });
});

Deno.serve(app.fetch);
