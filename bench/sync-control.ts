/**
 * Playback control → the other 19 members of a room: the time from the host calling
 * `sync/control` (supabase-js functions.invoke) to each member receiving the new state, by the
 * broadcast on `room:<id>` and by postgres_changes on `rooms`. Side by side in the same run, with
 * the same 20 connections: the host sending a plain client broadcast on the room channel (the
 * transport's floor: no authority, no database), and a Socket.IO relay (the seed documents'
 * architecture: the server forwards what the host emits, nothing checked or kept).
 *
 * Run: npm run bench:sync   (env ROUNDS default 300, MEMBERS default 19)
 */
import { cpus } from 'node:os';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { namedUser } from '../tests/helpers/named-user.ts';
import { productStack } from './product-stack.ts';
import { socketIoMember } from './room-clients.ts';
import { spawnReady } from './spawn.ts';
import { percentile } from './stats.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const MEMBERS = Number(process.env.MEMBERS ?? 19);
const WAIT_MS = 5_000;
const step = (what: string) => process.stderr.write(`sync-control: ${what}\n`);

const stack = await productStack({
  realtime: { maxEventsPerSecond: 1_000_000, maxJoinsPerSecond: 100_000, maxConcurrentUsers: 100_000 },
});
const socketIo = await spawnReady<{ url: string }>(new URL('./socketio-server.ts', import.meta.url));
const { apiUrl, anonKey } = stack;
step('stack ready');

interface Member {
  readonly id: string;
  readonly client: SupabaseClient;
  readonly token: string;
}

const signUp = (i: number): Promise<Member> => namedUser(apiUrl, anonKey, `bench-${i}`);

async function invoke<T>(who: Member, path: string, body: Record<string, unknown>): Promise<T> {
  const { data, error } = await who.client.functions.invoke(path, { body });
  if (error) throw new Error(`${path}: ${await (error.context as Response | undefined)?.text?.()}`);
  return data as T;
}

const host = await signUp(0);
const members: Member[] = [];
for (let i = 1; i <= MEMBERS; i++) members.push(await signUp(i));
const created = await invoke<{ room: { id: string }; invite_code: string }>(host, 'rooms', {
  name: 'Bench',
  max_members: MEMBERS + 1,
});
const roomId = created.room.id;
for (const member of members) await invoke(member, 'rooms/join', { invite_code: created.invite_code });
step(`room ${roomId} with ${MEMBERS} members`);

