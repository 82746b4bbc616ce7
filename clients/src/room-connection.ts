/**
 * One room, live: the private channel `room:<id>` carrying presence (who is here, their status,
 * position and sync state), broadcasts (playback, media, comments and members from the database,
 * counters, timeline reactions, typing) and the room row's changes; the comment store and the
 * sync engine fed from it. After a drop the channel rejoins (Realtime's backoff, or ours when
 * the server closed it) and catches up: playback state, room, members and missed comments.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { type ClockOptions, ServerClock } from './clock.ts';
import { CommentStore } from './comments.ts';
import { Emitter } from './emitter.ts';
import { fromPostgrest, WatchroomError } from './errors.ts';
import type { Call } from './functions.ts';
import { RoomMembers } from './room-members.ts';
import { RoomPresence, TypingTracker } from './room-presence.ts';
import { SyncEngine, stateFromRoomRow } from './sync-engine.ts';
import type { DriftPolicy } from './sync-math.ts';
import { throttle } from './throttle.ts';
import type {
  Comment,
  CommentItem,
  Member,
  Membership,
  PlaybackState,
  PresenceMember,
  Reaction,
  Room,
  TypingUser,
} from './types.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectOptions {
  readonly clock?: ClockOptions;
  readonly policy?: Partial<DriftPolicy>;
  readonly tickMs?: number;
  readonly heartbeatMs?: number;
  /** How long a typing notice lasts without a refresh (ms). */
  readonly typingTtlMs?: number;
  /** Backoff for rejoining a channel the server closed (ms, last one repeats). */
  readonly rejoinBackoffMs?: readonly number[];
}

export interface RoomEvents extends Record<string, unknown> {
  status: ConnectionStatus;
  room: Room;
  playback: PlaybackState;
  presence: readonly PresenceMember[];
  members: readonly Member[];
  typing: readonly TypingUser[];
  reaction: Reaction;
  comments: readonly CommentItem[];
  /** Read positions of members changed (read receipts). */
  reads: ReadonlyMap<string, string | null>;
  /** This user was removed (kicked, banned) or the room ended. */
  removed: { reason: 'kicked' | 'banned' | 'ended' };
  /** Caught up after a reconnect: how many comments it brought. */
  resynced: { comments: number };
  error: WatchroomError;
}

interface Deps {
  readonly supabase: SupabaseClient;
  readonly call: Call;
  readonly roomId: string;
  readonly userId: string;
  readonly options: ConnectOptions;
}

const DEFAULT_BACKOFF = [250, 1_000, 2_000, 5_000, 10_000];
const PRESENCE_EVERY_MS = 1_000;

export class RoomConnection extends Emitter<RoomEvents> {
  readonly roomId: string;
  readonly comments: CommentStore;
  readonly sync: SyncEngine;
  readonly clock: ServerClock;
  readonly #d: Deps;
  readonly #presence: RoomPresence;
  readonly #typing: TypingTracker;
  #room: Room | undefined;
  readonly #members: RoomMembers;
  #channel: RealtimeChannel | undefined;
  #status: ConnectionStatus = 'connecting';
  #everConnected = false;
  #closing = false;
  #rejoinAttempt = 0;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  #presenceTimer: ReturnType<typeof setInterval> | undefined;
  // Realtime limits presence messages per client (and closes the channel past it), and a seeking
  // video flips between buffering and ready many times a second: at most one a second, latest wins.
  readonly #track = throttle(() => this.#trackNow(), PRESENCE_EVERY_MS);

