/**
 * A room's members as the connection knows them: roles and profiles (loaded through the rooms
 * function, kept current from the room's `member` broadcasts) and read positions (from
 * room_members row changes), for names, permissions and read receipts.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Call } from './functions.ts';
import type { Member, Membership } from './types.ts';

type Profile = Pick<Member, 'display_name' | 'avatar_url' | 'status'>;

export interface RoomMembersOptions {
  readonly supabase: SupabaseClient;
  readonly call: Call;
  readonly roomId: string;
  readonly userId: string;
  readonly onMembers: (members: ReadonlyMap<string, Member>) => void;
  readonly onReads: (reads: ReadonlyMap<string, string | null>) => void;
  /** This user left the room's membership: removed, or banned. */
  readonly onRemoved: (reason: 'kicked' | 'banned') => void;
}

export class RoomMembers {
  readonly #o: RoomMembersOptions;
  #members = new Map<string, Member>();
  readonly #reads = new Map<string, string | null>();

  constructor(options: RoomMembersOptions) {
    this.#o = options;
  }

  get(userId: string): Member | undefined {
    return this.#members.get(userId);
  }

  list(): Member[] {
    return [...this.#members.values()];
  }

  /** Who has read up to (at least) a comment created at `createdAt`. */
  readBy(createdAt: string): string[] {
    const at = Date.parse(createdAt);
    return [...this.#reads].filter(([, readAt]) => readAt && Date.parse(readAt) >= at).map(([id]) => id);
  }

  async load(): Promise<void> {
    const { members } = await this.#o.call<{ members: Member[] }>(`rooms/${this.#o.roomId}`);
    this.#members = new Map(members.map((m) => [m.user_id, { ...m, room_id: this.#o.roomId } as Member]));
    const { data } = await this.#o.supabase
      .from('room_members')
      .select('user_id, last_read_at')
      .eq('room_id', this.#o.roomId);
    for (const row of (data ?? []) as { user_id: string; last_read_at: string | null }[])
      this.#reads.set(row.user_id, row.last_read_at);
    this.#o.onMembers(this.#members);
    this.#o.onReads(this.#reads);
  }

  /** A `member` broadcast: `realtime.broadcast_changes` of room_members. */
  async changed(operation: string, row: Membership | null, old: Membership | null): Promise<void> {
    const userId = row?.user_id ?? old?.user_id;
    if (!userId) return;
    if (operation === 'DELETE' || row?.banned) {
      this.#members.delete(userId);
      if (userId === this.#o.userId) this.#o.onRemoved(row?.banned ? 'banned' : 'kicked');
    } else if (row) {
      const held = this.#members.get(userId);
      const profile: Profile = held
        ? { display_name: held.display_name, avatar_url: held.avatar_url, status: held.status }
        : await this.#profile(userId);
      this.#members.set(userId, { ...row, ...profile } as Member);
    }
    this.#o.onMembers(this.#members);
  }

  /** A room_members row change: only the read position matters here. */
  read(row: Membership): void {
    if (this.#reads.get(row.user_id) === row.last_read_at) return;
    this.#reads.set(row.user_id, row.last_read_at);
    this.#o.onReads(this.#reads);
  }

  async #profile(userId: string): Promise<Profile> {
    const { data } = await this.#o.supabase
      .from('profiles')
      .select('display_name, avatar_url, status')
      .eq('id', userId)
      .maybeSingle();
    return (data as Profile | null) ?? { display_name: null, avatar_url: null, status: 'online' };
  }
}