// Arrival times per path, keyed by what identifies a round on that path.
type PathName = 'broadcast' | 'changes' | 'floor' | 'socketIo';
const arrivals: Record<PathName, Map<string, number[]>> = {
  broadcast: new Map(),
  changes: new Map(),
  floor: new Map(),
  socketIo: new Map(),
};
const waiters = new Map<string, () => void>();
function arrive(path: PathName, key: string) {
  const list = arrivals[path].get(key) ?? [];
  list.push(performance.now());
  arrivals[path].set(key, list);
  if (list.length === MEMBERS) waiters.get(`${path}/${key}`)?.();
}
/** Resolves once every member has `key` on `path`; call before sending. */
function allArrived(path: PathName, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${path} ${key}: not every member had it within ${WAIT_MS} ms`)),
      WAIT_MS,
    );
    waiters.set(`${path}/${key}`, () => {
      clearTimeout(timer);
      waiters.delete(`${path}/${key}`);
      resolve();
    });
  });
}

/** Joins `room:<id>`; with `changes`, also waits until postgres_changes is live for it. */
async function subscribe(
  who: Member,
  listen: (channel: RealtimeChannel) => void,
  changes: boolean,
): Promise<RealtimeChannel> {
  await who.client.realtime.setAuth(who.token);
  const channel = who.client.channel(`room:${roomId}`, {
    config: { private: true, broadcast: { self: false } },
  });
  listen(channel);
  let changesReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    changesReady = resolve;
  });
  channel.on('system', {}, (m: { extension?: string; status?: string }) => {
    if (m.extension === 'postgres_changes' && m.status === 'ok') changesReady();
  });
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    }),
  );
  if (changes) await ready;
  return channel;
}

for (const member of members) {
  await subscribe(
    member,
    (channel) =>
      channel
        .on('broadcast', { event: 'playback' }, (m) =>
          arrive('broadcast', `v${(m.payload as { version: number }).version}`),
        )
        .on('broadcast', { event: 'floor' }, (m) =>
          arrive('floor', `f${(m.payload as { round: number }).round}`),
        )
        .on(
          'postgres_changes',
          { event: 'UPDATE', schema: 'public', table: 'rooms', filter: `id=eq.${roomId}` },
          (c) => arrive('changes', `v${(c.new as { playback_version: number }).playback_version}`),
        ),
    true,
  );
}
const hostChannel = await subscribe(host, () => undefined, false);
const socketIoMembers = await Promise.all(
  Array.from({ length: MEMBERS }, () =>
    socketIoMember(socketIo.ready.url, roomId, (p) => arrive('socketIo', `s${p.round}`)),
  ),
);
const socketIoHost = await socketIoMember(socketIo.ready.url, roomId, () => undefined);
step('everyone subscribed');

const sent = {
  control: new Map<string, number>(),
  floor: new Map<string, number>(),
  socketIo: new Map<string, number>(),
};
const responseMs: number[] = [];
let version = 0;

async function controlRound(round: number) {
  const action = round % 2 === 0 ? { action: 'play', position: round } : { action: 'pause' };
  const key = `v${version + 1}`;
  const heard = allArrived('broadcast', key);
  const changes = allArrived('changes', key);
  const t0 = performance.now();
  sent.control.set(key, t0);
  const state = await invoke<{ version: number }>(host, 'sync/control', {
    room_id: roomId,
    expected_version: version,
    ...action,
  });
  responseMs.push(performance.now() - t0);
  version = state.version;
  await heard;
  await changes;
}

async function floorRound(round: number) {
  const key = `f${round}`;
  const heard = allArrived('floor', key);
  sent.floor.set(key, performance.now());
  await hostChannel.send({ type: 'broadcast', event: 'floor', payload: { round } });
  await heard;
}

async function socketIoRound(round: number) {
  const key = `s${round}`;
  const heard = allArrived('socketIo', key);
  sent.socketIo.set(key, performance.now());
  socketIoHost.send({ round });
  await heard;
}

// Warm-up: boots the function worker, fills pools and JIT on every path.
for (let r = 0; r < 20; r++) {
  await controlRound(r);
  await floorRound(-1 - r);
  await socketIoRound(-1 - r);
}
for (const map of [...Object.values(arrivals), ...Object.values(sent)]) map.clear();
responseMs.length = 0;
step('warmed up');

// Interleaved, so drift on a shared machine hits every path alike.
for (let r = 0; r < ROUNDS; r++) {
  await controlRound(r);
  await floorRound(r);
  await socketIoRound(r);
}

const latencies = (path: Map<string, number[]>, from: Map<string, number>) =>
  [...path.entries()].flatMap(([key, times]) => times.map((t) => t - (from.get(key) ?? Number.NaN)));
const rows = [
  ['Watchroom sync/control → broadcast on room:<id>', latencies(arrivals.broadcast, sent.control)],
  ['Watchroom sync/control → postgres_changes on rooms', latencies(arrivals.changes, sent.control)],
  ['Watchroom sync/control → the controller has its response', responseMs],
  [
    'baseline: host client broadcast on room:<id> (no function, no database)',
    latencies(arrivals.floor, sent.floor),
  ],
  [
    'baseline: Socket.IO relay (seed architecture, nothing checked or stored)',
    latencies(arrivals.socketIo, sent.socketIo),
  ],
] as const;

for (const member of [host, ...members]) {
  await member.client.removeAllChannels();
}
for (const m of [...socketIoMembers, socketIoHost]) await m.close();
await socketIo.stop();
await stack.stop();

const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (n: number) => n.toFixed(2);
out(
  `\nPlayback control → ${MEMBERS} other members, ${ROUNDS} rounds, ${cpus().length} cores, Node ${process.version}\n`,
);
out('| path | deliveries | p50 ms | p99 ms | max ms |');
out('|---|---|---|---|---|');
for (const [name, values] of rows) {
  out(
    `| ${name} | ${values.length} | ${f(percentile(values, 50))} | ${f(percentile(values, 99))} | ${f(Math.max(...values))} |`,
  );
}
process.exit(0);