  constructor(deps: Deps) {
    super();
    this.#d = deps;
    this.roomId = deps.roomId;
    this.clock = new ServerClock(deps.call, deps.options.clock);
    this.sync = new SyncEngine({
      roomId: deps.roomId,
      call: deps.call,
      clock: this.clock,
      canControl: () => this.canControl,
      ...(deps.options.policy ? { policy: deps.options.policy } : {}),
      ...(deps.options.tickMs ? { tickMs: deps.options.tickMs } : {}),
      ...(deps.options.heartbeatMs !== undefined ? { heartbeatMs: deps.options.heartbeatMs } : {}),
    });
    this.#members = new RoomMembers({
      supabase: deps.supabase,
      call: deps.call,
      roomId: deps.roomId,
      userId: deps.userId,
      onMembers: (members) => {
        this.#presence.setRoles(members);
        this.emit('members', this.members());
        this.comments.refreshNames();
      },
      onReads: (reads) => this.emit('reads', reads),
      onRemoved: (reason) => this.emit('removed', { reason }),
    });
    this.sync.on('state', (state) => this.emit('playback', state));
    this.sync.on('syncState', () => void this.#track().catch(() => undefined));
    this.comments = new CommentStore({
      supabase: deps.supabase,
      call: deps.call,
      roomId: deps.roomId,
      userId: () => deps.userId,
      nameOf: (id) => this.#members.get(id)?.display_name ?? this.#presence.nameOf(id),
      onChange: () => this.emit('comments', this.comments.items()),
    });
    this.#presence = new RoomPresence(deps.userId, (list) => {
      this.emit('presence', list);
      this.comments.refreshNames();
    });
    this.#typing = new TypingTracker(deps.options.typingTtlMs ?? 3_000, (list) => this.emit('typing', list));
  }

  get status(): ConnectionStatus {
    return this.#status;
  }
  get room(): Room | undefined {
    return this.#room;
  }
  get playback(): PlaybackState | undefined {
    return this.sync.state;
  }
  get userId(): string {
    return this.#d.userId;
  }
  get role(): Member['role'] | undefined {
    return this.#members.get(this.#d.userId)?.role;
  }
  /** Host and moderators control; anyone does in `everyone` mode. */
  get canControl(): boolean {
    const role = this.role;
    return (
      role === 'host' ||
      role === 'moderator' ||
      (role !== undefined && this.#room?.control_mode === 'everyone')
    );
  }
  members(): readonly Member[] {
    return this.#members.list();
  }
  presence(): readonly PresenceMember[] {
    return this.#presence.list();
  }
  typing(): readonly TypingUser[] {
    return this.#typing.list();
  }
  /** Who has read up to (at least) this comment, by their read positions. */
  readBy(comment: Pick<Comment, 'created_at'>): string[] {
    return this.#members.readBy(comment.created_at);
  }

  /** Loads the room, joins the channel and starts the clock; rejects when this user may not. */
  async open(): Promise<void> {
    await this.#loadRoom();
    await this.#members.load();
    await Promise.all([this.#subscribe(), this.comments.load(), this.clock.start()]);
    // Position and sync state in presence, refreshed as heartbeats are.
    this.#presenceTimer = setInterval(
      () => void this.#track().catch(() => undefined),
      this.#d.options.heartbeatMs || 5_000,
    );
    if (this.#room) this.sync.apply(stateFromRoomRow(this.#room as unknown as Record<string, unknown>));
    // The row is as of its read; the heartbeat brings the state with the server's clock.
    await this.sync.heartbeat().catch(() => undefined);
  }

  /** Broadcasts typing (refreshed while true, expires on its own on the other side). */
  setTyping(typing: boolean): void {
    const me = this.#d.userId;
    if (!this.#typing.shouldSend(typing)) return;
    void this.#send('typing', { user_id: me, display_name: this.#myName(), typing });
  }

  /** An emoji on the video at (x, y) in 0..1 of its box, at the current video time. */
  sendReaction(emoji: string, at: { x: number; y: number }): Reaction {
    const reaction: Reaction = {
      id: crypto.randomUUID(),
      emoji,
      x: Math.min(1, Math.max(0, at.x)),
      y: Math.min(1, Math.max(0, at.y)),
      video_ts: this.sync.player?.position() ?? this.sync.expectedPosition() ?? null,
      user_id: this.#d.userId,
      display_name: this.#myName(),
      at: Date.now(),
    };
    this.emit('reaction', reaction);
    void this.#send('reaction', reaction);
    return reaction;
  }

  /** Updates what others see of this user (status; position and sync state come from the engine). */
  async updatePresence(
    fields: Partial<Pick<PresenceMember, 'status' | 'sync_state' | 'position'>>,
  ): Promise<void> {
    this.#presence.patchMine(fields);
    await this.#track();
  }

  /** Leaves the channel and stops everything. The room membership stays (see rooms.leave). */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    clearTimeout(this.#rejoinTimer);
    clearInterval(this.#presenceTimer);
    this.#track.cancel();
    this.sync.detach();
    this.clock.stop();
    this.#typing.stop();
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel) await this.#d.supabase.removeChannel(channel);
    this.#setStatus('closed');
    this.clear();
  }

  // Internals -----------------------------------------------------------------------------------

  #myName(): string | null {
    return this.#members.get(this.#d.userId)?.display_name ?? null;
  }

  #setStatus(status: ConnectionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }

  async #loadRoom(): Promise<void> {
    const { data, error, status } = await this.#d.supabase
      .from('rooms')
      .select('*')
      .eq('id', this.roomId)
      .maybeSingle();
    if (error) throw fromPostgrest(error, status);
    if (!data) throw new WatchroomError('not_a_member', 'You are not a member of this room', 403);
    this.#setRoom(data as Room);
  }

  #setRoom(room: Room): void {
    this.#room = room;
    this.emit('room', room);
    if (room.status === 'ended') this.emit('removed', { reason: 'ended' });
  }

  #subscribe(): Promise<void> {
    const supabase = this.#d.supabase;
    const channel = supabase.channel(`room:${this.roomId}`, {
      config: { private: true, presence: { key: this.#d.userId }, broadcast: { self: false, ack: false } },
    });
    this.#channel = channel;
    const payloadOf = (m: Record<string, unknown>) => (m.payload ?? {}) as Record<string, unknown>;
    channel
      .on('broadcast', { event: 'playback' }, (m) =>
        this.sync.apply(payloadOf(m) as unknown as PlaybackState),
      )
      .on('broadcast', { event: 'media' }, (m) => {
        const p = payloadOf(m) as {
          state?: PlaybackState;
          media_url?: string | null;
          media_title?: string | null;
        };
        if (this.#room)
          this.#setRoom({
            ...this.#room,
            media_url: p.media_url ?? null,
            media_title: p.media_title ?? null,
          });
        if (p.state) this.sync.apply(p.state);
      })
      .on('broadcast', { event: 'comment' }, (m) => {
        const p = payloadOf(m) as { operation: string; record: Comment | null; old_record: Comment | null };
        if (p.operation === 'DELETE' && p.old_record) this.comments.forget(p.old_record.id);
        else if (p.record) this.comments.ingest(p.record);
      })
      .on('broadcast', { event: 'member' }, (m) => {
        const p = payloadOf(m) as {
          operation: string;
          record: Membership | null;
          old_record: Membership | null;
        };
        void this.#members.changed(p.operation, p.record, p.old_record);
      })
      .on('broadcast', { event: 'counters' }, (m) => {
        const p = payloadOf(m) as { member_count: number; max_members: number };
        if (this.#room)
          this.#setRoom({ ...this.#room, member_count: p.member_count, max_members: p.max_members });
      })
      .on('broadcast', { event: 'reactions' }, (m) => {
        const p = payloadOf(m) as { comment_id: string; reactions: Record<string, number> };
        this.comments.setReactions(p.comment_id, p.reactions);
      })
      .on('broadcast', { event: 'reaction' }, (m) =>
        this.emit('reaction', { ...(payloadOf(m) as unknown as Reaction), at: Date.now() }),
      )
      .on('broadcast', { event: 'typing' }, (m) => {
        const p = payloadOf(m) as { user_id: string; display_name: string | null; typing: boolean };
        this.#typing.heard(p.user_id, p.display_name, p.typing);
      })
      .on(
        'postgres_changes',
        { event: 'UPDATE', schema: 'public', table: 'rooms', filter: `id=eq.${this.roomId}` },
        (c) => {
          const row = c.new as Room;
          this.#setRoom(row);
          this.sync.apply(stateFromRoomRow(row as unknown as Record<string, unknown>));
        },
      )
      .on(
        'postgres_changes',
        { event: 'UPDATE', schema: 'public', table: 'room_members', filter: `room_id=eq.${this.roomId}` },
        (c) => this.#members.read(c.new as Membership),
      )
      .on('presence', { event: 'sync' }, () => this.#presence.sync(channel.presenceState()));

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      channel.subscribe((status, error) => {
        if (this.#closing || channel !== this.#channel) return;
        if (status === 'SUBSCRIBED') {
          this.#rejoinAttempt = 0;
          const again = this.#everConnected;
          this.#everConnected = true;
          this.#setStatus('connected');
          void this.#track();
          if (again) void this.#catchUp();
          if (!settled) {
            settled = true;
            resolve();
          }
          return;
        }
        if (!settled) {
          settled = true;
          reject(
            new WatchroomError(
              'realtime_refused',
              error?.message ?? `Joining room:${this.roomId}: ${status}`,
            ),
          );
          return;
        }
        this.#setStatus('reconnecting');
        // Realtime rejoins errored and timed-out channels itself; one the server closed, we rejoin.
        if (status === 'CLOSED') this.#rejoinLater();
      });
    });
  }

  #rejoinLater(): void {
    const backoff = this.#d.options.rejoinBackoffMs ?? DEFAULT_BACKOFF;
    const wait = backoff[Math.min(this.#rejoinAttempt++, backoff.length - 1)] ?? 1_000;
    clearTimeout(this.#rejoinTimer);
    this.#rejoinTimer = setTimeout(async () => {
      const old = this.#channel;
      this.#channel = undefined;
      if (old) await this.#d.supabase.removeChannel(old);
      if (this.#closing) return;
      await this.#subscribe().catch(() => this.#rejoinLater());
    }, wait);
  }

  async #catchUp(): Promise<void> {
    try {
      await this.#loadRoom();
      await this.#members.load();
      await this.sync.resync();
      const comments = await this.comments.catchUp();
      this.emit('resynced', { comments });
    } catch (error) {
      this.emit(
        'error',
        error instanceof WatchroomError ? error : new WatchroomError('resync_failed', String(error)),
      );
    }
  }

  async #trackNow(): Promise<void> {
    const channel = this.#channel;
    if (!channel || this.#status !== 'connected') return;
    const me = this.#members.get(this.#d.userId);
    this.#presence.patchMine({ sync_state: this.sync.syncState });
    await channel.track(
      this.#presence.mine({
        display_name: me?.display_name ?? null,
        role: me?.role ?? null,
        position: this.sync.player?.position() ?? null,
      }),
    );
  }

  async #send(event: string, payload: Record<string, unknown> | Reaction): Promise<void> {
    await this.#channel?.send({ type: 'broadcast', event, payload: payload as Record<string, unknown> });
  }
}
