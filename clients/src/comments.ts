/**
 * A room's comments as the UI shows them: history loaded newest first by keyset pages, live
 * changes merged by id, this client's own sends shown at once and reconciled by client id (a
 * retry never posts twice; the echo never shows twice), reactions, read position and unread
 * count, and catch-up after a disconnect by what was created, edited or deleted meanwhile.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { fromPostgrest, isWatchroomError, WatchroomError } from './errors.ts';
import type { Call } from './functions.ts';
import type { Comment, CommentItem } from './types.ts';

export interface CommentStoreOptions {
  readonly supabase: SupabaseClient;
  readonly call: Call;
  readonly roomId: string;
  readonly userId: () => string | undefined;
  readonly nameOf?: (userId: string) => string | null | undefined;
  readonly onChange: () => void;
  /** Page size for history. */
  readonly pageSize?: number;
}

export interface SendOptions {
  readonly videoTs?: number | null;
  readonly parentId?: string | null;
}

const COLUMNS =
  'id, room_id, author_id, kind, body, video_ts, parent_id, client_id, created_at, edited_at, deleted_at';
const CATCH_UP_PAGE = 500;
const CATCH_UP_MARGIN_MS = 10_000;

/** Microseconds since the epoch: Postgres keeps microseconds, Date only milliseconds. */
export function micros(iso: string): number {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return Date.parse(iso) * 1000 + Number(fraction.slice(3, 6).padEnd(3, '0'));
}

const order = (a: CommentItem, b: CommentItem) => {
  // Pending and failed sends sit after everything the server has, in the order they were made.
  if ((a.id === undefined) !== (b.id === undefined)) return a.id === undefined ? 1 : -1;
  const byTime = micros(a.created_at) - micros(b.created_at);
  return byTime !== 0 ? byTime : (a.id ?? a.key) < (b.id ?? b.key) ? -1 : 1;
};

export class CommentStore {
  readonly #o: CommentStoreOptions;
  readonly #items = new Map<string, CommentItem>();
  readonly #keyById = new Map<string, string>();
  readonly #keyByClientId = new Map<string, string>();
  readonly #drafts = new Map<string, { body: string; options: SendOptions }>();
  #sorted: CommentItem[] | undefined;
  #oldest: { created_at: string; id: string } | undefined;
  #hasMore = true;
  #lastReadAt: string | null = null;
  #unreadNotLoaded = 0;
  /** Newest change seen (server time): where a catch-up starts. */
  #watermark: string | undefined;

  constructor(options: CommentStoreOptions) {
    this.#o = options;
  }

  /** Oldest first. The same array until something changes (React's useSyncExternalStore). */
  items(): readonly CommentItem[] {
    this.#sorted ??= [...this.#items.values()].sort(order);
    return this.#sorted;
  }

  get hasMore(): boolean {
    return this.#hasMore;
  }
  get lastReadAt(): string | null {
    return this.#lastReadAt;
  }

