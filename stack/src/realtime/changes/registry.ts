/**
 * The accepted subscriptions, in memory (the reference keeps them in realtime.subscription; we
 * only use that table to validate). One Registration per channel; one BindingEntry per binding
 * and matching published table, indexed by table for the per-change candidate lookup.
 */
import type { ChangesSubscription, ChannelIdentity } from '../contracts.ts';
import type { ActionFilter, FilterSpec } from './params.ts';
import type { ChangeKind } from './transactions.ts';

export interface BindingEntry {
  readonly registration: Registration;
  /** The id the join reply gave this binding. */
  readonly bindingId: number;
  readonly tableOid: number;
  readonly action: ActionFilter;
  readonly filters: readonly FilterSpec[];
  /** Selected columns (primary key always added); null for all. */
  readonly select: readonly string[] | null;
  /** Groups bindings with the same column selection: `''` for all columns. */
  readonly selectKey: string;
}

export type EntrySpec = Omit<BindingEntry, 'registration'>;

export class Registration {
  active = true;
  private current: { identity: ChannelIdentity; claimsKey: string; entries: readonly BindingEntry[] };

  constructor(
    readonly subscription: ChangesSubscription,
    identity: ChannelIdentity,
    specs: readonly EntrySpec[],
  ) {
    this.current = this.build(identity, specs);
  }

  get identity(): ChannelIdentity {
    return this.current.identity;
  }

  /** Subscribers with equal keys see the same rows: same role, same claims. */
  get claimsKey(): string {
    return this.current.claimsKey;
  }

  get entries(): readonly BindingEntry[] {
    return this.current.entries;
  }

  /** Swaps identity and entries in one step; returns the previous entries. */
  replace(identity: ChannelIdentity, specs: readonly EntrySpec[]): readonly BindingEntry[] {
    const previous = this.current.entries;
    this.current = this.build(identity, specs);
    return previous;
  }

  private build(identity: ChannelIdentity, specs: readonly EntrySpec[]) {
    return {
      identity,
      claimsKey: `${identity.role}\u0000${JSON.stringify(identity.claims)}`,
      entries: specs.map((spec) => ({ ...spec, registration: this })),
    };
  }
}

export class Registry {
  private readonly byTable = new Map<number, Set<BindingEntry>>();
  private readonly registrations = new Set<Registration>();

  add(registration: Registration): void {
    this.registrations.add(registration);
    this.index(registration.entries);
  }

  replace(registration: Registration, identity: ChannelIdentity, specs: readonly EntrySpec[]): void {
    this.unindex(registration.replace(identity, specs));
    this.index(registration.entries);
  }

  remove(registration: Registration): void {
    registration.active = false;
    if (!this.registrations.delete(registration)) return;
    this.unindex(registration.entries);
  }

  all(): readonly Registration[] {
    return [...this.registrations];
  }

  hasTable(tableOid: number): boolean {
    return this.byTable.has(tableOid);
  }

  /** Bindings interested in this kind of change to this table, in registration order. */
  candidates(tableOid: number, kind: ChangeKind): BindingEntry[] {
    const entries = this.byTable.get(tableOid);
    if (!entries) return [];
    const matching: BindingEntry[] = [];
    for (const entry of entries) {
      if (entry.registration.active && (entry.action === '*' || entry.action === kind)) matching.push(entry);
    }
    return matching;
  }

  private index(entries: readonly BindingEntry[]): void {
    for (const entry of entries) {
      const set = this.byTable.get(entry.tableOid) ?? new Set();
      set.add(entry);
      this.byTable.set(entry.tableOid, set);
    }
  }

  private unindex(entries: readonly BindingEntry[]): void {
    for (const entry of entries) {
      const set = this.byTable.get(entry.tableOid);
      set?.delete(entry);
      if (set?.size === 0) this.byTable.delete(entry.tableOid);
    }
  }
}
