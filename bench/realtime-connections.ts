/**
 * Server memory per idle connection: the server process's RSS with 1,000 and with 5,000
 * connected clients, each joined to one channel (room) and otherwise idle; the per-connection
 * cost is the RSS delta over the 4,000 extra connections. Ours (realtime-js clients) vs
 * Socket.IO (its clients), same run.
 *
 * Run: npm run bench:connections   (env LOW, HIGH)
 */
import { cpus } from 'node:os';
import { connectAll, type RoomMember, realtimeMember, socketIoMember } from './room-clients.ts';
import { type Spawned, spawnReady } from './spawn.ts';

const LOW = Number(process.env.LOW ?? 1000);
const HIGH = Number(process.env.HIGH ?? 5000);

/** RSS once it has stopped moving (allocation settles a moment after the last join). */
async function settledRss(server: Spawned<unknown>): Promise<number> {
  let previous = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss = await server.rss();
    if (Math.abs(rss - previous) < 256 * 1024) return rss;
    previous = rss;
  }
}

async function measure(server: Spawned<unknown>, connect: (i: number) => Promise<RoomMember>) {
  const idle = await settledRss(server);
  const first = await connectAll(LOW, connect, 50);
  const low = await settledRss(server);
  const rest = await connectAll(HIGH - LOW, (i) => connect(LOW + i), 50);
  const high = await settledRss(server);
  await Promise.all([...first, ...rest].map((m) => m.close()));
  return { idle, low, high, perConnection: (high - low) / (HIGH - LOW) };
}

const ignore = () => undefined;
const room = (i: number) => `idle-${i % 100}`;

const stack = await spawnReady<{ apiUrl: string; anonKey: string }>(
  new URL('./stack-process.ts', import.meta.url),
  [JSON.stringify({ realtime: { maxConcurrentUsers: 100_000, maxJoinsPerSecond: 100_000 } })],
);
const ours = await measure(stack, (i) =>
  realtimeMember(stack.ready.apiUrl, stack.ready.anonKey, room(i), ignore),
);
await stack.stop();

const socketIo = await spawnReady<{ url: string }>(new URL('./socketio-server.ts', import.meta.url));
const theirs = await measure(socketIo, (i) => socketIoMember(socketIo.ready.url, room(i), ignore));
await socketIo.stop();

const out = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
out(`\nIdle connections — ${LOW} → ${HIGH}, ${cpus().length} cores, Node ${process.version}\n`);
out(`| server | RSS idle MB | RSS at ${LOW} MB | RSS at ${HIGH} MB | KB per connection |`);
out('|---|---|---|---|---|');
for (const [name, r] of [
  ['Watchroom stack process (Realtime + Auth + REST)', ours],
  ['Socket.IO 4 server', theirs],
] as const) {
  out(`| ${name} | ${mb(r.idle)} | ${mb(r.low)} | ${mb(r.high)} | ${(r.perConnection / 1024).toFixed(1)} |`);
}
