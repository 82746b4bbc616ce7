/**
 * A room full of simulated players on real clients over a worse network: each has its own
 * supabase-js client whose WebSocket and fetch are delayed by seeded jitter, and a local clock
 * skewed by up to ±skew, following the host through the SDK's sync engine. Optionally, naive
 * players beside them on the same network (the seed documents' way: apply each broadcast as it
 * arrives, no clock, no compensation) as a baseline. Positions are read at one real instant,
 * which is what "in sync" means to people in different places watching together.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import {
  createWatchroom,
  expectedPosition,
  type PlaybackState,
  type RoomHandle,
  SimulatedPlayer,
} from '../../clients/src/index.ts';
import { namedUser } from './named-user.ts';
import { delayedFetch, delayedTransport, seededRandom, uniform } from './network.ts';

export interface LabOptions {
  readonly apiUrl: string;
  readonly anonKey: string;
  readonly players: number;
  /** Extra one-way delay per message, drawn uniformly (ms). */
  readonly jitterMs: readonly [number, number];
  /** Player clocks are off by up to ± this (ms). */
  readonly skewMs: number;
  readonly naive?: number;
  readonly seed?: number;
  /** The room holds plays until every member is ready. */
  readonly waitForReady?: boolean;
}

export interface LabPlayer {
  readonly connection: RoomHandle;
  readonly player: SimulatedPlayer;
  readonly skewMs: number;
}

export interface NaivePlayer {
  readonly player: SimulatedPlayer;
  readonly channel: RealtimeChannel;
  readonly client: SupabaseClient;
}

export async function createLab(options: LabOptions) {
  const random = seededRandom(options.seed ?? 2);
  const [lo, hi] = options.jitterMs;
  const { client: hostClient } = await namedUser(options.apiUrl, options.anonKey, 'host');
  const host = createWatchroom(hostClient, { connect: { heartbeatMs: 0 } });
  const { room, invite_code } = await host.rooms.create({
    name: 'Sync lab',
    max_members: options.players + (options.naive ?? 0) + 1,
    wait_for_ready: options.waitForReady ?? false,
  });
  const hostConnection = await host.connect(room.id);

  const players: LabPlayer[] = [];
  for (let i = 0; i < options.players; i++) {
    const jitter = uniform(seededRandom(Math.floor(random() * 2 ** 32)), lo, hi);
    const skewMs = (random() * 2 - 1) * options.skewMs;
    const { client } = await namedUser(options.apiUrl, options.anonKey, `player-${i}`, {
      transport: delayedTransport(jitter),
      fetch: delayedFetch(jitter),
    });
    const wr = createWatchroom(client, { connect: { clock: { now: () => Date.now() + skewMs } } });
    await wr.rooms.join(invite_code);
    const connection = await wr.connect(room.id);
    const player = new SimulatedPlayer();
    connection.sync.attach(player);
    players.push({ connection, player, skewMs });
  }

  const naive: NaivePlayer[] = [];
  for (let i = 0; i < (options.naive ?? 0); i++) {
    const jitter = uniform(seededRandom(Math.floor(random() * 2 ** 32)), lo, hi);
    const { client } = await namedUser(options.apiUrl, options.anonKey, `naive-${i}`, {
      transport: delayedTransport(jitter),
    });
    await createWatchroom(client).rooms.join(invite_code);
    const player = new SimulatedPlayer();
    const { data } = await client.auth.getSession();
    await client.realtime.setAuth(data.session?.access_token ?? null);
    const channel = client.channel(`room:${room.id}`, { config: { private: true } });
    channel.on('broadcast', { event: 'playback' }, ({ payload }) => {
      const state = payload as PlaybackState;
      player.seek(Number(state.position));
      player.setRate(Number(state.rate));
      if (state.is_playing) player.play();
      else player.pause();
    });
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status, error) =>
        status === 'SUBSCRIBED' ? resolve() : status !== 'CLOSED' && reject(error ?? new Error(status)),
      ),
    );
    naive.push({ player, channel, client });
  }

  const positions = (list: readonly { player: SimulatedPlayer }[]) => list.map((p) => p.player.position());
  const spreadOf = (values: readonly number[]) =>
    values.length ? Math.max(...values) - Math.min(...values) : 0;

  return {
    roomId: room.id,
    host: hostConnection,
    players,
    naive,
    /** Max minus min position (seconds) across the SDK's players, now. */
    spread: () => spreadOf(positions(players)),
    naiveSpread: () => spreadOf(positions(naive)),
    /** Each player's error (seconds) against where the room's media is by the server clock. */
    errors(list: readonly { player: SimulatedPlayer }[] = players): number[] {
      const state = hostConnection.playback;
      if (!state) return [];
      const truth = expectedPosition(state, Date.now());
      return positions(list).map((p) => p - truth);
    },
    /** Every player plays (or is paused) as the room does. */
    agrees(list: readonly { player: SimulatedPlayer }[] = players): boolean {
      const state = hostConnection.playback;
      if (!state) return false;
      const shouldPlay =
        state.is_playing &&
        !state.awaiting_ready &&
        (!state.starts_at || Date.now() >= Date.parse(state.starts_at));
      return list.every((p) => p.player.playing() === shouldPlay);
    },
    async close() {
      for (const p of players) await p.connection.disconnect();
      for (const n of naive) await n.client.removeAllChannels();
      await hostConnection.disconnect();
      await hostClient.removeAllChannels();
    },
  };
}

export type Lab = Awaited<ReturnType<typeof createLab>>;
