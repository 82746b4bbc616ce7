/**
 * Broadcast fan-out: 50 rooms × 20 members (1,000 connections), each message delivered to the
 * 19 other members of its room. First at a fixed offered load of ~10k deliveries/s, then raised
 * step by step to saturation. Ours vs Socket.IO on the same machine, in one run, twice:
 *
 * - with wire-level clients (bench/wire-clients.ts) that cost the load generator little, so the
 *   servers are what saturates: this is the server comparison;
 * - with the real clients, realtime-js and socket.io-client, whose own cost per message then
 *   bounds what one load-generator process can receive.
 *
 * Latency is send → receive inside this one process, so no clock skew enters it.
 *
 * Run: npm run bench:broadcast   (env ROOMS, MEMBERS, STEP_SECONDS per step, CLIENTS=wire|real|both)
 */
import { cpus } from 'node:os';
import { connectAll, type RoomMember, realtimeMember, socketIoMember } from './room-clients.ts';
import { spawnReady } from './spawn.ts';
import { percentile } from './stats.ts';
import { wireRealtimeMember, wireSocketIoMember } from './wire-clients.ts';

const ROOMS = Number(process.env.ROOMS ?? 50);
const MEMBERS = Number(process.env.MEMBERS ?? 20);
const SECONDS = Number(process.env.STEP_SECONDS ?? 8);
const BASE_RATE = 10_000;
const STEPS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48, 64];
const CLIENTS = process.env.CLIENTS ?? 'both';
const WARMUP_MS = 1_000;

interface StepResult {
  offered: number;
  delivered: number;
  latencies: number[];
}

/** Offers `rate` deliveries per second for SECONDS and measures what arrives after warm-up. */
async function runStep(members: RoomMember[], recorder: Recorder, rate: number): Promise<StepResult> {
  const sendsPerSecond = rate / (MEMBERS - 1);
  recorder.reset();
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= SECONDS * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      if (elapsed >= WARMUP_MS && recorder.windowStart === undefined) recorder.open();
      const due = Math.floor((elapsed / 1000) * sendsPerSecond);
      for (; sent < due; sent++) members[sent % members.length]?.send({ t: performance.now() });
    }, 2);
  });
  const window = (performance.now() - (recorder.windowStart ?? started)) / 1000;
  const result = { offered: rate, delivered: recorder.count / window, latencies: recorder.latencies };
  await recorder.drain();
  return result;
}

class Recorder {
  latencies: number[] = [];
  count = 0;
  windowStart: number | undefined;
  private lastArrival = 0;

  readonly onMessage = (payload: Record<string, unknown>) => {
    const now = performance.now();
    this.lastArrival = now;
    if (this.windowStart === undefined) return;
    this.count++;
    this.latencies.push(now - Number(payload.t));
  };

  reset() {
    this.latencies = [];
    this.count = 0;
    this.windowStart = undefined;
  }

  open() {
    this.windowStart = performance.now();
  }

  /** Waits until nothing has arrived for 500 ms, so one step's backlog does not leak into the next. */
  async drain() {
    this.windowStart = undefined;
    while (performance.now() - this.lastArrival < 500) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function bench(
  name: string,
  connect: (i: number, onMessage: Recorder['onMessage']) => Promise<RoomMember>,
) {
  const recorder = new Recorder();
  const members = await connectAll(ROOMS * MEMBERS, (i) => connect(i, recorder.onMessage));
  process.stderr.write(`${name}: ${members.length} connections joined\n`);
  const rows: StepResult[] = [];
  for (const step of STEPS) {
    const result = await runStep(members, recorder, BASE_RATE * step);
    rows.push(result);
    process.stderr.write(
      `${name}: offered ${result.offered}/s, delivered ${result.delivered.toFixed(0)}/s\n`,
    );
    // Saturated: what arrives is well below what was offered.
    if (result.delivered < result.offered * 0.8) break;
  }
  process.stderr.write(`${name}: closing ${members.length} connections\n`);
  await Promise.all(members.map((m) => m.close()));
  return { name, rows };
}

const roomOf = (i: number) => `bench-room-${i % ROOMS}`;

const stack = await spawnReady<{ apiUrl: string; anonKey: string; pid: number }>(
  new URL('./stack-process.ts', import.meta.url),
  [
    JSON.stringify({
      realtime: {
        maxConcurrentUsers: 100_000,
        maxJoinsPerSecond: 100_000,
        maxEventsPerSecond: 10_000_000,
        maxPresenceEventsPerSecond: 10_000_000,
      },
    }),
  ],
);
const socketIo = await spawnReady<{ url: string }>(new URL('./socketio-server.ts', import.meta.url));

const ours = (member: typeof realtimeMember) => (i: number, onMessage: Recorder['onMessage']) =>
  member(stack.ready.apiUrl, stack.ready.anonKey, roomOf(i), onMessage);
const theirs = (member: typeof socketIoMember) => (i: number, onMessage: Recorder['onMessage']) =>
  member(socketIo.ready.url, roomOf(i), onMessage);
const results: Awaited<ReturnType<typeof bench>>[] = [];
if (CLIENTS !== 'real') {
  results.push(await bench('Watchroom Realtime, wire-level clients', ours(wireRealtimeMember)));
  results.push(await bench('Socket.IO 4, wire-level clients', theirs(wireSocketIoMember)));
}
if (CLIENTS !== 'wire') {
  results.push(await bench('Watchroom Realtime, realtime-js clients', ours(realtimeMember)));
  results.push(await bench('Socket.IO 4, socket.io-client clients', theirs(socketIoMember)));
}
await stack.stop();
await socketIo.stop();

const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (n: number) => n.toFixed(1);
out(
  `\nBroadcast fan-out — ${ROOMS} rooms × ${MEMBERS} members, ${SECONDS} s per step, ${cpus().length} cores, Node ${process.version}\n`,
);
out('| server | offered deliveries/s | delivered/s | p50 ms | p99 ms |');
out('|---|---|---|---|---|');
for (const { name, rows } of results) {
  for (const r of rows) {
    out(
      `| ${name} | ${r.offered} | ${r.delivered.toFixed(0)} | ${f(percentile(r.latencies, 50))} | ${f(percentile(r.latencies, 99))} |`,
    );
  }
}
const peak = (rows: StepResult[]) => Math.max(...rows.map((r) => r.delivered));
for (let i = 0; i + 1 < results.length; i += 2) {
  const [a, b] = [results[i], results[i + 1]];
  if (!a || !b) continue;
  out(
    `\nPeak delivered/s: ${a.name} ${peak(a.rows).toFixed(0)}, ${b.name} ${peak(b.rows).toFixed(0)} (${f(peak(a.rows) / peak(b.rows))}×)`,
  );
}
