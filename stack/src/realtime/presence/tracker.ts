/**
 * Presence state of one topic with Phoenix semantics (realtime.md §4.2–4.3): each joined
 * channel owns at most one meta, under its presence key; several channels may share a key.
 * Every change is returned as the `presence_diff` payload it causes.
 */
import { randomBytes } from 'node:crypto';

export type PresenceMeta = Readonly<Record<string, unknown>> & {
  readonly phx_ref: string;
  readonly phx_ref_prev?: string;
};

export type PresenceMetas = Record<string, { metas: PresenceMeta[] }>;

export interface PresenceDiff {
  readonly joins: PresenceMetas;
  readonly leaves: PresenceMetas;
}

interface Entry {
  readonly key: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly meta: PresenceMeta;
}

/** Opaque and unique is all the client needs of a ref; Phoenix uses random base64 too. */
const newRef = () => randomBytes(9).toString('base64');

export class PresenceTopic<Owner> {
  private readonly entries = new Map<Owner, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces the owner's meta; undefined when the payload is unchanged. */
  track(owner: Owner, key: string, payload: Readonly<Record<string, unknown>>): PresenceDiff | undefined {
    const previous = this.entries.get(owner);
    if (previous && previous.key === key && jsonEqual(previous.payload, payload)) return undefined;
    const meta: PresenceMeta = previous
      ? { ...payload, phx_ref: newRef(), phx_ref_prev: previous.meta.phx_ref }
      : { ...payload, phx_ref: newRef() };
    this.entries.set(owner, { key, payload, meta });
    const joins = { [key]: { metas: [meta] } };
    if (!previous) return { joins, leaves: {} };
    return { joins, leaves: { [previous.key]: { metas: [previous.meta] } } };
  }

  /** Removes the owner's meta; undefined when it had none. */
  untrack(owner: Owner): PresenceDiff | undefined {
    const previous = this.entries.get(owner);
    if (!previous) return undefined;
    this.entries.delete(owner);
    return { joins: {}, leaves: { [previous.key]: { metas: [previous.meta] } } };
  }

  isTracked(owner: Owner): boolean {
    return this.entries.has(owner);
  }

  /** The `presence_state` payload: every key with its metas, in tracking order. */
  state(): PresenceMetas {
    const state: PresenceMetas = {};
    for (const { key, meta } of this.entries.values()) {
      const slot = state[key];
      if (slot) slot.metas.push(meta);
      else state[key] = { metas: [meta] };
    }
    return state;
  }
}

/** Structural equality of decoded JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}
