/** Who is in the room (Realtime presence, one entry per user) and who is typing (expiring notices). */
import type { Member, PresenceMember, TypingUser } from './types.ts';

type Meta = Partial<PresenceMember> & { user_id?: string };

export class RoomPresence {
  #mine: Pick<PresenceMember, 'status' | 'sync_state' | 'online_at'> & { position?: number | null } = {
    status: 'online',
    sync_state: 'unknown',
    online_at: new Date().toISOString(),
  };
  #list: readonly PresenceMember[] = [];
  #roles = new Map<string, Member>();

  constructor(
    private readonly userId: string,
    private readonly onChange: (list: readonly PresenceMember[]) => void,
  ) {}

  list(): readonly PresenceMember[] {
    return this.#list;
  }

  nameOf(userId: string): string | null | undefined {
    return this.#list.find((p) => p.user_id === userId)?.display_name;
  }

  /** What this client tracks. */
  mine(fields: Pick<PresenceMember, 'display_name' | 'role'> & { position: number | null }): PresenceMember {
    return {
      user_id: this.userId,
      ...this.#mine,
      ...fields,
      position: fields.position ?? this.#mine.position ?? null,
    };
  }

  patchMine(fields: Partial<Pick<PresenceMember, 'status' | 'sync_state' | 'position'>>): void {
    this.#mine = { ...this.#mine, ...fields };
  }

  setRoles(members: ReadonlyMap<string, Member>): void {
    this.#roles = new Map(members);
    this.#rebuild(this.#list.map((p) => ({ ...p })));
  }

  /** Realtime's presence state: key (user id) → metas, one per tab; the newest tab wins. */
  sync(state: Record<string, Meta[]>): void {
    const entries: Meta[] = [];
    for (const [key, metas] of Object.entries(state)) {
      const newest = [...metas].sort((a, b) =>
        String(b.online_at ?? '').localeCompare(String(a.online_at ?? '')),
      )[0];
      if (newest) entries.push({ ...newest, user_id: newest.user_id ?? key });
    }
    this.#rebuild(entries);
  }

  #rebuild(entries: readonly Meta[]): void {
    const list = entries
      // Someone removed from the room may linger in presence until their channel drops.
      .filter((e) => e.user_id && (this.#roles.size === 0 || this.#roles.has(e.user_id)))
      .map(
        (e): PresenceMember => ({
          user_id: e.user_id as string,
          display_name: this.#roles.get(e.user_id as string)?.display_name ?? e.display_name ?? null,
          role: this.#roles.get(e.user_id as string)?.role ?? e.role ?? null,
          status: e.status ?? 'online',
          sync_state: e.sync_state ?? 'unknown',
          position: e.position ?? null,
          online_at: e.online_at ?? '',
        }),
      )
      .sort((a, b) => a.online_at.localeCompare(b.online_at) || a.user_id.localeCompare(b.user_id));
    this.#list = list;
    this.onChange(list);
  }
}

/** Typing notices that expire `ttlMs` after the last one heard, and throttling of our own. */
export class TypingTracker {
  readonly #typing = new Map<string, { name: string | null; until: number }>();
  #list: readonly TypingUser[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSent: { typing: boolean; at: number } = { typing: false, at: 0 };

  constructor(
    private readonly ttlMs: number,
    private readonly onChange: (list: readonly TypingUser[]) => void,
  ) {}

  list(): readonly TypingUser[] {
    return this.#list;
  }

  heard(userId: string, name: string | null, typing: boolean): void {
    if (typing) this.#typing.set(userId, { name, until: Date.now() + this.ttlMs });
    else if (!this.#typing.delete(userId)) return;
    this.#update();
  }

  /** Whether to broadcast this change: typing is refreshed at half the lifetime, stops once. */
  shouldSend(typing: boolean): boolean {
    const now = Date.now();
    const send = typing
      ? !this.#lastSent.typing || now - this.#lastSent.at >= this.ttlMs / 2
      : this.#lastSent.typing;
    if (send) this.#lastSent = { typing, at: now };
    return send;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#typing.clear();
  }

  #update(): void {
    const now = Date.now();
    for (const [id, entry] of this.#typing) if (entry.until <= now) this.#typing.delete(id);
    this.#list = [...this.#typing].map(([user_id, e]) => ({ user_id, display_name: e.name }));
    this.onChange(this.#list);
    clearTimeout(this.#timer);
    const next = Math.min(...[...this.#typing.values()].map((e) => e.until));
    if (Number.isFinite(next)) this.#timer = setTimeout(() => this.#update(), Math.max(0, next - now) + 5);
  }
}