  /** The first page and the read position. */
  async load(): Promise<void> {
    const me = this.#o.userId();
    if (me) {
      const { data, error } = await this.#o.supabase
        .from('room_members')
        .select('last_read_at')
        .eq('room_id', this.#o.roomId)
        .eq('user_id', me)
        .maybeSingle();
      if (error) throw fromPostgrest(error);
      this.#lastReadAt = (data?.last_read_at as string | null | undefined) ?? null;
    }
    await this.loadOlder();
    await this.#countUnreadNotLoaded();
  }

  /** The next page back in time; resolves whether there is more. */
  async loadOlder(limit = this.#o.pageSize ?? 50): Promise<boolean> {
    let query = this.#o.supabase
      .from('comments')
      .select(COLUMNS)
      .eq('room_id', this.#o.roomId)
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(limit);
    const oldest = this.#oldest;
    if (oldest)
      query = query.or(
        `created_at.lt.${oldest.created_at},and(created_at.eq.${oldest.created_at},id.lt.${oldest.id})`,
      );
    const { data, error } = await query;
    if (error) throw fromPostgrest(error);
    const rows = (data ?? []) as Comment[];
    const last = rows.at(-1);
    if (last) this.#oldest = { created_at: last.created_at, id: last.id };
    this.#hasMore = rows.length === limit;
    for (const row of rows) this.ingest(row, false);
    await this.#loadReactions(rows.map((r) => r.id));
    this.#changed();
    return this.#hasMore;
  }

  /**
   * Everything created, edited or deleted since the newest change seen: what a disconnect may
   * have missed. Paged, so a long absence is caught up in full.
   */
  async catchUp(): Promise<number> {
    if (!this.#watermark) return 0;
    // created_at is the inserting transaction's start: one that committed after the newest row
    // seen may carry an earlier time. Overlap by a margin; ingest drops what is already held.
    const since = new Date(Date.parse(this.#watermark) - CATCH_UP_MARGIN_MS).toISOString();
    let caught = 0;
    let from = since;
    for (;;) {
      const { data, error } = await this.#o.supabase
        .from('comments')
        .select(COLUMNS)
        .eq('room_id', this.#o.roomId)
        .or(`created_at.gte.${from},edited_at.gte.${from},deleted_at.gte.${from}`)
        .order('created_at', { ascending: true })
        .order('id', { ascending: true })
        .limit(CATCH_UP_PAGE);
      if (error) throw fromPostgrest(error);
      const rows = (data ?? []) as Comment[];
      for (const row of rows) if (this.ingest(row, false)) caught++;
      const next = (rows.at(-1) as Comment | undefined)?.created_at;
      if (rows.length < CATCH_UP_PAGE || !next || next === from) break;
      from = next;
    }
    this.#changed();
    return caught;
  }

  /** A row from the server (live change, page, answer); returns whether it changed anything. */
  ingest(row: Comment, notify = true): boolean {
    const key =
      this.#keyById.get(row.id) ??
      (row.client_id && row.author_id === this.#o.userId()
        ? this.#keyByClientId.get(row.client_id)
        : undefined) ??
      row.id;
    const held = this.#items.get(key);
    const stamp = (c: { edited_at: string | null; deleted_at: string | null; created_at: string }) =>
      Math.max(
        micros(c.created_at),
        c.edited_at ? micros(c.edited_at) : 0,
        c.deleted_at ? micros(c.deleted_at) : 0,
      );
    // An older copy (a page read before a live edit arrived) never overwrites a newer one.
    if (held?.id !== undefined && stamp(held) > stamp(row)) return false;
    if (held?.id !== undefined && stamp(held) === stamp(row) && held.body === row.body) return false;
    this.#items.set(key, {
      ...row,
      key,
      status: 'sent',
      reactions: held?.reactions ?? {},
      author_name: row.author_id ? (this.#o.nameOf?.(row.author_id) ?? held?.author_name ?? null) : null,
    });
    this.#keyById.set(row.id, key);
    if (row.client_id) this.#keyByClientId.set(row.client_id, key);
    this.#drafts.delete(key);
    const changedAt = new Date(Math.floor(stamp(row) / 1000)).toISOString();
    if (!this.#watermark || changedAt > this.#watermark) this.#watermark = changedAt;
    if (notify) this.#changed();
    return true;
  }

  /** A comment hard-deleted on the server (a room's cascade): gone from the list. */
  forget(id: string): void {
    const key = this.#keyById.get(id);
    if (key && this.#items.delete(key)) this.#changed();
  }

  /**
   * Shows the comment at once (pending), then posts it with a client id; the answer (or its live
   * echo, whichever is first) turns it into the real one. A failure leaves it `failed` to retry.
   */
  async send(body: string, options: SendOptions = {}): Promise<CommentItem> {
    const clientId = crypto.randomUUID();
    const me = this.#o.userId() ?? null;
    this.#items.set(clientId, {
      key: clientId,
      id: undefined,
      room_id: this.#o.roomId,
      author_id: me,
      kind: 'user',
      body,
      video_ts: options.videoTs ?? null,
      parent_id: options.parentId ?? null,
      client_id: clientId,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted_at: null,
      status: 'pending',
      reactions: {},
      author_name: me ? (this.#o.nameOf?.(me) ?? null) : null,
    });
    this.#keyByClientId.set(clientId, clientId);
    this.#drafts.set(clientId, { body, options });
    this.#changed();
    return this.#post(clientId);
  }

  /** Sends a failed comment again, with the same client id (so it cannot post twice). */
  async retry(key: string): Promise<CommentItem> {
    const item = this.#items.get(key);
    if (item?.status !== 'failed')
      throw new WatchroomError('not_retryable', 'Only a failed comment can be retried');
    this.#items.set(key, { ...item, status: 'pending', error: undefined });
    this.#changed();
    return this.#post(key);
  }

  async #post(key: string): Promise<CommentItem> {
    const draft = this.#drafts.get(key);
    const item = this.#items.get(key) as CommentItem;
    try {
      const row = await this.#o.call<Comment>('interactions/comments', {
        body: {
          room_id: this.#o.roomId,
          body: draft?.body ?? item.body,
          client_id: item.client_id,
          ...(item.video_ts === null ? {} : { video_ts: Number(item.video_ts) }),
          ...(item.parent_id === null ? {} : { parent_id: item.parent_id }),
        },
      });
      this.ingest(row);
    } catch (error) {
      const held = this.#items.get(key);
      if (held && held.id === undefined) {
        const reason = isWatchroomError(error)
          ? { code: error.code, message: error.message }
          : { code: 'network_error', message: String(error) };
        this.#items.set(key, { ...held, status: 'failed', error: reason });
        this.#changed();
      }
      throw error;
    }
    return this.#items.get(key) as CommentItem;
  }

  async edit(id: string, body: string): Promise<void> {
    this.ingest(
      await this.#o.call<Comment>(`interactions/comments/${id}`, { method: 'PATCH', body: { body } }),
    );
  }

  async remove(id: string): Promise<void> {
    this.ingest(await this.#o.call<Comment>(`interactions/comments/${id}`, { method: 'DELETE' }));
  }

  async react(id: string, emoji: string): Promise<void> {
    const answer = await this.#o.call<{ comment_id: string; reactions: Record<string, number> }>(
      `interactions/comments/${id}/reactions`,
      {
        body: { emoji },
      },
    );
    this.setReactions(answer.comment_id, answer.reactions);
  }

  async unreact(id: string, emoji: string): Promise<void> {
    const answer = await this.#o.call<{ comment_id: string; reactions: Record<string, number> }>(
      `interactions/comments/${id}/reactions/${encodeURIComponent(emoji)}`,
      { method: 'DELETE' },
    );
    this.setReactions(answer.comment_id, answer.reactions);
  }

  /** Reaction counts for a comment (from an answer or the room's `reactions` broadcast). */
  setReactions(commentId: string, reactions: Record<string, number>): void {
    const key = this.#keyById.get(commentId);
    const item = key ? this.#items.get(key) : undefined;
    if (!key || !item) return;
    this.#items.set(key, { ...item, reactions });
    this.#changed();
  }

  /** Comments by others after the read position (system notices do not count). */
  unreadCount(): number {
    const me = this.#o.userId();
    const after = this.#lastReadAt;
    let n = this.#unreadNotLoaded;
    for (const item of this.#items.values()) {
      if (
        item.id &&
        item.kind === 'user' &&
        !item.deleted_at &&
        item.author_id !== me &&
        (!after || micros(item.created_at) > micros(after))
      )
        n++;
    }
    return n;
  }

  /** Moves the read position to the newest comment shown (never back). */
  async markRead(): Promise<void> {
    const newest = this.items()
      .filter((i) => i.id !== undefined)
      .at(-1);
    const me = this.#o.userId();
    if (!newest || !me || (this.#lastReadAt && micros(this.#lastReadAt) >= micros(newest.created_at))) return;
    const previous = this.#lastReadAt;
    this.#lastReadAt = newest.created_at;
    this.#unreadNotLoaded = 0;
    this.#changed();
    const { error } = await this.#o.supabase
      .from('room_members')
      .update({ last_read_at: newest.created_at })
      .eq('room_id', this.#o.roomId)
      .eq('user_id', me);
    if (error) {
      this.#lastReadAt = previous;
      this.#changed();
      throw fromPostgrest(error);
    }
  }

  /** Display names arrived (presence, members): fill in authors. */
  refreshNames(): void {
    if (!this.#o.nameOf) return;
    let changed = false;
    for (const [key, item] of this.#items) {
      const name = item.author_id ? this.#o.nameOf(item.author_id) : null;
      if (name && name !== item.author_name) {
        this.#items.set(key, { ...item, author_name: name });
        changed = true;
      }
    }
    if (changed) this.#changed();
  }

  async #loadReactions(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const { data, error } = await this.#o.supabase
      .from('comment_reactions')
      .select('comment_id, emoji')
      .in('comment_id', ids);
    if (error) throw fromPostgrest(error);
    const counts = new Map<string, Record<string, number>>();
    for (const row of (data ?? []) as { comment_id: string; emoji: string }[]) {
      const c = counts.get(row.comment_id) ?? {};
      c[row.emoji] = (c[row.emoji] ?? 0) + 1;
      counts.set(row.comment_id, c);
    }
    for (const [id, reactions] of counts) {
      const key = this.#keyById.get(id);
      const item = key ? this.#items.get(key) : undefined;
      if (key && item) this.#items.set(key, { ...item, reactions });
    }
  }

  async #countUnreadNotLoaded(): Promise<void> {
    const me = this.#o.userId();
    if (!me || !this.#hasMore || !this.#oldest) return;
    let query = this.#o.supabase
      .from('comments')
      .select('id', { count: 'exact', head: true })
      .eq('room_id', this.#o.roomId)
      .eq('kind', 'user')
      .is('deleted_at', null)
      .neq('author_id', me)
      .lt('created_at', this.#oldest.created_at);
    if (this.#lastReadAt) query = query.gt('created_at', this.#lastReadAt);
    const { count, error } = await query;
    if (error) throw fromPostgrest(error);
    this.#unreadNotLoaded = count ?? 0;
  }

  #changed(): void {
    this.#sorted = undefined;
    this.#o.onChange();
  }
}
