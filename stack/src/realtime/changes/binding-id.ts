import { createHash } from 'node:crypto';

/** Ids are below 2^27 like the reference's `:erlang.phash2/1`, so they stay small JSON numbers. */
const ID_RANGE = 2 ** 27;

/**
 * The join reply's per-binding id: a hash of the binding object as the client sent it, so the
 * same binding always gets the same number (across channels, sockets and restarts) and key
 * order does not matter. The client matches `ids` with strict equality, so this is a number.
 *
 * @example bindingId({ event: '*', schema: 'public', table: 'todos' }) // → e.g. 106243155
 */
export function bindingId(binding: unknown): number {
  const digest = createHash('sha256').update(canonicalJson(binding)).digest();
  return digest.readUInt32BE(0) % ID_RANGE;
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
