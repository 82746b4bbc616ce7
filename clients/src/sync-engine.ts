/**
 * Keeps a player where the room's authoritative playback says it should be. States arrive from
 * broadcasts, row changes and the engine's own calls, ordered by version; each new version is
 * applied at once (seek, play or pause), scheduled starts begin on a timer at the server time
 * they name, and between changes a drift policy trims small differences by rate and seeks past
 * larger ones. Buffering and readiness are reported for the room's ready barrier; heartbeats
 * carry the position so the server can tell who is drifting, and bring back the state.
 */
import type { ServerClock } from './clock.ts';
import { Emitter } from './emitter.ts';
import { isWatchroomError } from './errors.ts';
import type { Call } from './functions.ts';
import type { PlayerAdapter } from './player.ts';
import {
  type Correction,
  correct,
  DEFAULT_DRIFT_POLICY,
  type DriftPolicy,
  expectedPosition,
  ms,
  msUntilStart,
  shouldBePlaying,
} from './sync-math.ts';
import type { PlaybackState, SyncState } from './types.ts';

export interface SyncEngineOptions {
  readonly roomId: string;
  readonly call: Call;
  readonly clock: ServerClock;
  readonly policy?: Partial<DriftPolicy>;
  /** How often drift is measured and corrected (ms). */
  readonly tickMs?: number;
  /** How often a heartbeat reports position and sync state (ms); 0 never. */
  readonly heartbeatMs?: number;
  /** Whether this user may control (host, moderator, or anyone in `everyone` mode). */
  readonly canControl?: () => boolean;
}

export interface SyncEngineEvents extends Record<string, unknown> {
  state: PlaybackState;
  /** This client's own sync state changed (buffering, drifting, synced). */
  syncState: SyncState;
  correction: Correction & { drift: number };
}

export type ControlAction =
  | { action: 'play'; position?: number }
  | { action: 'pause'; position?: number }
  | { action: 'seek'; position: number }
  | { action: 'rate'; rate: number };

/** Converts a `rooms` row (postgres_changes, REST) into the playback state it carries. */
export function stateFromRoomRow(row: Record<string, unknown>): PlaybackState {
  return {
    room_id: String(row.id),
    version: Number(row.playback_version),
    is_playing: Boolean(row.is_playing),
    position: Number(row.position),
    rate: Number(row.playback_rate),
    updated_at: String(row.playback_updated_at),
    starts_at: (row.playback_starts_at as string | null) ?? null,
    awaiting_ready: Boolean(row.awaiting_ready),
    wait_for_ready: Boolean(row.wait_for_ready),
    status: row.status as PlaybackState['status'],
  };
}

export class SyncEngine extends Emitter<SyncEngineEvents> {
  readonly #options: SyncEngineOptions;
  readonly #basePolicy: DriftPolicy;
  #policy: DriftPolicy;
  #state: PlaybackState | undefined;
  #player: PlayerAdapter | undefined;
  #unsubscribePlayer: (() => void)[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  #correcting = false;
  #drift = 0;
  #buffering = false;
  #readyFor: number | undefined;

  constructor(options: SyncEngineOptions) {
    super();
    this.#options = options;
    this.#basePolicy = { ...DEFAULT_DRIFT_POLICY, ...options.policy };
    this.#policy = this.#basePolicy;
  }

