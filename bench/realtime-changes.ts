/**
 * Commit → client latency of changes streamed from the database, with 100 subscribers:
 *
 * - `changes`: postgres_changes INSERTs on an RLS table, each subscriber its own signed-in user
 *   (so every change is authorized for 100 distinct claims);
 * - `db-broadcast`: `realtime.send()` to a public topic the 100 subscribers joined.
 *
 * Baseline in the same run: LISTEN/NOTIFY (a trigger's pg_notify delivered to a postgres.js
 * listener), the floor for "Postgres tells a Node process about a commit" on this machine.
 * t0 is taken just before the writing statement is sent, so latencies include its round trip.
 *
 * Run: npm run bench:changes  |  npm run bench:db-broadcast   (env SUBSCRIBERS, STEP_SECONDS, RATE)
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { RealtimeClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import ws from 'ws';
import { tempProject } from '../tests/helpers/project.ts';
import { connectAll } from './room-clients.ts';
import { spawnReady } from './spawn.ts';
import { percentile } from './stats.ts';

const MODE = process.argv[2] === 'db-broadcast' ? 'db-broadcast' : 'changes';
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 100);
const SECONDS = Number(process.env.STEP_SECONDS ?? 10);
const RATE = Number(process.env.RATE ?? 20); // writes per second

const projectDir = await tempProject({
  migrations: {
    '20240101000000_bench.sql': `
      create table public.bench_events (id bigint primary key, body text not null);
      alter table public.bench_events enable row level security;
      create policy "signed-in users read events" on public.bench_events
        for select to authenticated using (true);
      grant select on public.bench_events to authenticated;
      alter publication supabase_realtime add table public.bench_events;

      create table public.bench_notify (id bigint primary key, body text not null);
      create function public.bench_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('bench', new.id::text); return new; end $$;
      create trigger bench_notify after insert on public.bench_notify
        for each row execute function public.bench_notify();`,
  },
});
const stack = await spawnReady<{ apiUrl: string; anonKey: string; dbUrl: string; jwtSecret: string }>(
  new URL('./stack-process.ts', import.meta.url),
  [
    JSON.stringify({
      projectDir,
      realtime: { maxConcurrentUsers: 100_000, maxJoinsPerSecond: 100_000, maxEventsPerSecond: 10_000_000 },
    }),
  ],
);
const { apiUrl, anonKey, dbUrl, jwtSecret } = stack.ready;
const sql = postgres(dbUrl, { max: 1, onnotice: () => undefined });

const userToken = (sub: string) =>
  new SignJWT({ role: 'authenticated', sub, aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(jwtSecret));

/** Send times by id; each arrival records now − t0. */
const sentAt = new Map<number, number>();
let latencies: number[] = [];
const arrived = (id: number) => {
  const t0 = sentAt.get(id);
  if (t0 !== undefined) latencies.push(performance.now() - t0);
};

async function subscriber(i: number): Promise<RealtimeClient> {
  const client = new RealtimeClient(`${apiUrl.replace(/^http/, 'ws')}/realtime/v1`, {
    params: { apikey: anonKey },
    transport: ws as never,
  });
  await client.setAuth(await userToken(randomUUID()));
  const channel = client.channel(`bench-${MODE}`);
  const ready = new Promise<void>((resolve, reject) => {
    if (MODE === 'changes') {
      channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'bench_events' }, (change) =>
        arrived(Number((change.new as { id: number }).id)),
      );
      channel.on('system', {}, (message: { extension?: string; status?: string; message?: string }) => {
        if (message.extension !== 'postgres_changes') return;
        if (message.status === 'ok') resolve();
        else reject(new Error(`subscriber ${i}: ${message.message}`));
      });
    } else {
      channel.on('broadcast', { event: 'e' }, (message) => arrived(Number(message.payload.n)));
    }
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED' && MODE === 'db-broadcast') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
  await ready;
  return client;
}

/** Writes RATE rows per second for SECONDS through `write`, recording t0 per id. */
async function drive(write: (id: number) => Promise<unknown>, firstId: number): Promise<number[]> {
  latencies = [];
  sentAt.clear();
  const writes = Math.round(SECONDS * RATE);
  const started = performance.now();
  for (let n = 0; n < writes; n++) {
    const due = started + (n * 1000) / RATE;
    while (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, 1));
    const id = firstId + n;
    sentAt.set(id, performance.now());
    await write(id);
  }
  // Let the last deliveries land: wait until a full second brings nothing new.
  for (let before = -1; before !== latencies.length; ) {
    before = latencies.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return latencies;
}

const clients = await connectAll(SUBSCRIBERS, subscriber, 10);
const ours =
  MODE === 'changes'
    ? await drive((id) => sql`insert into public.bench_events (id, body) values (${id}, 'hello')`, 1)
    : await drive(
        (id) =>
          sql`select realtime.send(jsonb_build_object('n', ${id}::int), 'e', 'bench-db-broadcast', false)`,
        1,
      );
for (const client of clients) client.disconnect();

const listener = postgres(dbUrl, { max: 1, onnotice: () => undefined });
await listener.listen('bench', (id) => arrived(Number(id)));
const floor = await drive((id) => sql`insert into public.bench_notify (id, body) values (${id}, 'hello')`, 1);
await listener.end();
await sql.end();
await stack.stop();
await rm(projectDir, { recursive: true, force: true });

const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (n: number) => n.toFixed(2);
const what = MODE === 'changes' ? 'postgres_changes INSERT, RLS table' : 'realtime.send() broadcast';
out(
  `\n${what} — ${SUBSCRIBERS} subscribers, ${RATE} writes/s for ${SECONDS} s, ${cpus().length} cores, Node ${process.version}\n`,
);
out('| path | deliveries | expected | p50 ms | p99 ms | max ms |');
out('|---|---|---|---|---|---|');
const expected = Math.round(SECONDS * RATE);
for (const [name, values, recipients] of [
  [`Watchroom Realtime → ${SUBSCRIBERS} realtime-js subscribers`, ours, SUBSCRIBERS],
  ['LISTEN/NOTIFY → 1 postgres.js listener (floor)', floor, 1],
] as const) {
  out(
    `| ${name} | ${values.length} | ${expected * recipients} | ${f(percentile(values, 50))} | ${f(percentile(values, 99))} | ${f(Math.max(...values))} |`,
  );
}
