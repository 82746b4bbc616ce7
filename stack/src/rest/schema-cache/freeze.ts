/** An object without a prototype, so that any identifier (`constructor`, `__proto__`) is a plain key. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Groups values into schema → name → value records. */
export function groupBySchema<T, V>(
  items: readonly T[],
  key: (item: T) => { readonly schema: string; readonly name: string },
  add: (existing: V | undefined, item: T) => V,
): Record<string, Record<string, V>> {
  const result = emptyRecord<Record<string, V>>();
  for (const item of items) {
    const { schema, name } = key(item);
    let bySchema = result[schema];
    if (!bySchema) {
      bySchema = emptyRecord<V>();
      result[schema] = bySchema;
    }
    bySchema[name] = add(bySchema[name], item);
  }
  return result;
}

/**
 * Freezes an acyclic object graph, so a cache handed to concurrent requests cannot be changed
 * by any of them. A node that is already frozen was reached before (shared types and foreign
 * keys) and is not walked again.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