  get state(): PlaybackState | undefined {
    return this.#state;
  }
  /** The last measured drift (seconds, + ahead of the room). */
  get drift(): number {
    return this.#drift;
  }
  get clock(): ServerClock {
    return this.#options.clock;
  }
  get canControl(): boolean {
    return this.#options.canControl?.() ?? true;
  }
  /** How this client is doing: no player yet, buffering, too far off, or in sync. */
  get syncState(): SyncState {
    if (!this.#player) return 'unknown';
    if (this.#buffering) return 'buffering';
    return Math.abs(this.#drift) > this.#policy.seekThreshold ? 'drifting' : 'synced';
  }

  /** Where the room's media is now, by the server's clock (seconds). */
  expectedPosition(): number | undefined {
    return this.#state ? expectedPosition(this.#state, this.#options.clock.now()) : undefined;
  }

  /** Takes a state if it is newer than the one held; returns whether it did. */
  apply(state: PlaybackState): boolean {
    const held = this.#state;
    if (
      held &&
      (state.version < held.version ||
        (state.version === held.version && ms(state.updated_at) < ms(held.updated_at)))
    ) {
      return false;
    }
    const changed = !held || state.version !== held.version || state.awaiting_ready !== held.awaiting_ready;
    this.#state = state;
    if (changed) {
      this.#correcting = false;
      this.#reconcile(true);
      this.emit('state', state);
      // A held play waits for us: say we are ready, unless the player is still buffering.
      if (state.awaiting_ready && !this.#buffering && this.#player && this.#readyFor !== state.version) {
        this.#readyFor = state.version;
        void this.report('ready').catch(() => undefined);
      }
    }
    return changed;
  }

  attach(player: PlayerAdapter): void {
    this.detach();
    this.#player = player;
    const precision = player.precision ?? 0;
    this.#policy = {
      ...this.#basePolicy,
      deadBand: Math.max(this.#basePolicy.deadBand, precision),
      settle: Math.max(this.#basePolicy.settle, precision / 2),
    };
    if (player.on) {
      this.#unsubscribePlayer = [
        player.on('buffering', () => this.#setBuffering(true)),
        player.on('ready', () => this.#setBuffering(false)),
      ];
    }
    this.#tick = setInterval(() => this.#reconcile(false), this.#options.tickMs ?? 100);
    const heartbeatMs = this.#options.heartbeatMs ?? 5_000;
    if (heartbeatMs > 0)
      this.#heartbeat = setInterval(() => void this.heartbeat().catch(() => undefined), heartbeatMs);
    this.#reconcile(true);
  }

  detach(): void {
    clearInterval(this.#tick);
    clearInterval(this.#heartbeat);
    clearTimeout(this.#startTimer);
    this.#tick = this.#heartbeat = this.#startTimer = undefined;
    for (const unsubscribe of this.#unsubscribePlayer) unsubscribe();
    this.#unsubscribePlayer = [];
    const had = this.#player !== undefined;
    this.#player = undefined;
    if (had) this.emit('syncState', this.syncState);
  }

  get player(): PlayerAdapter | undefined {
    return this.#player;
  }

  // Control (the caller must be allowed; the server decides) ------------------------------------

  play(position?: number): Promise<PlaybackState> {
    return this.control(position === undefined ? { action: 'play' } : { action: 'play', position });
  }
  pause(): Promise<PlaybackState> {
    return this.control({ action: 'pause' });
  }
  seek(position: number): Promise<PlaybackState> {
    return this.control({ action: 'seek', position });
  }
  setRate(rate: number): Promise<PlaybackState> {
    return this.control({ action: 'rate', rate });
  }

  /**
   * One control against the version held. A stale version loses (`version_conflict`): the
   * winner's state is applied and the error rethrown, so the UI shows what actually happened.
   */
  async control(action: ControlAction, leadMs?: number): Promise<PlaybackState> {
    try {
      const state = await this.#options.call<PlaybackState>('sync/control', {
        body: {
          room_id: this.#options.roomId,
          ...action,
          ...(this.#state ? { expected_version: this.#state.version } : {}),
          ...(leadMs === undefined ? {} : { lead_ms: leadMs }),
        },
      });
      this.apply(state);
      return state;
    } catch (error) {
      if (isWatchroomError(error, 'version_conflict')) {
        const current = (error.details as { current?: PlaybackState } | undefined)?.current;
        if (current) this.apply(current);
      }
      throw error;
    }
  }

  /** Reports sync state (and the measured latency) for the ready barrier; applies the answer. */
  async report(state: SyncState): Promise<PlaybackState> {
    const answer = await this.#options.call<PlaybackState>('sync/ready', {
      body: { room_id: this.#options.roomId, state, ...this.#latency() },
    });
    this.apply(answer);
    return answer;
  }

  /** Position and sync state to the server; brings back the authoritative state (a resync). */
  async heartbeat(): Promise<PlaybackState> {
    const position = this.#player?.position();
    const syncState: SyncState = this.#buffering
      ? 'buffering'
      : Math.abs(this.#drift) > this.#policy.seekThreshold
        ? 'drifting'
        : 'synced';
    const answer = await this.#options.call<{ state: PlaybackState }>('sync/heartbeat', {
      body: {
        room_id: this.#options.roomId,
        state: syncState,
        ...this.#latency(),
        ...(position === undefined ? {} : { position }),
      },
    });
    this.apply(answer.state);
    return answer.state;
  }

  /** After a reconnect: resample the clock, then take the server's state whatever we held. */
  async resync(): Promise<PlaybackState> {
    await this.#options.clock.sync().catch(() => undefined);
    return this.heartbeat();
  }

  #latency(): { latency_ms?: number } {
    const delay = this.#options.clock.delay;
    return delay === undefined ? {} : { latency_ms: Math.round(delay / 2) };
  }

  #setBuffering(buffering: boolean): void {
    if (buffering === this.#buffering) return;
    this.#buffering = buffering;
    this.emit('syncState', this.syncState);
    if (this.#state?.wait_for_ready)
      void this.report(buffering ? 'buffering' : 'ready').catch(() => undefined);
  }

  /** Moves the player toward the state; `hard` right after a change, soft on ticks. */
  #reconcile(hard: boolean): void {
    const player = this.#player;
    const state = this.#state;
    if (!player || !state) return;
    const now = this.#options.clock.now();
    clearTimeout(this.#startTimer);
    const wait = msUntilStart(state, now);
    if (wait > 0) this.#startTimer = setTimeout(() => this.#reconcile(true), wait);

    if (!shouldBePlaying(state, now)) {
      if (player.playing()) player.pause();
      const target = Number(state.position);
      this.#drift = player.position() - target;
      if (Math.abs(this.#drift) > this.#policy.deadBand / 2) player.seek(target);
      if (player.rate() !== Number(state.rate)) player.setRate(Number(state.rate));
      return;
    }
    const expected = expectedPosition(state, now);
    const rate = Number(state.rate);
    if (!player.playing()) {
      player.seek(expected);
      player.setRate(rate);
      void player.play();
      this.#drift = 0;
      return;
    }
    const drift = player.position() - expected;
    this.#drift = drift;
    const correction: Correction =
      hard && Math.abs(drift) > this.#policy.deadBand
        ? { kind: 'seek', position: expected, rate }
        : correct(drift, expected, rate, this.#correcting, this.#policy);
    this.#correcting = correction.kind === 'nudge';
    if (correction.kind === 'seek') player.seek(correction.position);
    if (player.rate() !== correction.rate) player.setRate(correction.rate);
    if (correction.kind !== 'none') this.emit('correction', { ...correction, drift });
  }
}
